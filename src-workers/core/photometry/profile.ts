import { requirePositive } from '../errors.js';
import type { Image } from '../image/image.js';
import { circularApertureSum } from './aperture.js';

/** Curve of growth: enclosed flux at each radius (exact overlap), background subtracted. */
export interface CurveOfGrowth {
  radiusPx: Float64Array;
  fluxAdu: Float64Array;
  /** fluxAdu / flux at the largest radius (NaN when that is ≤ 0). */
  fraction: Float64Array;
}

/**
 * Enclosed flux in circles of `radiiPx` around (xPx, yPx), exact pixel overlap, minus `backgroundAdu` per
 * pixel [0]: the data of a curve-of-growth plot.
 */
export function curveOfGrowth(
  image: Image,
  xPx: number,
  yPx: number,
  radiiPx: ArrayLike<number>,
  backgroundAdu = 0,
): CurveOfGrowth {
  const n = radiiPx.length;
  const radiusPx = Float64Array.from(radiiPx);
  const fluxAdu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    requirePositive('radiusPx', radiusPx[i]);
    fluxAdu[i] = circularApertureSum(image, xPx, yPx, radiusPx[i], backgroundAdu).sum;
  }
  const total = n > 0 ? fluxAdu[n - 1] : Number.NaN;
  const fraction = Float64Array.from(fluxAdu, (f) => (total > 0 ? f / total : Number.NaN));
  return { radiusPx, fluxAdu, fraction };
}

/** Azimuthally averaged profile in annular bins. */
export interface RadialProfile {
  /** Mean radius of the pixels in each bin, px (bin centre when empty). */
  radiusPx: Float64Array;
  /** Mean and standard deviation of (pixel − background) in each bin, ADU. */
  mean: Float64Array;
  std: Float64Array;
  count: Int32Array;
}

/**
 * Radial profile around (xPx, yPx): pixels (by centre distance) in bins of `binPx` [1] out to `maxRadiusPx`,
 * NaN pixels skipped, minus `backgroundAdu` [0]. The data of a radial-profile plot.
 */
export function radialProfile(
  image: Image,
  xPx: number,
  yPx: number,
  maxRadiusPx: number,
  binPx = 1,
  backgroundAdu = 0,
): RadialProfile {
  requirePositive('maxRadiusPx', maxRadiusPx);
  requirePositive('binPx', binPx);
  const nBins = Math.ceil(maxRadiusPx / binPx);
  const sum = new Float64Array(nBins);
  const sum2 = new Float64Array(nBins);
  const sumR = new Float64Array(nBins);
  const count = new Int32Array(nBins);
  const { width, height, data } = image;
  for (
    let y = Math.max(0, Math.floor(yPx - maxRadiusPx));
    y <= Math.min(height - 1, Math.ceil(yPx + maxRadiusPx));
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(xPx - maxRadiusPx));
      x <= Math.min(width - 1, Math.ceil(xPx + maxRadiusPx));
      x++
    ) {
      const r = Math.hypot(x - xPx, y - yPx);
      if (r >= maxRadiusPx) continue;
      const v = data[y * width + x];
      if (v !== v) continue;
      const b = Math.floor(r / binPx);
      const s = v - backgroundAdu;
      sum[b] += s;
      sum2[b] += s * s;
      sumR[b] += r;
      count[b]++;
    }
  }
  const radiusPx = new Float64Array(nBins);
  const mean = new Float64Array(nBins);
  const std = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) {
    const c = count[b];
    radiusPx[b] = c > 0 ? sumR[b] / c : (b + 0.5) * binPx;
    mean[b] = c > 0 ? sum[b] / c : Number.NaN;
    std[b] = c > 1 ? Math.sqrt(Math.max(0, sum2[b] / c - mean[b] * mean[b])) : Number.NaN;
  }
  return { radiusPx, mean, std, count };
}
