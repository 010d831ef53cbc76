/**
 * Display limits of a raster: zscale (IRAF's algorithm, Tody 1986: a line fitted to the sorted sample
 * with iterative rejection, slope divided by the contrast), percentiles, or min/max. Works on a sample of
 * at most `maxSamples` finite pixels taken on a regular stride, so a 4096² frame costs milliseconds.
 */
export function samplePixels(data: Float32Array, maxSamples = 20000): Float32Array {
  const stride = Math.max(1, Math.floor(data.length / maxSamples));
  const out = new Float32Array(Math.ceil(data.length / stride));
  let n = 0;
  for (let i = 0; i < data.length; i += stride) {
    const v = data[i];
    if (v === v && v !== Infinity && v !== -Infinity) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

export interface Limits {
  lo: number;
  hi: number;
}

export function percentileLimits(sorted: Float32Array, lowPct = 0.5, highPct = 99.5): Limits {
  if (sorted.length === 0) return { lo: 0, hi: 1 };
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))];
  return widen({ lo: at(lowPct), hi: at(highPct) });
}

export function minMaxLimits(sorted: Float32Array): Limits {
  if (sorted.length === 0) return { lo: 0, hi: 1 };
  return widen({ lo: sorted[0], hi: sorted[sorted.length - 1] });
}

/** IRAF zscale: contrast [0.25], rejection at 2.5 σ, at most 5 iterations. */
export function zscaleLimits(sorted: Float32Array, contrast = 0.25): Limits {
  const n = sorted.length;
  if (n < 3) return minMaxLimits(sorted);
  const mid = (n - 1) / 2;
  const median = n % 2 ? sorted[(n - 1) / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  const keep = new Uint8Array(n).fill(1);
  let slope = 0;
  let intercept: number;
  let kept = n;
  for (let iter = 0; iter < 5; iter++) {
    let sx = 0,
      sy = 0,
      sxx = 0,
      sxy = 0,
      m = 0;
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      const x = i - mid;
      sx += x;
      sy += sorted[i];
      sxx += x * x;
      sxy += x * sorted[i];
      m++;
    }
    const det = m * sxx - sx * sx;
    if (m < 3 || det === 0) break;
    slope = (m * sxy - sx * sy) / det;
    intercept = (sy - slope * sx) / m;
    let ss = 0;
    for (let i = 0; i < n; i++) if (keep[i]) ss += (sorted[i] - (intercept + slope * (i - mid))) ** 2;
    const sigma = Math.sqrt(ss / m);
    let rejected = 0;
    for (let i = 0; i < n; i++) {
      if (keep[i] && Math.abs(sorted[i] - (intercept + slope * (i - mid))) > 2.5 * sigma) {
        keep[i] = 0;
        rejected++;
      }
    }
    kept -= rejected;
    if (rejected === 0 || kept < n / 2) break;
  }
  const z = slope / contrast;
  const lo = Math.max(sorted[0], median - mid * z);
  const hi = Math.min(sorted[n - 1], median + mid * z);
  return widen({ lo, hi });
}

function widen(l: Limits): Limits {
  if (!(l.hi > l.lo)) return { lo: l.lo, hi: l.lo + 1 };
  return l;
}
