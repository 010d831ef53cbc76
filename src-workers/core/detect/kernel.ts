import { InputError } from '../errors.js';

/**
 * Separable detection kernels. SExtractor's `gauss_3.0_5x5.conv` is a Gaussian of FWHM 3 px truncated at
 * ±2 px; `gaussianKernel1d(3)` reproduces that size (half-width round(0.7·FWHM), at least 1).
 */
export function gaussianKernel1d(fwhmPx: number): Float32Array {
  if (!Number.isFinite(fwhmPx) || fwhmPx <= 0) {
    throw new InputError('BAD_PARAMETER', `'filterFwhmPx' must be a positive finite number, got ${String(fwhmPx)}`);
  }
  const sigma = fwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  const half = Math.max(1, Math.min(32, Math.round(0.7 * fwhmPx)));
  const k = new Float32Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + half] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}
