// The solver's own TAN-SIP: header cards read by astropy.wcs give the same sky positions (forward SIP) and
// pixels (astropy's inverse), and the least-squares fit recovers a known distortion from exact points.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitPlateWcs, plateWcsCards, withInverseSip } from '../../../../src-workers/core/astrometry/tan-sip.js';
import { TanWcs, recordSource, wcsFromHeader } from '../../../../src-workers/core/wcs/tan.js';
import { angularSeparationDeg } from '../../../../src-workers/core/astrometry/sphere.js';
import { python } from '../../fits-oracles.js';

const s = 1.7 / 3600;
// a[p][q] multiplies u^p v^q; 1-based CRPIX (0-based 511.5, 400.25).
const truth = new TanWcs({
  crpix: [512.5, 401.25],
  crval: [132.8, 11.75],
  cd: [
    [-s * Math.cos(0.3), s * Math.sin(0.3)],
    [s * Math.sin(0.3), s * Math.cos(0.3)],
  ],
  sip: {
    order: 3,
    a: [[0, 0, 5e-7, 0], [0, -1e-6, -2e-9], [2e-6, 0], [1e-9]],
    b: [[0, 0, 1e-6, 1e-9], [0, 1.5e-6, 0], [-7e-7, 3e-9], [0]],
  },
});
const points: Array<[number, number]> = [
  [0, 0],
  [1023, 0],
  [0, 799],
  [1023, 799],
  [511.5, 400.25],
  [100.3, 700.9],
];

describe('plate TAN-SIP', () => {
  it('matches astropy.wcs reading its header cards, both directions (1e-6 arcsec, 1e-4 px)', () => {
    const wcs = withInverseSip(truth, 1024, 800);
    const cards = Object.fromEntries(plateWcsCards(wcs).map((c) => [c.key, c.value]));
    const out = python(`
import json, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
h = fits.Header()
for k, v in json.loads(${JSON.stringify(JSON.stringify(cards))}).items(): h[k] = v
w = WCS(h)
p = np.array(${JSON.stringify(points)}, dtype=float)
sky = w.all_pix2world(p, 0)
back = w.all_world2pix(sky, 0, tolerance=1e-10)
print(json.dumps({'sky': sky.tolist(), 'back': back.tolist()}))`);
    const ref = JSON.parse(out) as { sky: number[][]; back: number[][] };
    points.forEach(([x, y], k) => {
      const [ra, dec] = wcs.pixelToSky(x, y);
      assert.ok(angularSeparationDeg(ra, dec, ref.sky[k][0], ref.sky[k][1]) * 3600 < 1e-6, `point ${k}`);
      const p = wcs.skyToPixel(ref.sky[k][0], ref.sky[k][1]);
      assert.ok(Math.hypot(p[0] - x, p[1] - y) < 1e-4);
      assert.ok(Math.hypot(ref.back[k][0] - x, ref.back[k][1] - y) < 1e-4);
    });
  });

  it('fits a known order-3 distortion back from exact points (1e-6 px)', () => {
    const xs: number[] = [];
    const ys: number[] = [];
    const ras: number[] = [];
    const decs: number[] = [];
    for (let i = 0; i < 12; i++)
      for (let j = 0; j < 10; j++) {
        const x = i * 93 + 3;
        const y = j * 88 + 5;
        const [ra, dec] = truth.pixelToSky(x, y);
        xs.push(x);
        ys.push(y);
        ras.push(ra);
        decs.push(dec);
      }
    const fit = fitPlateWcs(xs, ys, ras, decs, [511.5, 400.25], [132.9, 11.7], 3)!;
    let worst = 0;
    for (const [x, y] of points) {
      const [a, b] = fit.pixelToSky(x, y);
      const [c, d] = truth.pixelToSky(x, y);
      worst = Math.max(worst, (angularSeparationDeg(a, b, c, d) * 3600) / 1.7);
    }
    assert.ok(worst < 1e-6, `worst ${worst} px`);
    assert.equal(fit.sip?.order, 3);
    assert.ok(Math.abs(fit.crval[0] - 132.8) < 1e-9 && Math.abs(fit.crval[1] - 11.75) < 1e-9);
  });

  it('is a core/wcs TanWcs whose cards core/wcs reads back to the same mapping (1e-9 px)', () => {
    const wcs = withInverseSip(truth, 1024, 800);
    assert.ok(wcs instanceof TanWcs);
    const cards = Object.fromEntries(plateWcsCards(wcs).map((c) => [c.key, c.value]));
    const back = wcsFromHeader(recordSource(cards), 'cards');
    for (const [x, y] of points) {
      const [ra, dec] = wcs.pixelToSky(x, y);
      const [x2, y2] = back.skyToPixel(ra, dec);
      assert.ok(Math.hypot(x2 - x, y2 - y) < 1e-9, `(${x}, ${y}) → (${x2}, ${y2})`);
    }
  });
});
