/**
 * CASA region text format (CRTF v0, CASA docs "Region File Format"): circle, annulus, ellipse, box (two corners),
 * centerbox, rotbox and poly, `-` for exclude, `coord=` per region or in a `global` line (J2000, ICRS, B1950,
 * GALACTIC). Positions are `10.5deg`, `1.2rad`, `12h34m56.7s`, `12:34:56.7` (hours), `-23d11m00s`,
 * `-23.11.00` (degrees) or `Npix` (0-based pixels, CASA's convention); lengths need a unit (`arcsec`, `arcmin`,
 * `deg`, `rad`, `pix`, `"`, `'`). Annotations (`ann …`, symbol, text, line, vector) are counted as skipped.
 * Ellipses follow astropy-regions: `[[x, y], [b1, b2], pa]` with b1 the semi-axis at `pa` + 90° from the x axis.
 * A two-corner sky box is centred between the corners with width Δlon·cos(lat) (astropy uses Δlon alone).
 */
import { ARCSEC_PER, plainNumber, RegionParseError, sexagesimal } from './values.js';
import type { PlaneShape, Region, RegionFile, RegionSystem } from './shapes.js';

const FRAMES: Readonly<Record<string, RegionSystem>> = {
  j2000: 'fk5',
  icrs: 'icrs',
  b1950: 'fk4',
  galactic: 'galactic',
};
const AREA = new Set(['circle', 'annulus', 'ellipse', 'box', 'centerbox', 'rotbox', 'poly']);
const ANNOTATIONS = new Set(['symbol', 'text', 'line', 'vector']);

type Item = string | [string, string];
type Fail = (problem: string) => RegionParseError;

/** Parses CRTF text; `file` names it in errors. */
export function parseCrtfRegions(text: string, file: string): RegionFile {
  const regions: Region[] = [];
  let skipped = 0;
  let globalFrame: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    const fail: Fail = (p) => new RegionParseError(file, n + 1, p);
    if (line === '' || line.startsWith('#')) continue;
    if (/^global\b/i.test(line)) {
      globalFrame = coordKey(line) ?? globalFrame;
      continue;
    }
    const m = /^([+-]?)\s*(ann\s+)?([a-z]+)\s*\[/i.exec(line);
    if (!m) throw fail(`cannot read '${line}'`);
    const [, sign, ann, rawName] = m;
    const name = rawName.toLowerCase();
    const open = m[0].length - 1;
    const close = matchingBracket(line, open);
    if (close < 0) throw fail(`'${line}': unbalanced [ ]`);
    if (ann || ANNOTATIONS.has(name)) {
      skipped++;
      continue;
    }
    if (!AREA.has(name))
      throw fail(`'${rawName}' regions are not supported (circle, annulus, ellipse, box, centerbox, rotbox, poly)`);
    const items = splitItems(line.slice(open + 1, close));
    const frameName = (coordKey(line.slice(close + 1)) ?? globalFrame)?.toLowerCase();
    const first = items[0];
    const pixel = Array.isArray(first) && /pix$/i.test(first[0].trim());
    let system: RegionSystem = 'image';
    if (!pixel) {
      if (frameName !== undefined && !Object.hasOwn(FRAMES, frameName))
        throw fail(`coord=${frameName.toUpperCase()} is not supported (J2000, ICRS, B1950, GALACTIC)`);
      system = frameName === undefined ? 'fk5' : FRAMES[frameName]; // CASA's default frame is J2000
    }
    regions.push({ system, shape: crtfShape(name, items, system, fail), exclude: sign === '-', line: n + 1 });
  }
  return { file, format: 'crtf', regions, skipped };
}

function coordKey(text: string): string | undefined {
  return /\bcoord\s*=\s*([A-Za-z0-9_]+)/i.exec(text)?.[1];
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return i;
  }
  return -1;
}

/** `[a, b], c, [d, e]` → [[a, b], c, [d, e]]. */
function splitItems(inner: string): Item[] {
  const items: Item[] = [];
  const re = /\s*(?:\[([^\]]*)\]|([^,[\]]+))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < inner.length && (m = re.exec(inner))) {
    if (m[1] !== undefined) {
      const parts = m[1].split(',').map((p) => p.trim());
      items.push(parts.length === 2 ? [parts[0], parts[1]] : m[1]);
    } else items.push(m[2].trim());
    if (m[0] === '') break;
  }
  return items;
}

function crtfShape(name: string, items: Item[], system: RegionSystem, fail: Fail): PlaneShape {
  const sky = system !== 'image';
  const pair = (i: number, what: string): [string, string] => {
    const it = items[i];
    if (!Array.isArray(it)) throw fail(`${name}: item ${i + 1} must be a [${what}] pair`);
    return it;
  };
  const point = (i: number): [number, number] => {
    const [a, b] = pair(i, 'x, y');
    return [position(a, sky, system !== 'galactic', fail), position(b, sky, false, fail)];
  };
  const length = (t: Item | undefined): number => {
    if (typeof t !== 'string') throw fail(`${name}: expected a length, got ${JSON.stringify(t)}`);
    return lengthOf(t, sky, fail);
  };
  const count = (k: number) => {
    if (items.length !== k) throw fail(`${name} takes ${k} items, got ${items.length}`);
  };
  switch (name) {
    case 'circle': {
      count(2);
      const [cx, cy] = point(0);
      return { kind: 'circle', cx, cy, r: length(items[1]) };
    }
    case 'annulus': {
      count(2);
      const [cx, cy] = point(0);
      const [a, b] = pair(1, 'r1, r2');
      const [rIn, rOut] = [length(a), length(b)];
      if (!(rOut > rIn)) throw fail(`annulus radii must increase, got ${a} then ${b}`);
      return { kind: 'annulus', cx, cy, rIn, rOut };
    }
    case 'ellipse':
    case 'centerbox':
    case 'rotbox': {
      count(name === 'centerbox' ? 2 : 3);
      const [cx, cy] = point(0);
      const [a, b] = pair(1, 'a, b');
      const angleDeg = name === 'centerbox' ? 0 : angleOf(items[2], fail);
      if (name === 'ellipse') return { kind: 'ellipse', cx, cy, w: 2 * length(b), h: 2 * length(a), angleDeg };
      return { kind: 'box', cx, cy, w: length(a), h: length(b), angleDeg };
    }
    case 'box': {
      count(2);
      const [x1, y1] = point(0);
      const [x2, y2] = point(1);
      const cy = (y1 + y2) / 2;
      const dx = sky ? Math.abs(x1 - x2) * 3600 * Math.cos((cy * Math.PI) / 180) : Math.abs(x1 - x2);
      const dy = sky ? Math.abs(y1 - y2) * 3600 : Math.abs(y1 - y2);
      return { kind: 'box', cx: (x1 + x2) / 2, cy, w: dx, h: dy, angleDeg: 0 };
    }
    default: {
      if (items.length < 3) throw fail(`poly takes at least 3 vertices, got ${items.length}`);
      const xs = new Float64Array(items.length);
      const ys = new Float64Array(items.length);
      items.forEach((_, i) => ([xs[i], ys[i]] = point(i)));
      return { kind: 'polygon', xs, ys };
    }
  }
}

function position(t: string, sky: boolean, hours: boolean, fail: Fail): number {
  const s = t.trim();
  if (/pix$/i.test(s)) {
    const v = plainNumber(s.slice(0, -3));
    if (sky || !Number.isFinite(v)) throw fail(`'${s}': cannot mix pixel and sky positions in one region`);
    return v;
  }
  if (!sky) throw fail(`'${s}': cannot mix pixel and sky positions in one region`);
  let v: number;
  if (/deg$/i.test(s)) v = plainNumber(s.slice(0, -3));
  else if (/rad$/i.test(s)) v = (plainNumber(s.slice(0, -3)) * 180) / Math.PI;
  else if (/^[+-]?\d+\.\d+\.\d+(\.\d*)?$/.test(s)) v = sexagesimal(s.replace('.', ':').replace('.', ':'), false);
  else v = sexagesimal(s, hours);
  if (!Number.isFinite(v)) throw fail(`'${s}' is not a sky position`);
  return v;
}

/** Pixels for image regions, arcsec for sky regions. */
function lengthOf(t: string, sky: boolean, fail: Fail): number {
  const m = /^([+-]?[\d.]+(?:[eE][+-]?\d+)?)\s*(arcsec|arcmin|deg|rad|pix|"|')$/i.exec(t.trim());
  if (!m) throw fail(`'${t}' is not a length with a unit (arcsec, arcmin, deg, rad, pix)`);
  const v = plainNumber(m[1]);
  const unit = m[2].toLowerCase();
  if (!(v >= 0)) throw fail(`'${t}' is not a size`);
  if (unit === 'pix') {
    if (sky) throw fail(`'${t}': pixel lengths on a sky region need a WCS; give them in arcsec`);
    return v;
  }
  if (!sky) throw fail(`'${t}': an angular length on a pixel region needs a WCS; give it in pix`);
  return v * ARCSEC_PER[unit];
}

function angleOf(t: Item | undefined, fail: Fail): number {
  const s = typeof t === 'string' ? t.trim() : '';
  const m = /^([+-]?[\d.]+(?:[eE][+-]?\d+)?)\s*(deg|rad)?$/i.exec(s);
  if (!m) throw fail(`'${String(t)}' is not an angle (deg or rad)`);
  const v = plainNumber(m[1]);
  return m[2]?.toLowerCase() === 'rad' ? (v * 180) / Math.PI : v;
}
