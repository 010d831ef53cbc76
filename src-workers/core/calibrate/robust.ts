/**
 * Exact median and MAD-based sigma of a pixel array, NaN ignored; private fast helpers of the
 * calibration and stacking code. Radix selection (`stats/select`), not a sort: two passes over the data
 * and no copy of a Float32Array.
 */
import { medianFloat32 } from '../stats/select.js';

/** Median of the finite values of `data` (NaN when none); `data` is not modified. */
export function medianOf(data: ArrayLike<number>): number {
  return medianFloat32(asFloat32(data));
}

/** Median and σ = 1.4826·MAD of the finite values of `data` (NaN when none). */
export function robustStats(data: ArrayLike<number>): { median: number; sigma: number } {
  const values = asFloat32(data);
  const median = medianFloat32(values);
  if (median !== median) return { median: Number.NaN, sigma: Number.NaN };
  // Deviations rounded to float32 like the values (NaN pixels stay NaN and are skipped again).
  const dev = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) dev[i] = Math.abs(values[i] - median);
  return { median, sigma: 1.4826 * medianFloat32(dev) };
}

/** The values as float32 (the precision these helpers always worked in); a Float32Array as it is. */
function asFloat32(data: ArrayLike<number>): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
