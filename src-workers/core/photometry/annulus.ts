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
 * are skipped. `scratch` (`createAnnulusScratch`) lends reusable buffers for many calls. `originX`/`originY`: as in `circularApertureSum` (positions relative to an integer pixel).
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
  scratch: AnnulusScratch = createAnnulusScratch(),
): AnnulusBackground {
  const { width, height, data } = image;
  const ri2 = rInnerPx * rInnerPx;
  const ro2 = rOuterPx * rOuterPx;
  const ys0 = Math.max(0, Math.floor(yPx - rOuterPx) + originY);
  const ys1 = Math.min(height - 1, Math.ceil(yPx + rOuterPx) + originY);
  const xs0 = Math.max(0, Math.floor(xPx - rOuterPx) + originX);
  const xs1 = Math.min(width - 1, Math.ceil(xPx + rOuterPx) + originX);
  const capacity = Math.max(0, (ys1 - ys0 + 1) * (xs1 - xs0 + 1));
  growAnnulusScratch(scratch, capacity);
  // The pixels are float32, so a float32 buffer holds them exactly (and sorts twice as fast by radix).
  const buffer = scratch.values;
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
  const values = buffer.subarray(0, m);
  sortFloat32(values, scratch);
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

function medianSorted(v: Float32Array, lo: number, hi: number): number {
  const n = hi - lo;
  const mid = lo + (n >> 1);
  return n % 2 === 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

/** Reusable buffers of `annulusBackground` for many calls (they grow to the largest annulus). */
export interface AnnulusScratch {
  values: Float32Array;
  keys: Uint32Array;
  swap: Uint32Array;
  counts: Uint32Array;
}

/** Buffers for `annulusBackground`; pass the same one to many calls. */
export function createAnnulusScratch(): AnnulusScratch {
  return {
    values: new Float32Array(256),
    keys: new Uint32Array(256),
    swap: new Uint32Array(256),
    counts: new Uint32Array(1024),
  };
}

function growAnnulusScratch(scratch: AnnulusScratch, capacity: number): void {
  if (scratch.values.length >= capacity) return;
  scratch.values = new Float32Array(capacity);
  scratch.keys = new Uint32Array(capacity);
  scratch.swap = new Uint32Array(capacity);
}

/**
 * Sorts float32 values (no NaN) ascending, in the order `Float32Array.prototype.sort` gives (−0 before +0):
 * a least-significant-digit radix sort of their bit patterns mapped to unsigned order (negative values
 * inverted, positive ones with the sign bit set), four passes of 8 bits, a pass skipped when every value
 * shares its digit. Branch-free, ≈ 2.5× faster than the comparison sort for the few hundred values of an
 * annulus.
 */
function sortFloat32(values: Float32Array, scratch: AnnulusScratch): void {
  const n = values.length;
  if (n < 2) return;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const counts = scratch.counts;
  counts.fill(0);
  let src = scratch.keys;
  let dst = scratch.swap;
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    const k = (b & 0x80000000) !== 0 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    src[i] = k;
    counts[k & 255]++;
    counts[256 + ((k >>> 8) & 255)]++;
    counts[512 + ((k >>> 16) & 255)]++;
    counts[768 + (k >>> 24)]++;
  }
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 256;
    const shift = pass * 8;
    if (counts[base + ((src[0] >>> shift) & 255)] === n) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i];
      dst[counts[base + ((k >>> shift) & 255)]++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) {
    const k = src[i];
    bits[i] = (k & 0x80000000) !== 0 ? k & 0x7fffffff : ~k >>> 0;
  }
}
