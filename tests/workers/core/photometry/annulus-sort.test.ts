// annulusBackground sorts its pixels by radix (float32 bit patterns) instead of Float64Array#sort: the
// sigma-clipped median, std and count stay exactly those of the comparison sort (the definition it
// replaced, written out below), on noisy sky with negative values, ±0, ties, NaN and outliers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annulusBackground, createAnnulusScratch } from '../../../../src-workers/core/photometry/index.js';

/** The previous implementation: gather as float64, sort with the built-in comparison sort, clip. */
function reference(
  data: Float32Array,
  width: number,
  height: number,
  xPx: number,
  yPx: number,
  ri: number,
  ro: number,
): { median: number; std: number; count: number } {
  const values: number[] = [];
  for (let y = Math.max(0, Math.floor(yPx - ro)); y <= Math.min(height - 1, Math.ceil(yPx + ro)); y++) {
    for (let x = Math.max(0, Math.floor(xPx - ro)); x <= Math.min(width - 1, Math.ceil(xPx + ro)); x++) {
      const d2 = (x - xPx) ** 2 + (y - yPx) ** 2;
      if (d2 > ro * ro || d2 < ri * ri) continue;
      const v = data[y * width + x];
      if (v === v) values.push(v);
    }
  }
  const v = Float64Array.from(values).sort();
  const med = (lo: number, hi: number): number => {
    const mid = lo + ((hi - lo) >> 1);
    return (hi - lo) % 2 === 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
  };
  let lo = 0;
  let hi = v.length;
  let median = Number.NaN;
  let std = Number.NaN;
  for (let it = 0; it <= 10 && hi > lo; it++) {
    median = med(lo, hi);
    let s = 0;
    for (let k = lo; k < hi; k++) s += v[k];
    const mean = s / (hi - lo);
    let s2 = 0;
    for (let k = lo; k < hi; k++) s2 += (v[k] - mean) ** 2;
    std = Math.sqrt(s2 / (hi - lo));
    if (it === 10) break;
    let nlo = lo;
    let nhi = hi;
    while (nlo < nhi && v[nlo] < median - 3 * std) nlo++;
    while (nhi > nlo && v[nhi - 1] > median + 3 * std) nhi--;
    if (nlo === lo && nhi === hi) break;
    lo = nlo;
    hi = nhi;
  }
  if (hi > lo) median = med(lo, hi);
  return { median, std, count: hi - lo };
}

describe('annulusBackground radix sort', () => {
  it('gives exactly the comparison sort’s clipped median, std and count', () => {
    const width = 300;
    const height = 200;
    const data = new Float32Array(width * height);
    let s = 12345;
    const rnd = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    for (let i = 0; i < data.length; i++) {
      const r = rnd();
      // Sky around 0 (negative and positive values), ties from coarse levels, ±0, NaN and bright outliers.
      data[i] =
        r < 0.02
          ? Number.NaN
          : r < 0.04
            ? -0
            : r < 0.06
              ? 0
              : r < 0.08
                ? 5000 * rnd()
                : Math.round((rnd() - 0.5) * 400) / 8;
    }
    const scratch = createAnnulusScratch();
    let checked = 0;
    for (let k = 0; k < 400; k++) {
      const x = rnd() * (width + 40) - 20;
      const y = rnd() * (height + 40) - 20;
      const [ri, ro] = k % 3 === 0 ? [3, 6] : k % 3 === 1 ? [8, 12] : [15, 25];
      const got = annulusBackground({ width, height, data }, x, y, ri, ro, 3, 10, undefined, 0, 0, scratch);
      const want = reference(data, width, height, x, y, ri, ro);
      assert.ok(Object.is(got.median, want.median) || got.median === want.median, `median at ${x}, ${y}`);
      assert.equal(got.std, want.std);
      assert.equal(got.count, want.count);
      if (want.count > 0) checked++;
    }
    assert.ok(checked > 300);
  });
});
