// Radix-selection median (medianFloat32) and the calibration helpers built on it (medianOf, robustStats)
// against numpy's median of the same float32 values, NaN dropped: exact equality, for odd and even
// counts, ties, ±Inf, −0, values that straddle top-16-bit buckets, and all-NaN input.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { medianOf, robustStats } from '../../../../src-workers/core/calibrate/robust.js';
import { medianFloat32 } from '../../../../src-workers/core/stats/select.js';
import { python } from '../../fits-oracles.js';
import { mulberry32 as rng } from '../../../seeded-uniform.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-select-'));

/** numpy's median and 1.4826 × MAD (in float32 deviations) of each array's non-NaN values. */
function numpy(arrays: Float32Array[]): Array<{ median: number | null; sigma: number | null }> {
  arrays.forEach((a, i) => writeFileSync(join(dir, `${i}.f32`), a));
  return JSON.parse(
    python(
      `import json, numpy as np\nout = []\nfor i in range(${arrays.length}):\n` +
        `  x = np.fromfile('${dir}/' + str(i) + '.f32', dtype='<f4'); g = x[~np.isnan(x)]\n` +
        `  if not g.size: out.append(dict(median=None, sigma=None)); continue\n` +
        `  m = float(np.median(g.astype(np.float64)))\n` +
        `  d = np.abs(g.astype(np.float64) - m).astype(np.float32)\n` +
        `  out.append(dict(median=m, sigma=1.4826 * float(np.median(d[~np.isnan(d)].astype(np.float64)))))\n` +
        `print(json.dumps(out))`,
    ),
  );
}

describe('medianFloat32', () => {
  const r = rng(3);
  const cases: Float32Array[] = [];
  for (const n of [1, 2, 3, 4, 10, 101, 1000, 65_537, 200_000]) {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = r();
      a[i] = u < 0.2 ? Math.round(u * 20) - 2 : u < 0.3 ? NaN : (r() - 0.5) * 10 ** Math.floor(r() * 8 - 3);
    }
    cases.push(a);
  }
  cases.push(new Float32Array([-0, 0, -0, 0]));
  cases.push(new Float32Array([1, 65536, 1e-30, -1e30, 3.5, 2]));
  cases.push(new Float32Array([Infinity, 1, 2, -Infinity, 5]));
  cases.push(new Float32Array([NaN, NaN]));
  cases.push(new Float32Array(0));
  const want = numpy(cases);

  it("equals numpy's median of the non-NaN values, bit for bit", () => {
    cases.forEach((a, i) => {
      const m = medianFloat32(a);
      if (want[i].median === null) assert.ok(Number.isNaN(m), `case ${i}: NaN when nothing is left`);
      else if (Number.isFinite(want[i].median as number)) assert.equal(m, want[i].median, `case ${i} (n ${a.length})`);
      assert.equal(medianOf(a), m, `medianOf, case ${i}`);
      assert.equal(medianOf(Array.from(a)), m, `medianOf on a plain array, case ${i}`);
    });
  });

  it('robustStats: numpy median and 1.4826 × MAD; the input is not modified', () => {
    cases.forEach((a, i) => {
      if (want[i].median === null || !Number.isFinite(want[i].sigma as number)) return;
      const before = Float32Array.from(a);
      const s = robustStats(a);
      assert.equal(s.median, want[i].median, `case ${i}`);
      assert.ok(Math.abs(s.sigma - (want[i].sigma as number)) <= 1e-12 * Math.abs(s.sigma), `case ${i} sigma`);
      assert.deepEqual(a, before);
    });
  });
});
