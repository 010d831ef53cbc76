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

/**
 * Sets `outlierBit` on unflagged points deviating more than `nSigma`·max(error, 1.4826·MAD of the residuals)
 * from the running median of their 6 unflagged neighbours (3 each side, in array order = time order).
 */
export function flagOutliers(
  mag: Float64Array,
  err: Float64Array,
  flags: Uint8Array,
  nSigma: number,
  outlierBit: number,
): void {
  const good: number[] = [];
  for (let i = 0; i < mag.length; i++) if (!flags[i]) good.push(i);
  const resid = new Float64Array(good.length);
  for (let g = 0; g < good.length; g++) {
    const win: number[] = [];
    for (let h = Math.max(0, g - 3); h <= Math.min(good.length - 1, g + 3); h++) if (h !== g) win.push(mag[good[h]]);
    win.sort((a, b) => a - b);
    const med = (win[(win.length - 1) >> 1] + win[win.length >> 1]) / 2;
    resid[g] = mag[good[g]] - med;
  }
  // Robust scatter of the residuals guards against underestimated errors.
  const abs = Array.from(resid, Math.abs).sort((a, b) => a - b);
  const robust = abs.length ? 1.4826 * abs[(abs.length - 1) >> 1] : 0;
  for (let g = 0; g < good.length; g++) {
    const sigma = Math.max(err[good[g]], robust);
    if (Math.abs(resid[g]) > nSigma * sigma) flags[good[g]] |= outlierBit;
  }
}
