import { InputError } from '../errors.js';

/** Result of a robust zero-point fit. */
export interface ZeroPointFit {
  /** Z such that m = Z − 2.5·log10(flux / exposureSec). */
  zeroPointMag: number;
  /** Standard error of Z (σ/√n of the survivors). */
  zeroPointErrMag: number;
  /** Scatter (std) of the surviving residuals, mag. */
  rmsMag: number;
  used: number;
  rejected: number;
  /** 1 where a pair survived the clipping. */
  kept: Uint8Array;
}

/**
 * Fits the photometric zero point from pairs (instrumental magnitude −2.5·log10(F/t), reference magnitude):
 * Z = mean of (ref − inst) after iterative clipping at `clipSigma` × 1.4826·MAD around the median [3, 10 iter].
 * Non-finite pairs are ignored. Throws `InputError('ZP_NO_STARS')` when fewer than `minStars` [3] remain.
 */
export function fitZeroPoint(
  instrumentalMag: ArrayLike<number>,
  referenceMag: ArrayLike<number>,
  options: { clipSigma?: number; maxIters?: number; minStars?: number } = {},
): ZeroPointFit {
  const clip = options.clipSigma ?? 3;
  const maxIters = options.maxIters ?? 10;
  const minStars = options.minStars ?? 3;
  const n = instrumentalMag.length;
  const diff = new Float64Array(n);
  const kept = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    diff[i] = referenceMag[i] - instrumentalMag[i];
    kept[i] = Number.isFinite(diff[i]) ? 1 : 0;
  }
  const valid = kept.reduce((s, v) => s + v, 0);
  if (valid < minStars)
    throw new InputError('ZP_NO_STARS', `zero point: ${valid} matched reference stars, need at least ${minStars}`);
  for (let it = 0; it < maxIters; it++) {
    const vals: number[] = [];
    for (let i = 0; i < n; i++) if (kept[i]) vals.push(diff[i]);
    const med = median(vals);
    const mad = 1.4826 * median(vals.map((v) => Math.abs(v - med)));
    if (!(mad > 0)) break;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(diff[i])) continue;
      const keep = Math.abs(diff[i] - med) <= clip * mad ? 1 : 0;
      if (keep !== kept[i]) {
        kept[i] = keep;
        changed = true;
      }
    }
    if (!changed) break;
  }
  let s = 0;
  let m = 0;
  for (let i = 0; i < n; i++)
    if (kept[i]) {
      s += diff[i];
      m++;
    }
  if (m < minStars)
    throw new InputError('ZP_NO_STARS', `zero point: only ${m} reference stars survive clipping, need ${minStars}`);
  const mean = s / m;
  let s2 = 0;
  for (let i = 0; i < n; i++) if (kept[i]) s2 += (diff[i] - mean) ** 2;
  const std = m > 1 ? Math.sqrt(s2 / (m - 1)) : 0;
  return { zeroPointMag: mean, zeroPointErrMag: std / Math.sqrt(m), rmsMag: std, used: m, rejected: valid - m, kept };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : 0.5 * (s[k - 1] + s[k]);
}
