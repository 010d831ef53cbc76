// Drawn regions round-trip through astropy-regions (Debian python3-regions): the image-coordinate file reads
// back at the same 0-based pixels and sizes; the ICRS file, converted to pixels with astropy's WCS of a
// rotated TAN frame, lands within 0.01 px (centres, polygon vertices), 1e-3 px (sizes; 2e-3 px for ellipse full axes)
// and 0.01° (box and ellipse angles).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { drawnRegionsDs9, type DrawnRegion } from '../../../../src-workers/core/viewer/index.js';
import { parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { headerFromText } from '../wcs/wcs-oracle.js';

const PYTHON = '/usr/bin/python3';
const hasRegions = spawnSync(PYTHON, ['-c', 'import regions'], { encoding: 'utf8' }).status === 0;
const t = Math.PI / 6;
const s = 0.8 / 3600;
const header = [
  'NAXIS   =                    2',
  'NAXIS1  =                  600',
  'NAXIS2  =                  500',
  "CTYPE1  = 'RA---TAN'",
  "CTYPE2  = 'DEC--TAN'",
  'CRVAL1  =                150.2',
  'CRVAL2  =                  2.1',
  'CRPIX1  =                300.5',
  'CRPIX2  =                250.5',
  `CD1_1   = ${(-s * Math.cos(t)).toExponential(12).padStart(20)}`,
  `CD1_2   = ${(s * Math.sin(t)).toExponential(12).padStart(20)}`,
  `CD2_1   = ${(s * Math.sin(t)).toExponential(12).padStart(20)}`,
  `CD2_2   = ${(s * Math.cos(t)).toExponential(12).padStart(20)}`,
]
  .map((c) => c.padEnd(80))
  .join('');
const drawn: DrawnRegion[] = [
  { shape: 'circle', x: 120.25, y: 300.5, r: 7.5, text: 'T' },
  { shape: 'box', x: 400, y: 100.75, w: 20, h: 10, angleDeg: 15 },
  { shape: 'point', x: 10, y: 20 },
  { shape: 'ellipse', x: 250.5, y: 200.25, a: 12, b: 5.5, angleDeg: 35 },
  { shape: 'polygon', x: 0, y: 0, points: [300, 300, 340.5, 310, 320, 350.25] },
];

function readBack(text: string, withWcs: boolean): Array<Record<string, number | string>> {
  const script = `
import sys, json, warnings
warnings.simplefilter('ignore')
from regions import Regions
from astropy.io import fits
from astropy.wcs import WCS
d = json.load(sys.stdin)
w = WCS(fits.Header.fromstring(d['header']))
out = []
for r in Regions.parse(d['text'], format='ds9'):
    if d['sky']:
        r = r.to_pixel(w)
    if hasattr(r, 'vertices'):
        q = dict(kind=type(r).__name__, vertices=[[float(v.x), float(v.y)] for v in r.vertices])
        out.append(q)
        continue
    q = dict(kind=type(r).__name__, x=float(r.center.x), y=float(r.center.y))
    for k in ('radius', 'width', 'height'):
        if hasattr(r, k): q[k] = float(getattr(r, k))
    if hasattr(r, 'angle'): q['angle'] = float(r.angle.to('deg').value)
    out.append(q)
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify({ text, header, sky: withWcs }),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<Record<string, number | string>>;
}

describe(
  'drawn regions round-trip through astropy-regions',
  { skip: hasRegions ? false : 'python3-regions absent' },
  () => {
    const parsed = parseCelestialWcs(headerFromText(header));
    assert.ok('wcs' in parsed);
    const wcs = parsed.wcs;

    for (const system of ['image', 'icrs'] as const) {
      it(`${system} coordinates`, () => {
        const text = drawnRegionsDs9(drawn, system, (x, y) => wcs.pixelToSky(x, y));
        const back = readBack(text, system === 'icrs');
        assert.deepEqual(
          back.map((b) => b.kind),
          ['CirclePixelRegion', 'RectanglePixelRegion', 'PointPixelRegion', 'EllipsePixelRegion', 'PolygonPixelRegion'],
        );
        drawn.forEach((d, i) => {
          const b = back[i];
          if (d.shape === 'polygon') {
            const vs = b.vertices as unknown as number[][];
            assert.equal(vs.length, 3);
            vs.forEach(([x, y], k) =>
              assert.ok(Math.hypot(x - d.points[2 * k], y - d.points[2 * k + 1]) < 0.01, `vertex ${k}: ${x},${y}`),
            );
            return;
          }
          assert.ok(Math.hypot((b.x as number) - d.x, (b.y as number) - d.y) < 0.01, `${d.shape} centre ${b.x},${b.y}`);
          if (d.shape === 'circle') assert.ok(Math.abs((b.radius as number) - d.r) < 1e-3, `radius ${b.radius}`);
          if (d.shape === 'ellipse') {
            // astropy-regions gives full axes; DS9's ellipse radii are the semi-axes.
            assert.ok(
              Math.abs((b.width as number) - 2 * d.a) < 2e-3 && Math.abs((b.height as number) - 2 * d.b) < 2e-3,
            );
            const da = (((((b.angle as number) - d.angleDeg) % 360) + 540) % 360) - 180;
            assert.ok(Math.abs(da) < 0.01, `ellipse angle ${b.angle} vs ${d.angleDeg}`);
          }
          if (d.shape === 'box') {
            assert.ok(Math.abs((b.width as number) - d.w) < 1e-3 && Math.abs((b.height as number) - d.h) < 1e-3);
            const da = (((((b.angle as number) - d.angleDeg) % 360) + 540) % 360) - 180;
            assert.ok(Math.abs(da) < 0.01, `angle ${b.angle} vs ${d.angleDeg}`);
          }
        });
      });
    }

    it('refuses sky coordinates without a WCS', () => {
      assert.throws(() => drawnRegionsDs9(drawn, 'icrs'), /icrs regions need a frame with a WCS/);
    });
  },
);
