// The viewer's RA/Dec grid against astropy: every vertex of every traced line, converted back to pixels by
// astropy's WCS (SkyCoord ICRS → world_to_pixel, so a galactic frame is converted as astropy does it), must
// sit where the grid put it, within 0.01 px; line values are whole multiples of a nice spacing and a
// handful of lines of each kind cross the frame. Frames: the real DSS plate of M67 and the GLIMPSE (GLON-CAR)
// frame, and a TAN frame rotated by 30° with 0h RA inside it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { formatGridValue, wcsGrid } from '../../../../src-workers/core/viewer/index.js';
import { astropyMissing, headerFromText, python } from '../wcs/wcs-oracle.js';

const REAL = '/work/shared/data/real';
const rotated = [
  'NAXIS   =                    2',
  'NAXIS1  =                  800',
  'NAXIS2  =                  600',
  "CTYPE1  = 'RA---TAN'",
  "CTYPE2  = 'DEC--TAN'",
  'CRVAL1  =                359.9',
  'CRVAL2  =                -30.0',
  'CRPIX1  =                400.5',
  'CRPIX2  =                300.5',
  `CD1_1   = ${(-(2 / 3600) * Math.cos(Math.PI / 6)).toExponential(12).padStart(20)}`,
  `CD1_2   = ${((2 / 3600) * Math.sin(Math.PI / 6)).toExponential(12).padStart(20)}`,
  `CD2_1   = ${((2 / 3600) * Math.sin(Math.PI / 6)).toExponential(12).padStart(20)}`,
  `CD2_2   = ${((2 / 3600) * Math.cos(Math.PI / 6)).toExponential(12).padStart(20)}`,
]
  .map((c) => c.padEnd(80))
  .join('');
const files = [`${REAL}/dss_poss1_m67_M6707HH.fits`, `${REAL}/spitzer_irac_glimpse_example.fits`].filter(existsSync);
const skip = astropyMissing();

const headers: Array<{ name: string; header: string; w: number; h: number }> = skip
  ? []
  : [
      ...python<Array<{ name: string; header: string; w: number; h: number }>>(
        `import json, sys
from astropy.io import fits
out = []
for f in json.load(sys.stdin):
    h = fits.getheader(f)
    out.append(dict(name=f.split('/')[-1], header=h.tostring(), w=h['NAXIS1'], h=h['NAXIS2']))
print(json.dumps(out))`,
        files,
      ),
      { name: 'rotated TAN across 0h', header: rotated, w: 800, h: 600 },
    ];

describe('WCS grid lines vs astropy world_to_pixel', { skip }, () => {
  for (const frame of headers) {
    it(frame.name, () => {
      const parsed = parseCelestialWcs(headerFromText(frame.header));
      assert.ok('wcs' in parsed, 'reason' in parsed ? parsed.reason : '');
      const grid = wcsGrid(parsed.wcs, frame.w, frame.h);
      const ra = grid.lines.filter((l) => l.axis === 'ra');
      const dec = grid.lines.filter((l) => l.axis === 'dec');
      assert.ok(ra.length >= 2 && ra.length <= 12, `${ra.length} RA lines`);
      assert.ok(dec.length >= 2 && dec.length <= 12, `${dec.length} Dec lines`);
      for (const l of grid.lines) {
        const step = l.axis === 'ra' ? grid.raStepDeg : grid.decStepDeg;
        const k = l.valueDeg / step;
        assert.ok(Math.abs(k - Math.round(k)) < 1e-6, `${l.label} (${l.valueDeg}) is a multiple of ${step}`);
      }
      const points: number[][] = [];
      const ours: number[][] = [];
      for (const l of grid.lines)
        l.segments.forEach((seg, s) => {
          for (let i = 0; i < seg.length; i += 2) {
            assert.ok(seg[i] >= -0.5 && seg[i] <= frame.w - 0.5 && seg[i + 1] >= -0.5 && seg[i + 1] <= frame.h - 0.5);
            points.push([l.skySegments[s][i], l.skySegments[s][i + 1]]);
            ours.push([seg[i], seg[i + 1]]);
          }
        });
      assert.ok(points.length > 100, `${points.length} vertices`);
      const theirs = python<number[][]>(
        `import json, sys, warnings
warnings.simplefilter('ignore')
from astropy.io import fits
from astropy.wcs import WCS
from astropy.coordinates import SkyCoord
import astropy.units as u
d = json.load(sys.stdin)
h = fits.Header.fromstring(d['header'])
w = WCS(h).celestial
p = d['points']
c = SkyCoord([q[0] for q in p] * u.deg, [q[1] for q in p] * u.deg, frame='icrs')
x, y = w.world_to_pixel(c)
print(json.dumps([[float(a), float(b)] for a, b in zip(x, y)]))`,
        { header: frame.header, points },
      );
      let worst = 0;
      for (let i = 0; i < ours.length; i++)
        worst = Math.max(worst, Math.hypot(ours[i][0] - theirs[i][0], ours[i][1] - theirs[i][1]));
      assert.ok(worst < 0.01, `${frame.name}: worst vertex ${worst.toExponential(2)} px from astropy`);
    });
  }
});

describe('grid labels', () => {
  it('writes RA in hours and Dec in degrees to the spacing', () => {
    assert.equal(formatGridValue('ra', 202.5, 15 / 60), '13h30m');
    assert.equal(formatGridValue('ra', 202.5 + 15 / 3600, 15 / 3600), '13h30m01s');
    assert.equal(formatGridValue('dec', -30.5, 0.5), '−30°30′');
    assert.equal(formatGridValue('dec', 47, 1), '+47°');
    assert.equal(formatGridValue('dec', 47.2 + 10 / 3600, 10 / 3600), '+47°12′10″');
  });

  it('gives no lines for a frame of no size', () => {
    const parsed = parseCelestialWcs(headerFromText(rotated));
    assert.ok('wcs' in parsed);
    assert.deepEqual(wcsGrid(parsed.wcs, 0, 600).lines, []);
  });
});
