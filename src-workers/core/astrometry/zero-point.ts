/**
 * Photometric zero point from the catalog stars a plate solution matched: for each usable star,
 * ZP_i = m_cat + 2.5 log10(F), with F the total flux in ADU (so m = ZP − 2.5 log10(F), the PHOTZP
 * convention). The estimate is the mean after iterative 3σ clipping about the median, σ from the MAD
 * (robust to blends, saturated and variable stars); its error is the clipped scatter / √n.
 */

/** The fitted zero point. */
export interface ZeroPoint {
  /** Zero point, mag (mag = zp − 2.5 log10(ADU)). */
  zp: number;
  /** 1σ error of `zp`, mag. */
  zpErr: number;
  /** Scatter of the kept stars about `zp`, mag. */
  rms: number;
  /** Stars kept after clipping, and offered. */
  used: number;
  offered: number;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Fits the zero point from catalog magnitudes `mag` and fluxes `fluxAdu` (pairs with a non-finite value,
 * a non-positive flux or `exclude[i]` true are skipped). Returns null with fewer than `minStars` [3]
 * usable pairs. `clipSigma` [3], at most 10 iterations.
 */
export function fitZeroPoint(
  mag: ArrayLike<number>,
  fluxAdu: ArrayLike<number>,
  exclude?: ArrayLike<boolean>,
  minStars = 3,
  clipSigma = 3,
): ZeroPoint | null {
  const zs: number[] = [];
  for (let i = 0; i < mag.length; i++) {
    if (exclude?.[i]) continue;
    const m = mag[i];
    const f = fluxAdu[i];
    if (!Number.isFinite(m) || !Number.isFinite(f) || f <= 0 || m > 30) continue;
    zs.push(m + 2.5 * Math.log10(f));
  }
  const offered = zs.length;
  if (offered < minStars) return null;
  let kept = zs;
  for (let it = 0; it < 10; it++) {
    const med = median(kept);
    const mad = median(kept.map((z) => Math.abs(z - med)));
    // 1.4826 × MAD is σ for a Gaussian; a floor keeps identical values from clipping everything.
    const sigma = Math.max(1.4826 * mad, 1e-4);
    const next = zs.filter((z) => Math.abs(z - med) <= clipSigma * sigma);
    if (next.length === kept.length || next.length < minStars) break;
    kept = next;
  }
  const n = kept.length;
  const zp = kept.reduce((a, b) => a + b, 0) / n;
  const rms = Math.sqrt(kept.reduce((a, b) => a + (b - zp) ** 2, 0) / Math.max(1, n - 1));
  return { zp, zpErr: rms / Math.sqrt(n), rms, used: n, offered };
}
