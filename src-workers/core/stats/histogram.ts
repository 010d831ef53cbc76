/**
 * Histograms with numpy.histogram's bin rule: `bins` equal-width bins over [min, max], each half-open
 * except the last, which includes `max`. NaN and values outside the range are not counted.
 */
import type { Numbers } from './basic.js';

export interface Histogram {
  counts: Uint32Array;
  /** `bins + 1` bin edges. */
  edges: Float64Array;
}

export interface HistogramOptions {
  /** Number of bins [256]. */
  bins?: number;
  /** Range [data min, data max]. */
  min?: number;
  max?: number;
}

export function histogram(data: Numbers, options: HistogramOptions = {}): Histogram {
  const bins = options.bins ?? 256;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`'bins' must be a positive integer, got ${bins}`);
  let lo = options.min;
  let hi = options.max;
  if (lo === undefined || hi === undefined) {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    lo ??= Number.isFinite(mn) ? mn : 0;
    hi ??= Number.isFinite(mx) ? mx : 1;
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + ((hi - lo) * i) / bins;
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    // numpy corrects float rounding against the edges.
    if (b > 0 && v < edges[b]) b--;
    else if (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return { counts, edges };
}
