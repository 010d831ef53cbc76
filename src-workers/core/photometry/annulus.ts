import type { Image } from '../image/image.js';

/** Local background from an annulus: sigma-clipped median and standard deviation of the pixel values. */
export interface AnnulusBackground {
  /** Sigma-clipped median, ADU per pixel (NaN when no pixel survives). */
  median: number;
  /** Standard deviation of the surviving pixels, ADU. */
  std: number;
  /** Pixels used after clipping. */
  count: number;
}

/**
 * Sigma-clipped median of the pixels whose centres lie in rInnerPx ≤ r < rOuterPx around (xPx, yPx), as
 * photutils' `ApertureStats(..., sigma_clip=SigmaClip(sigma=3, maxiters=10)).median` on a
 * `CircularAnnulus` (centre-in-aperture mask). NaN pixels and those for which `exclude(index)` is true
 * are skipped. `scratch` lends a reusable buffer for many calls. `originX`/`originY`: as in `circularApertureSum` (positions relative to an integer pixel).
 */
export function annulusBackground(
  image: Image,
  xPx: number,
  yPx: number,
  rInnerPx: number,
  rOuterPx: number,
  clipSigma = 3,
  maxIters = 10,
  exclude?: (index: number) => boolean,
  originX = 0,
  originY = 0,
  scratch?: { buffer: Float64Array },
): AnnulusBackground {
  const { width, height, data } = image;
  const ri2 = rInnerPx * rInnerPx;
  const ro2 = rOuterPx * rOuterPx;
  const ys0 = Math.max(0, Math.floor(yPx - rOuterPx) + originY);
  const ys1 = Math.min(height - 1, Math.ceil(yPx + rOuterPx) + originY);
  const xs0 = Math.max(0, Math.floor(xPx - rOuterPx) + originX);
  const xs1 = Math.min(width - 1, Math.ceil(xPx + rOuterPx) + originX);
  const capacity = Math.max(0, (ys1 - ys0 + 1) * (xs1 - xs0 + 1));
  let buffer: Float64Array;
  if (scratch) {
    if (scratch.buffer.length < capacity) scratch.buffer = new Float64Array(capacity);
    buffer = scratch.buffer;
  } else buffer = new Float64Array(capacity);
  let m = 0;
  for (let y = ys0; y <= ys1; y++) {
    const dy = y - originY - yPx;
    for (let x = xs0; x <= xs1; x++) {
      const dx = x - originX - xPx;
      const d2 = dx * dx + dy * dy;
      // photutils' 'center' mask: pixel centre inside the outer circle and not inside the inner one.
      if (d2 > ro2 || d2 < ri2) continue;
      const i = y * width + x;
      const v = data[i];
      if (v !== v || (exclude && exclude(i))) continue;
      buffer[m++] = v;
    }
  }
  const values = buffer.subarray(0, m).sort();
  let lo = 0;
  let hi = m;
  let median = Number.NaN;
  let std = Number.NaN;
  for (let it = 0; it <= maxIters && hi > lo; it++) {
    median = medianSorted(values, lo, hi);
    let s = 0;
    for (let k = lo; k < hi; k++) s += values[k];
    const mean = s / (hi - lo);
    let s2 = 0;
    for (let k = lo; k < hi; k++) s2 += (values[k] - mean) ** 2;
    std = Math.sqrt(s2 / (hi - lo));
    if (it === maxIters) break;
    let nlo = lo;
    let nhi = hi;
    while (nlo < nhi && values[nlo] < median - clipSigma * std) nlo++;
    while (nhi > nlo && values[nhi - 1] > median + clipSigma * std) nhi--;
    if (nlo === lo && nhi === hi) break;
    lo = nlo;
    hi = nhi;
  }
  if (hi > lo) median = medianSorted(values, lo, hi);
  return { median, std, count: hi - lo };
}

function medianSorted(v: Float64Array, lo: number, hi: number): number {
  const n = hi - lo;
  const mid = lo + (n >> 1);
  return n % 2 === 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}
