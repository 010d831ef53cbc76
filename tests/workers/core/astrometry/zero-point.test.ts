// Zero point against truth: fluxes made from catalog magnitudes with a known zero point, photometric
// noise and outliers (saturated, blended stars), and against numpy's mean and standard error of the kept set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitZeroPoint } from '../../../../src-workers/core/astrometry/zero-point.js';
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
});
