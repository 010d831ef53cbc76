// DS9 and CRTF region files read as selections and masks, point by point against astropy-regions (python3-regions):
// every region of a file, on thousands of points clustered on it, inside or not as astropy says; the whole
// file's selection (includes less excludes); and the pixel mask of sky regions drawn through a rotated frame WCS.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  parseCrtfRegions,
  parseDs9Regions,
  readRegionFile,
  RegionSelection,
  regionToPixel,
  type Region,
} from '../../../../../src-main/node/catalog/regions/index.js';
import { ds9Regions } from '../../../../../src-workers/core/regions/index.js';
import { frameConverter } from '../../../../../src-workers/core/wcs/frames.js';
import { parseCelestialWcs, recordSource } from '../../../../../src-workers/core/wcs/index.js';

const PY = '/usr/bin/python3';
const ORACLE = resolve(import.meta.dirname, 'regions-oracle.py');
const hasRegions = existsSync(PY) && spawnSync(PY, ['-c', 'import regions'], { stdio: 'ignore' }).status === 0;
const skip = hasRegions ? false : 'needs /usr/bin/python3 with regions (Debian python3-regions)';
const dir = mkdtempSync(join(tmpdir(), 'owb-regions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const galToIcrs = frameConverter({ system: 'GALACTIC' }).toIcrs;
const fk4ToIcrs = frameConverter({ system: 'FK4', equinox: 1950 }).toIcrs;

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

interface Points {
  x: number[];
  y: number[];
  ra: number[];
  dec: number[];
}

/** 250 points per cluster, uniform in a disk (pixels, or arcsec on the sky); the other coordinates at random. */
function clustered(pixel: Array<[number, number, number]>, sky: Array<[number, number, number]>): Points {
  const p: Points = { x: [], y: [], ra: [], dec: [] };
  const disk = (r: number): [number, number] => {
    const t = 2 * Math.PI * random();
    const d = r * Math.sqrt(random());
    return [d * Math.cos(t), d * Math.sin(t)];
  };
  for (const [cx, cy, r] of pixel)
    for (let i = 0; i < 250; i++) {
      const [dx, dy] = disk(r);
      p.x.push(cx + dx);
      p.y.push(cy + dy);
      p.ra.push(149.9 + 0.4 * random());
      p.dec.push(1.95 + 0.4 * random());
    }
  for (const [ra, dec, r] of sky)
    for (let i = 0; i < 250; i++) {
      const [dx, dy] = disk(r / 3600);
      p.x.push(200 * random());
      p.y.push(200 * random());
      p.ra.push(ra + dx / Math.cos((dec * Math.PI) / 180));
      p.dec.push(dec + dy);
    }
  return p;
}

interface OracleRegion {
  include: boolean;
  inside: number[];
  mask?: number[];
}

function oracle(file: string, format: 'ds9' | 'crtf', points: Points, frame?: object): OracleRegion[] {
  const pts = join(dir, `points-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(pts, JSON.stringify(points));
  const args = [ORACLE, file, format, pts];
  if (frame) {
    writeFileSync(`${pts}.frame`, JSON.stringify(frame));
    args.push(`${pts}.frame`);
  }
  const r = spawnSync(PY, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { regions: OracleRegion[] }).regions;
}

const at = (p: Points, i: number) => ({ x: p.x[i], y: p.y[i], ra: p.ra[i], dec: p.dec[i] });

/** Each region against astropy (point by point), then the file's selection against the oracle's combination. */
function compare(regions: readonly Region[], truth: OracleRegion[], points: Points): void {
  assert.equal(regions.length, truth.length, 'as many regions as astropy-regions reads');
  regions.forEach((r, k) => {
    assert.equal(!r.exclude, truth[k].include, `line ${r.line}: include/exclude`);
    const one = new RegionSelection([{ ...r, exclude: false }]);
    let inside = 0;
    const wrong: number[] = [];
    for (let i = 0; i < points.x.length; i++) {
      const ours = one.contains(at(points, i));
      inside += Number(ours);
      if (ours !== (truth[k].inside[i] === 1)) wrong.push(i);
    }
    assert.deepEqual(
      wrong.slice(0, 5),
      [],
      `line ${r.line} (${r.shape.kind}, ${r.system}): ${wrong.length} points differ`,
    );
    assert.ok(inside >= 20 && inside <= points.x.length - 20, `line ${r.line}: ${inside} points inside`);
  });
  const all = new RegionSelection(regions);
  const includes = truth.filter((t) => t.include);
  let selected = 0;
  for (let i = 0; i < points.x.length; i++) {
    const expected =
      (includes.length === 0 || includes.some((t) => t.inside[i] === 1)) &&
      !truth.some((t) => !t.include && t.inside[i] === 1);
    assert.equal(all.contains(at(points, i)), expected, `point ${i}: the file's selection`);
    selected += Number(expected);
  }
  assert.ok(selected > 100, `${selected} points selected`);
}

const G1 = galToIcrs(236.8, 42.0);
const G2 = galToIcrs(236.83, 42.03);
const F4 = fk4ToIcrs(149.45, 2.45);

const DS9 = `# Region file format: DS9 version 4.1
global color=green dashlist=8 3 width=1 font="helvetica 10 normal roman"
image
circle(50.5,60.25,12.3)
box(120,80,30,14,25)
ellipse(80,130,20,8,-40)
polygon(150,20,190,30,185,70,160,60,170,40)
annulus(60,60,4,7)
-circle(125,82,5)
fk5
circle(150.1,2.2,30")
box(10:00:30.0,+02:10:00,60",25",30)
ellipse(150.16,2.13,40",15",120) # color=red
polygon(150.05,2.05,150.09,2.06,150.08,2.1,150.06,2.09)
icrs;-circle(150.16,2.13,8")
galactic
circle(236.8,42.0,0.01)
annulus(236.83,42.03,20",45")
fk4; box(149.45, 2.45, 1', 0.5', 10)
# text(150.0,2.1) text={not an area}
point(150.2,2.2) # point=cross
`;

describe('region files against astropy-regions', { skip }, () => {
  it('DS9: circle, box, ellipse, polygon, annulus in image, fk5, icrs, galactic and fk4, with excludes', () => {
    const file = join(dir, 'mixed.reg');
    writeFileSync(file, DS9);
    const parsed = parseDs9Regions(DS9, file);
    assert.equal(parsed.regions.length, 14);
    assert.equal(parsed.skipped, 1, 'the point is an annotation; the commented text is not read');
    const points = clustered(
      [
        [49.5, 59.25, 20],
        [119, 79, 25],
        [79, 129, 25],
        [169, 44, 30],
        [59, 59, 10],
        [124, 81, 8],
      ],
      [
        [150.1, 2.2, 50],
        [150.125, 2.16667, 50],
        [150.16, 2.13, 50],
        [150.07, 2.075, 120],
        [150.16, 2.13, 12],
        [G1[0], G1[1], 50],
        [G2[0], G2[1], 60],
        [F4[0], F4[1], 50],
      ],
    );
    compare(parsed.regions, oracle(file, 'ds9', points), points);
  });

  it('CRTF: circle, ellipse, rotbox, centerbox, poly, annulus in J2000, ICRS and GALACTIC, and pixel regions', () => {
    const sky = `#CRTFv0 CASA Region Text Format version 0
global coord=J2000, color=blue
circle[[150.1deg, 2.2deg], 30arcsec]
ellipse[[10h00m38.4s, +02.07.48], [40arcsec, 15arcsec], 120deg]
rotbox[[150.12deg, 2.16deg], [60arcsec, 25arcsec], 30deg]
centerbox[[150.14deg, 2.19deg], [20arcsec, 40arcsec]], coord=ICRS
poly[[150.05deg, 2.05deg], [150.09deg, 2.06deg], [150.08deg, 2.10deg], [150.06deg, 2.09deg]]
-annulus[[150.1deg, 2.2deg], [10arcsec, 15arcsec]]
circle[[236.8deg, 42.0deg], 36arcsec], coord=GALACTIC
ann circle[[150deg, 2deg], 1arcsec]
`;
    const file = join(dir, 'sky.crtf');
    writeFileSync(file, sky);
    const parsed = parseCrtfRegions(sky, file);
    assert.equal(parsed.skipped, 1);
    const points = clustered(
      [],
      [
        [150.1, 2.2, 50],
        [150.16, 2.13, 50],
        [150.12, 2.16, 50],
        [150.14, 2.19, 40],
        [150.07, 2.075, 120],
        [150.1, 2.2, 20],
        [G1[0], G1[1], 60],
      ],
    );
    compare(parsed.regions, oracle(file, 'crtf', points), points);

    const pixel = `#CRTFv0\ncircle[[50pix, 60pix], 12.3pix]\ncenterbox[[100pix, 70pix], [14pix, 9pix]]\n-rotbox[[100pix, 70pix], [6pix, 3pix], 20deg]\n`;
    const pfile = join(dir, 'pixel.crtf');
    writeFileSync(pfile, pixel);
    const pp = clustered(
      [
        [50, 60, 20],
        [100, 70, 12],
        [100, 70, 5],
      ],
      [],
    );
    compare(parseCrtfRegions(pixel, pfile).regions, oracle(pfile, 'crtf', pp), pp);
  });

  it('sky and image regions as a pixel mask through a rotated frame WCS, pixel by pixel', () => {
    const [l, b] = frameConverter({ system: 'GALACTIC' }).fromIcrs(150.095, 2.158);
    const text = `fk5
circle(150.1,2.15,20")
ellipse(150.11,2.16,25",10",30)
box(150.09,2.14,30",12",-20)
polygon(150.085,2.135,150.1,2.13,150.105,2.145)
galactic; annulus(${l.toFixed(9)},${b.toFixed(9)},8",14")
image; -circle(80,60,6)
`;
    const file = join(dir, 'mask.reg');
    writeFileSync(file, text);
    const s = 1.5 / 3600;
    const t = (30 * Math.PI) / 180;
    const header = {
      NAXIS: 2,
      NAXIS1: 160,
      NAXIS2: 120,
      CTYPE1: 'RA---TAN',
      CTYPE2: 'DEC--TAN',
      CRVAL1: 150.1,
      CRVAL2: 2.15,
      CRPIX1: 80.5,
      CRPIX2: 60.5,
      CD1_1: -s * Math.cos(t),
      CD1_2: s * Math.sin(t),
      CD2_1: s * Math.sin(t),
      CD2_2: s * Math.cos(t),
      RADESYS: 'ICRS',
    };
    const parsed = parseCelestialWcs(recordSource(header));
    assert.ok('wcs' in parsed);
    const regions = parseDs9Regions(text, file).regions;
    const truth = oracle(file, 'ds9', { x: [], y: [], ra: [], dec: [] }, { header, width: 160, height: 120 });
    const ours = new RegionSelection(regions).mask(160, 120, parsed.wcs);
    let masked = 0;
    let differ = 0;
    for (let i = 0; i < ours.length; i++) {
      const expected =
        truth.some((r) => r.include && r.mask![i] === 1) && !truth.some((r) => !r.include && r.mask![i] === 1);
      masked += Number(expected);
      if (ours[i] !== Number(expected)) differ++;
    }
    assert.equal(differ, 0, `${differ} of ${ours.length} pixels differ from astropy-regions' to_pixel masks`);
    assert.ok(masked > 500 && masked < 160 * 120 - 500, `${masked} pixels masked`);
  });
});

describe('region files that cannot be read', () => {
  const bad: Array<[string, RegExp]> = [
    ['linear;circle(1,2,3)', /x\.reg:1: coordinate system 'linear' is not supported/],
    ['fk5\ncircle(10,95,3")', /x\.reg:2: latitude '95' is outside \[-90, 90\]/],
    ['image\ncircle(10,20,3")', /x\.reg:2: '3"': an angular size on an image region needs a WCS/],
    ['fk5;circle(10,20,3p)', /pixel sizes on a sky region need a WCS/],
    ['panda(1,2,0,360,4,0,5,2)', /x\.reg:1: 'panda' regions are not supported/],
    ['polygon(1,2,3,4)', /polygon takes at least 3 vertices/],
    ['annulus(5,5,4,2)', /annulus radii must increase/],
    ['circle(a,2,3)', /'a' is not a pixel x/],
    ['fk5;circle(25:70:00,+10:00:00,3")', /is not a sky longitude/],
  ];
  for (const [text, message] of bad)
    it(`DS9 '${text.replace(/\n/g, '⏎')}'`, () => assert.throws(() => parseDs9Regions(text, 'x.reg'), message));

  const badCrtf: Array<[string, RegExp]> = [
    ['circle[[1pix, 2pix], 3]', /'3' is not a length with a unit/],
    ['circle[[1deg, 2deg], 3arcsec], coord=SUPERGAL', /coord=SUPERGAL is not supported/],
    ['circle[[1pix, 2deg], 3pix]', /cannot mix pixel and sky positions/],
    ['circle[[1pix, 2pix], 3pix', /unbalanced/],
    ['ellipse[[1pix, 2pix], [3pix, 2pix]]', /ellipse takes 3 items/],
  ];
  for (const [text, message] of badCrtf)
    it(`CRTF '${text}'`, () => assert.throws(() => parseCrtfRegions(`#CRTFv0\n${text}`, 'x.crtf'), message));

  it('a missing, binary or empty file names the file', async () => {
    await assert.rejects(readRegionFile(join(dir, 'none.reg')), /none\.reg: no such region file/);
    writeFileSync(join(dir, 'bin.reg'), Buffer.from([1, 0, 2]));
    await assert.rejects(readRegionFile(join(dir, 'bin.reg')), /bin\.reg: binary data/);
    writeFileSync(join(dir, 'empty.reg'), '# nothing\nfk5\npoint(1,2)\n');
    await assert.rejects(readRegionFile(join(dir, 'empty.reg')), /empty\.reg: no circle, .* \(1 annotations\)/);
  });

  it('only exclude regions select the whole field less them', () => {
    const sel = new RegionSelection(parseDs9Regions('image;-circle(11,11,3)', 'x.reg').regions);
    assert.equal(sel.contains({ x: 10, y: 10, ra: null, dec: null }), false);
    assert.equal(sel.contains({ x: 50, y: 10, ra: null, dec: null }), true);
    const sky = new RegionSelection(parseDs9Regions('fk5;circle(10,20,3")', 'x.reg').regions);
    assert.equal(sky.contains({ x: 0, y: 0, ra: null, dec: null }), false, 'no sky position: not in a sky region');
  });
});

describe('our own DS9 exports read back', () => {
  it('fk5 ellipses of sources on a rotated WCS come back at their pixel position, size and angle', () => {
    const s = 0.8 / 3600;
    const t = (-35 * Math.PI) / 180;
    const parsed = parseCelestialWcs(
      recordSource({
        CTYPE1: 'RA---TAN',
        CTYPE2: 'DEC--TAN',
        CRVAL1: 83.8,
        CRVAL2: -5.4,
        CRPIX1: 500,
        CRPIX2: 400,
        CD1_1: -s * Math.cos(t),
        CD1_2: s * Math.sin(t),
        CD2_1: s * Math.sin(t),
        CD2_2: s * Math.cos(t),
        RADESYS: 'ICRS',
      }),
    );
    assert.ok('wcs' in parsed);
    const wcs = parsed.wcs;
    const sources = [
      { id: 1, x: 100.5, y: 200.25, a: 2, b: 1, theta: 30 },
      { id: 2, x: 900, y: 50, a: 4.5, b: 4, theta: -80 },
      { id: 3, x: 480, y: 720, a: 1.5, b: 0.5, theta: 170 },
    ];
    const text = ds9Regions(sources, { system: 'fk5', pixelToSky: (x, y) => wcs.pixelToSky(x, y) });
    const regions = parseDs9Regions(text, 'export.reg').regions;
    assert.equal(regions.length, 3);
    regions.forEach((r, i) => {
      const p = regionToPixel(r, wcs);
      assert.equal(p.kind, 'ellipse');
      if (p.kind !== 'ellipse') return;
      const src = sources[i];
      assert.ok(Math.hypot(p.cx - src.x, p.cy - src.y) < 1e-3, `centre (${p.cx}, ${p.cy})`);
      // The writer draws 3 × a and 3 × b as semi-axes.
      assert.ok(Math.abs(p.w - 6 * src.a) < 2e-3 && Math.abs(p.h - 6 * src.b) < 2e-3, `size ${p.w} × ${p.h}`);
      const dAngle = ((((p.angleDeg - src.theta) % 180) + 270) % 180) - 90;
      assert.ok(Math.abs(dAngle) < 0.01, `angle ${p.angleDeg} vs ${src.theta}`);
    });
  });
});
