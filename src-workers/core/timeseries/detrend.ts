/**
 * Helpers of light-curve cleaning: weighted linear detrending fits and running-median outlier flags.
 */
import { InputError } from '../errors.js';

/**
 * Weighted linear least squares of y on the given design rows (normal equations, Gauss–Jordan with
 * partial pivoting); returns the coefficients. Throws `DETREND_DEGENERATE` for collinear columns.
 */
export function linearFit(rows: number[][], y: number[], w: number[]): number[] {
  const p = rows[0].length;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < y.length; i++) {
    for (let r = 0; r < p; r++) {
      a[r][p] += w[i] * rows[i][r] * y[i];
      for (let c = 0; c < p; c++) a[r][c] += w[i] * rows[i][r] * rows[i][c];
    }
  }
  // Gauss–Jordan with partial pivoting on the small normal-equation system.
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    [a[c], a[piv]] = [a[piv], a[c]];
    if (!(Math.abs(a[c][c]) > 1e-300))
      throw new InputError('DETREND_DEGENERATE', 'detrending covariates are degenerate (constant or collinear)');
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const q = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= q * a[c][k];
    }
  }
  return a.map((row, r) => row[p] / row[r]);
}

/** Median of a small array (reorders it). */
function smallMedian(a: number[]): number {
  a.sort((x, y) => x - y);
  return (a[(a.length - 1) >> 1] + a[a.length >> 1]) / 2;
}

/**
 * Sets `outlierBit` on unflagged points deviating more than `nSigma`·max(error, 1.4826·MAD of the residuals)
 * from a robust local line through their 6 nearest unflagged neighbours (in array order = time order; the
 * window shifts at the ends): Theil–Sen slope (median of pairwise slopes) and median intercept, so a steep
 * part of a light curve or its first and last points are not mistaken for outliers.
 *
 * Iterative: each pass flags only the points that are the most deviant within their own window, then the
 * lines are refitted without them, so an outlier does not drag its neighbours' predictions.
 */
export function flagOutliers(
  mag: Float64Array,
  err: Float64Array,
  flags: Uint8Array,
  nSigma: number,
  outlierBit: number,
): void {
  const slopes: number[] = [];
  const offsets: number[] = [];
  const near: number[] = [];
  for (let pass = 0; pass < mag.length; pass++) {
    const good: number[] = [];
    for (let i = 0; i < mag.length; i++) if (!flags[i]) good.push(i);
    if (good.length < 4) return;
    const resid = new Float64Array(good.length);
    for (let g = 0; g < good.length; g++) {
      const lo = Math.max(0, Math.min(g - 3, good.length - 7));
      const hi = Math.min(good.length - 1, lo + 6);
      near.length = 0;
      for (let h = lo; h <= hi; h++) if (h !== g) near.push(good[h]);
      slopes.length = 0;
      for (let p = 0; p < near.length; p++) {
        for (let q = p + 1; q < near.length; q++) slopes.push((mag[near[q]] - mag[near[p]]) / (near[q] - near[p]));
      }
      const slope = smallMedian(slopes);
      offsets.length = 0;
      for (const i of near) offsets.push(mag[i] - slope * i);
      resid[g] = mag[good[g]] - (smallMedian(offsets) + slope * good[g]);
    }
    // Robust scatter of the residuals guards against underestimated errors.
    const robust = 1.4826 * smallMedian(Array.from(resid, Math.abs));
    const ratio = Float64Array.from(resid, (r, g) => Math.abs(r) / Math.max(err[good[g]], robust));
    let flagged = 0;
    for (let g = 0; g < good.length; g++) {
      if (!(ratio[g] > nSigma)) continue;
      let localMax = true;
      for (let h = Math.max(0, g - 3); h <= Math.min(good.length - 1, g + 3) && localMax; h++) {
        localMax = h === g || ratio[h] < ratio[g] || (ratio[h] === ratio[g] && h > g);
      }
      if (localMax) {
        flags[good[g]] |= outlierBit;
        flagged++;
      }
    }
    if (!flagged) return;
  }
}
