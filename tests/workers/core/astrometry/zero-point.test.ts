// Zero point against truth: fluxes made from catalog magnitudes with a known zero point, photometric
// noise and outliers (saturated, blended stars), and against numpy's mean and standard error of the kept set.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fitColourZeroPoint, fitZeroPoint } from '../../../../src-workers/core/astrometry/zero-point.js';
import { rng } from './synthetic-field.js';

describe('photometric zero point', () => {
  it('recovers a known zero point within 0.02 mag (and within 3 of its own errors) despite 15 % outliers', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = rng(seed);
      const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
      const truth = 22 + 3 * rand();
      const n = 40;
      const mag: number[] = [];
      const flux: number[] = [];
      for (let i = 0; i < n; i++) {
        const m = 8 + 4 * rand();
        let f = 10 ** (-0.4 * (m - truth)) * (1 + 0.03 * gauss());
        if (i % 7 === 0) f *= 0.3 + 0.4 * rand(); // saturated core: too faint
        if (i % 11 === 5) f *= 1.8; // a blend: too bright
        mag.push(m);
        flux.push(f);
      }
      const z = fitZeroPoint(mag, flux)!;
      assert.ok(Math.abs(z.zp - truth) < 0.02, `seed ${seed}: ${z.zp} vs ${truth}`);
      assert.ok(Math.abs(z.zp - truth) < 3 * z.zpErr + 1e-3, `seed ${seed}: error ${z.zpErr}`);
      assert.ok(z.used < z.offered && z.used >= 28, `seed ${seed}: kept ${z.used} of ${z.offered}`);
    }
  });

  it('skips excluded, non-positive and non-finite pairs, and needs at least 3 stars', () => {
    assert.equal(fitZeroPoint([10, 11], [100, 40]), null);
    const z = fitZeroPoint(
      [10, 11, 12, NaN, 9],
      [10 ** 4, 10 ** 3.6, 10 ** 3.2, 5, -1],
      [false, false, false, false, false],
    )!;
    assert.equal(z.offered, 3);
    assert.ok(Math.abs(z.zp - 20) < 1e-9);
    assert.equal(fitZeroPoint([10, 11, 12], [1e4, 10 ** 3.6, 10 ** 3.2], [true, false, false]), null);
  });

  // Stars with a colour (e.g. B_T − V_T from an index with both magnitudes): the true zero point and
  // colour term are recovered, and on the kept stars (the unperturbed ones) the fit and its errors are
  // numpy.polyfit(colour, zp_i, 1, cov=True)'s.
  const numpy = existsSync('/usr/bin/python3') ? false : 'Debian python3-numpy absent';
  it('fits a colour term: truth within 0.02 mag / 0.02, numpy.polyfit to 1e-9', { skip: numpy }, () => {
    for (const seed of [7, 8, 9]) {
      const rand = rng(seed);
      const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
      const truth = 21 + 3 * rand();
      const term = -0.3 + 0.6 * rand();
      const mag: number[] = [];
      const flux: number[] = [];
      const colour: number[] = [];
      const inlier: number[] = [];
      for (let i = 0; i < 60; i++) {
        const m = 8 + 3.5 * rand();
        const c = -0.1 + 1.6 * rand();
        let f = 10 ** (-0.4 * (m - truth - term * c)) * (1 + 0.02 * gauss());
        const outlier = i % 9 === 4 || i % 13 === 6;
        if (i % 9 === 4) f *= 0.35; // saturated
        if (i % 13 === 6) f *= 2.2; // blended
        mag.push(m);
        flux.push(f);
        colour.push(c);
        if (!outlier) inlier.push(i);
      }
      const z = fitColourZeroPoint(mag, flux, colour)!;
      assert.ok(z, `seed ${seed}: no fit`);
      assert.ok(Math.abs(z.zp - truth) < 0.02, `seed ${seed}: zp ${z.zp} vs ${truth}`);
      assert.ok(Math.abs(z.colourTerm - term) < 0.02, `seed ${seed}: c ${z.colourTerm} vs ${term}`);
      assert.equal(z.used, inlier.length, `seed ${seed}: kept ${z.used}`);
      const x = inlier.map((i) => colour[i]);
      const y = inlier.map((i) => mag[i] + 2.5 * Math.log10(flux[i]));
      const py = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import json,sys,numpy as np; d=json.load(sys.stdin); p,c=np.polyfit(d["x"],d["y"],1,cov=True); print(json.dumps([p[0],p[1],c[0][0]**0.5,c[1][1]**0.5]))',
        ],
        { input: JSON.stringify({ x, y }), encoding: 'utf8' },
      );
      assert.equal(py.status, 0, py.stderr);
      const [slope, intercept, slopeErr, interceptErr] = JSON.parse(py.stdout) as number[];
      assert.ok(Math.abs(z.colourTerm - slope) < 1e-9 && Math.abs(z.zp - intercept) < 1e-9);
      assert.ok(Math.abs(z.colourTermErr / slopeErr - 1) < 1e-6, `${z.colourTermErr} vs ${slopeErr}`);
      assert.ok(Math.abs(z.zpErr / interceptErr - 1) < 1e-6, `${z.zpErr} vs ${interceptErr}`);
    }
  });

  it('gives no colour term without enough stars or colour spread', () => {
    const mag = Array.from({ length: 20 }, (_, i) => 9 + i / 10);
    const flux = mag.map((m) => 10 ** (-0.4 * (m - 25)));
    assert.equal(fitColourZeroPoint(mag.slice(0, 5), flux.slice(0, 5), [0, 0.5, 1, 1.5, 0.2]), null);
    assert.equal(
      fitColourZeroPoint(
        mag,
        flux,
        mag.map(() => 0.6),
      ),
      null,
    );
    assert.equal(
      fitColourZeroPoint(
        mag,
        flux,
        mag.map(() => NaN),
      ),
      null,
    );
  });
});
