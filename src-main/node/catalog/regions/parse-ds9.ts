/**
 * DS9 region files (DS9 reference manual, "Regions": version 4.1 syntax, and the older space-separated form):
 * circle, ellipse, box, polygon and annulus in image/physical, fk5/j2000, fk4/b1950, icrs and galactic
 * coordinates, `-` for exclude. Image positions are 1-based in the file and 0-based here. Sky positions are
 * decimal degrees or sexagesimal (RA in hours for fk5/fk4/icrs), sizes in degrees unless suffixed `"` `'` `d` `r`.
 * Annotations (point, text, line, vector, ruler, compass, projection, segment) enclose no area and are counted as
 * skipped; panda shapes and composite regions are refused by name.
 */
import { ARCSEC_PER, plainNumber, RegionParseError, sexagesimal } from './values.js';
import type { PlaneShape, Region, RegionFile, RegionSystem } from './shapes.js';

const SYSTEMS: Readonly<Record<string, RegionSystem>> = {
  image: 'image',
  physical: 'image',
  fk5: 'fk5',
  j2000: 'fk5',
  fk4: 'fk4',
  b1950: 'fk4',
  icrs: 'icrs',
  galactic: 'galactic',
};
const UNSUPPORTED_SYSTEMS = /^(linear|amplifier|detector|ecliptic|wcs[a-z]?)$/i;
const AREA = new Set(['circle', 'ellipse', 'box', 'polygon', 'annulus']);
const ANNOTATIONS = new Set(['point', 'text', 'line', 'vector', 'ruler', 'compass', 'projection', 'segment']);

/** Parses DS9 region text; `file` names it in errors. */
export function parseDs9Regions(text: string, file: string): RegionFile {
  const regions: Region[] = [];
  let skipped = 0;
  let system: RegionSystem = 'image'; // DS9's default is physical, which is image for our frames
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    // Properties (`# color=red text={…}`) and commented-out shapes follow a '#'.
    const code = lines[n].replace(/#.*$/, '');
    for (const piece of code.split(';')) {
      const cmd = piece.trim();
      if (cmd === '' || /^global\b/i.test(cmd)) continue;
      const lower = cmd.toLowerCase();
      if (Object.hasOwn(SYSTEMS, lower)) {
        system = SYSTEMS[lower];
        continue;
      }
      if (UNSUPPORTED_SYSTEMS.test(lower))
        throw new RegionParseError(
          file,
          n + 1,
          `coordinate system '${cmd}' is not supported (use image, fk5, icrs or galactic)`,
        );
      const m = /^([+-]?)\s*([a-z]+)\s*(?:\((.*)\)|\s+(.*))?$/i.exec(cmd);
      if (!m) throw new RegionParseError(file, n + 1, `cannot read '${cmd}'`);
      const [, sign, rawName, inParens, bare] = m;
      const name = rawName.toLowerCase();
      if (ANNOTATIONS.has(name)) {
        skipped++;
        continue;
      }
      if (!AREA.has(name))
        throw new RegionParseError(
          file,
          n + 1,
          `'${rawName}' regions are not supported (circle, ellipse, box, polygon, annulus)`,
        );
      const args = (inParens ?? bare ?? '').split(/[\s,]+/).filter((a) => a !== '');
      for (const shape of ds9Shapes(name, args, system, (p) => new RegionParseError(file, n + 1, p)))
        regions.push({ system, shape, exclude: sign === '-', line: n + 1 });
    }
  }
  return { file, format: 'ds9', regions, skipped };
}

type Fail = (problem: string) => RegionParseError;

function ds9Shapes(name: string, args: string[], system: RegionSystem, fail: Fail): PlaneShape[] {
  const sky = system !== 'image';
  const lon = (t: string) => coordinate(t, sky, system !== 'galactic', 'x', fail);
  const lat = (t: string) => coordinate(t, sky, false, 'y', fail);
  const size = (t: string) => sizeOf(t, sky, fail);
  const angle = (t: string | undefined) => (t === undefined ? 0 : angleOf(t, fail));
  const need = (min: number, max: number) => {
    if (args.length < min || args.length > max)
      throw fail(`${name} takes ${min === max ? min : `${min} to ${max}`} numbers, got ${args.length}`);
  };
  switch (name) {
    case 'circle':
      need(3, 3);
      return [{ kind: 'circle', cx: lon(args[0]), cy: lat(args[1]), r: size(args[2]) }];
    case 'ellipse':
    case 'box': {
      need(4, 5);
      const [a, b] = [size(args[2]), size(args[3])];
      const cx = lon(args[0]);
      const cy = lat(args[1]);
      // DS9 ellipses give semi-axes, boxes full widths.
      return name === 'ellipse'
        ? [{ kind: 'ellipse', cx, cy, w: 2 * a, h: 2 * b, angleDeg: angle(args[4]) }]
        : [{ kind: 'box', cx, cy, w: a, h: b, angleDeg: angle(args[4]) }];
    }
    case 'annulus': {
      if (args.length < 4) throw fail(`annulus takes a centre and at least two radii, got ${args.length} numbers`);
      if (args.some((a) => a.startsWith('n='))) throw fail('annulus with n= is not supported; list the radii');
      const cx = lon(args[0]);
      const cy = lat(args[1]);
      const radii = args.slice(2).map(size);
      // annulus(x, y, r1, r2, r3) is the two rings r1–r2 and r2–r3, as DS9 draws it.
      return radii.slice(1).map((rOut, i) => {
        if (!(rOut > radii[i])) throw fail(`annulus radii must increase, got ${radii[i]} then ${rOut}`);
        return { kind: 'annulus', cx, cy, rIn: radii[i], rOut } as PlaneShape;
      });
    }
    default: {
      if (args.length < 6 || args.length % 2)
        throw fail(`polygon takes at least 3 vertices (x y pairs), got ${args.length} numbers`);
      const xs = new Float64Array(args.length / 2);
      const ys = new Float64Array(args.length / 2);
      for (let i = 0; i < xs.length; i++) {
        xs[i] = lon(args[2 * i]);
        ys[i] = lat(args[2 * i + 1]);
      }
      return [{ kind: 'polygon', xs, ys }];
    }
  }
}

/** A position: 1-based pixel → 0-based, or sky degrees (sexagesimal in hours for equatorial longitudes). */
function coordinate(t: string, sky: boolean, hours: boolean, axis: 'x' | 'y', fail: Fail): number {
  if (!sky) {
    const v = plainNumber(t.replace(/[ip]$/i, ''));
    if (!Number.isFinite(v)) throw fail(`'${t}' is not a pixel ${axis}`);
    return v - 1;
  }
  const v = Number.isFinite(plainNumber(t.replace(/d$/i, '')))
    ? plainNumber(t.replace(/d$/i, ''))
    : sexagesimal(t, hours);
  if (!Number.isFinite(v)) throw fail(`'${t}' is not a sky ${axis === 'x' ? 'longitude' : 'latitude'}`);
  if (axis === 'y' && Math.abs(v) > 90) throw fail(`latitude '${t}' is outside [-90, 90] degrees`);
  return v;
}

/** A size: pixels for image regions, arcsec for sky ones (plain numbers are degrees there). */
function sizeOf(t: string, sky: boolean, fail: Fail): number {
  const unit = /["'dr]$/i.exec(t)?.[0].toLowerCase();
  const pixels = /[ip]$/i.test(t);
  const v = plainNumber(unit || pixels ? t.slice(0, -1) : t);
  if (!(v >= 0) || !Number.isFinite(v)) throw fail(`'${t}' is not a size`);
  if (sky) {
    if (pixels) throw fail(`'${t}': pixel sizes on a sky region need a WCS; give the size in " or '`);
    return v * ARCSEC_PER[unit ?? 'd'];
  }
  if (unit) throw fail(`'${t}': an angular size on an image region needs a WCS; give it in pixels`);
  return v;
}

function angleOf(t: string, fail: Fail): number {
  const rad = /r$/i.test(t);
  const v = plainNumber(t.replace(/[dr]$/i, ''));
  if (!Number.isFinite(v)) throw fail(`'${t}' is not an angle`);
  return rad ? (v * 180) / Math.PI : v;
}
