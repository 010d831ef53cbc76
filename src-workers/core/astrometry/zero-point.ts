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

/** A zero point with a colour term: m_cat = m_inst + zp + colourTerm · colour. */
export interface ColourZeroPoint extends ZeroPoint {
  /** Colour coefficient (mag per mag of colour) and its 1σ error. */
  colourTerm: number;
  colourTermErr: number;
  /** Mean colour of the kept stars (the zero point's error is smallest there), mag. */
  meanColour: number;
}

/**
 * Fits a zero point and a colour term, `mag = zp + c · colour − 2.5 log10(F)`, by least squares with
 * iterative clipping at `clipSigma` [3] × the residuals' robust σ (1.4826 × MAD, at most 10 rounds), after
 * Harris, Fitzgerald & Reed 1981 (PASP 93, 507) transformation fits. Errors are the covariance scaled by the
 * residual variance (as numpy.polyfit(cov=True)). Pairs with a non-finite value, non-positive flux or
 * `exclude[i]` are skipped. Returns null with fewer than `minStars` [8] usable stars or a colour spread
 * (standard deviation) under `minColourSpread` [0.1 mag], where a colour term is not determined.
 */
export function fitColourZeroPoint(
  mag: ArrayLike<number>,
  fluxAdu: ArrayLike<number>,
  colour: ArrayLike<number>,
  exclude?: ArrayLike<boolean>,
  minStars = 8,
  clipSigma = 3,
  minColourSpread = 0.1,
): ColourZeroPoint | null {
  const zs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < mag.length; i++) {
    if (exclude?.[i]) continue;
    const m = mag[i];
    const f = fluxAdu[i];
    const c = colour[i];
    if (!Number.isFinite(m) || !Number.isFinite(f) || !Number.isFinite(c) || f <= 0 || m > 30) continue;
    zs.push(m + 2.5 * Math.log10(f));
    cs.push(c);
  }
  const offered = zs.length;
  if (offered < minStars) return null;
  const fit = (keep: number[]) => {
    const n = keep.length;
    let mc = 0;
    let mz = 0;
    for (const k of keep) {
      mc += cs[k];
      mz += zs[k];
    }
    mc /= n;
    mz /= n;
    let sxx = 0;
    let sxy = 0;
    for (const k of keep) {
      sxx += (cs[k] - mc) ** 2;
      sxy += (cs[k] - mc) * (zs[k] - mz);
    }
    const slope = sxx > 0 ? sxy / sxx : 0;
    return { n, mc, mz, sxx, slope, intercept: mz - slope * mc };
  };
  let keep = zs.map((_, k) => k);
  let f = fit(keep);
  for (let it = 0; it < 10; it++) {
    const res = zs.map((z, k) => z - f.intercept - f.slope * cs[k]);
    const kres = keep.map((k) => res[k]);
    const med = median(kres);
    const sigma = Math.max(1.4826 * median(kres.map((r) => Math.abs(r - med))), 1e-4);
    const next = zs.map((_, k) => k).filter((k) => Math.abs(res[k] - med) <= clipSigma * sigma);
    if (next.length < minStars || (next.length === keep.length && next.every((k, j) => k === keep[j]))) break;
    keep = next;
    f = fit(keep);
  }
  const spread = Math.sqrt(f.sxx / f.n);
  if (!(spread >= minColourSpread)) return null;
  let ssr = 0;
  for (const k of keep) ssr += (zs[k] - f.intercept - f.slope * cs[k]) ** 2;
  const s2 = ssr / Math.max(1, f.n - 2);
  return {
    zp: f.intercept,
    zpErr: Math.sqrt(s2 * (1 / f.n + (f.mc * f.mc) / f.sxx)),
    colourTerm: f.slope,
    colourTermErr: Math.sqrt(s2 / f.sxx),
    meanColour: f.mc,
    rms: Math.sqrt(s2),
    used: f.n,
    offered,
  };
}
