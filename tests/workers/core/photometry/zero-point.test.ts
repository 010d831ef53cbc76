import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPositions } from '../../../../src-workers/core/catalog/index.js';
import { InputError } from '../../../../src-workers/core/errors.js';
import { fitZeroPoint } from '../../../../src-workers/core/photometry/index.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';

test('zero point: recovers the truth within 3 standard errors despite 20 % gross outliers', () => {
  const rng = createRng(5);
  const truth = 24.37;
  const inst: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < 200; i++) {
    const m = rng.uniform(-12, -6);
    inst.push(m);
    // 0.03 mag scatter; every fifth star is a mismatched/variable star off by 0.5–2 mag.
    ref.push(m + truth + 0.03 * rng.normal() + (i % 5 === 0 ? rng.uniform(0.5, 2) : 0));
  }
  const fit = fitZeroPoint(inst, ref);
  assert.ok(
    Math.abs(fit.zeroPointMag - truth) < 3 * fit.zeroPointErrMag + 1e-9,
    `Z=${fit.zeroPointMag} ± ${fit.zeroPointErrMag}`,
  );
  assert.ok(fit.zeroPointErrMag < 0.005);
  assert.ok(fit.rejected >= 40 && fit.rejected <= 45, `rejected ${fit.rejected}`);
  assert.ok(Math.abs(fit.rmsMag - 0.03) < 0.006, `rms ${fit.rmsMag}`);
  assert.throws(
    () => fitZeroPoint([1, 2], [3, 4]),
    (e: unknown) => e instanceof InputError && /need at least 3/.test(e.message),
  );
});

test('positional matching is one-to-one, nearest first, within the radius', () => {
  const m = matchPositions([0, 10, 10.4, 50], [0, 10, 10, 50], [10.3, 0.2, 100], [10, 0.1, 100], 1);
  // 10.4 is closer to 10.3 than 10 is, so it wins that partner; (10,10) stays unmatched.
  assert.deepEqual(Array.from(m), [1, -1, 0, -1]);
});
