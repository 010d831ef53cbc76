/**
 * Exact median and MAD-based sigma of a pixel array, NaN ignored; private fast helpers of the
 * calibration and stacking code (one copy, native typed-array sort).
 */

/** Median of the finite values of `data` (NaN when none); `data` is not modified. */
export function medianOf(data: ArrayLike<number>): number {
  const copy = finiteCopy(data);
  if (copy.length === 0) return Number.NaN;
  copy.sort();
  return medianSorted(copy);
}

/** Median and σ = 1.4826·MAD of the finite values of `data` (NaN when none). */
export function robustStats(data: ArrayLike<number>): { median: number; sigma: number } {
  const copy = finiteCopy(data);
  if (copy.length === 0) return { median: Number.NaN, sigma: Number.NaN };
  copy.sort();
  const median = medianSorted(copy);
  for (let i = 0; i < copy.length; i++) copy[i] = Math.abs(copy[i] - median);
  copy.sort();
  return { median, sigma: 1.4826 * medianSorted(copy) };
}

function finiteCopy(data: ArrayLike<number>): Float32Array {
  let m = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === data[i]) m++;
  const copy = new Float32Array(m);
  let j = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === v) copy[j++] = v;
  }
  return copy;
}

function medianSorted(a: Float32Array): number {
  const n = a.length;
  return n & 1 ? a[n >> 1] : 0.5 * (a[(n >> 1) - 1] + a[n >> 1]);
}
