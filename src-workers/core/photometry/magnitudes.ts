/** Photometric calibration: instrumental flux to magnitudes (Pogson). */

/** 2.5 / ln 10: converts a relative flux error to a magnitude error. */
export const MAG_PER_RELATIVE_FLUX = 2.5 / Math.LN10;

/**
 * m = Z − 2.5·log10(flux / exposureSec) and σm = 1.0857·σF/F; NaN for non-positive flux.
 * `exposureSec` defaults to 1 (Z then applies to counts per frame).
 */
export function fluxToMagnitude(
  fluxAdu: number,
  fluxErrAdu: number,
  zeroPointMag: number,
  exposureSec = 1,
): { mag: number; magErr: number } {
  if (!(fluxAdu > 0) || !(exposureSec > 0)) return { mag: Number.NaN, magErr: Number.NaN };
  return {
    mag: zeroPointMag - 2.5 * Math.log10(fluxAdu / exposureSec),
    magErr: (MAG_PER_RELATIVE_FLUX * fluxErrAdu) / fluxAdu,
  };
}

/** Adds `mag`/`magErr` columns computed from `flux`/`fluxErr`. */
export function addMagnitudes(
  cat: { count: number; flux: Float64Array; fluxErr: Float64Array; mag?: Float64Array; magErr?: Float64Array },
  zeroPointMag: number,
  exposureSec = 1,
): void {
  const mag = new Float64Array(cat.count);
  const magErr = new Float64Array(cat.count);
  for (let i = 0; i < cat.count; i++) {
    const m = fluxToMagnitude(cat.flux[i], cat.fluxErr[i], zeroPointMag, exposureSec);
    mag[i] = m.mag;
    magErr[i] = m.magErr;
  }
  cat.mag = mag;
  cat.magErr = magErr;
}
