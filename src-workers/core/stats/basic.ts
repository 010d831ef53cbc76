/**
 * NaN-aware summary statistics of pixel arrays. Medians and percentiles are exact (quickselect, no
 * histogram approximation) and follow numpy's definitions: `median` averages the two middle values of
 * an even count, `percentile` interpolates linearly between order statistics (numpy's default
 * 'linear' method), `stdev` is the population standard deviation (ddof = 0).
 */

export type Numbers = ArrayLike<number>;

/**
 * The non-NaN values of `data` in a new array: Float32Array for float32 input (exact, half the memory of
 * a 16-Mpixel copy), Float64Array otherwise.
 */
export function finiteCopy(data: Numbers): Float64Array | Float32Array {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === data[i]) n++;
  const out = data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  let j = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === v) out[j++] = v;
  }
  return out;
}

/**
 * Rearranges `a[lo..hi]` so that `a[k]` holds the value it would have if sorted, smaller values before
 * it and larger after (Hoare's selection with median-of-three pivots). Mutates `a`; returns `a[k]`.
 */
export function quickselect(a: Float64Array | Float32Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three to the middle, then use it as pivot.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function swap(a: Float64Array | Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Median of `values` as numpy defines it; mutates `values` (pass a copy). NaN for an empty array. */
export function medianInPlace(values: Float64Array | Float32Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const k = n >>> 1;
  const upper = quickselect(values, k);
  if (n % 2 === 1) return upper;
  // After selection, everything left of k is ≤ a[k]: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < k; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

/** Median of the non-NaN values of `data` (numpy's `nanmedian`); `data` is not modified. */
export function median(data: Numbers): number {
  return medianInPlace(finiteCopy(data));
}

/**
 * The `p`-th percentile (0–100) of the non-NaN values, numpy's default linear interpolation:
 * rank (n − 1)·p/100 between the two neighbouring order statistics.
 */
export function percentile(data: Numbers, p: number): number {
  return percentiles(data, [p])[0];
}

/** Several percentiles at once (one copy of the data). */
export function percentiles(data: Numbers, ps: readonly number[]): number[] {
  const values = finiteCopy(data);
  return ps.map((p) => percentileInPlace(values, p));
}

/** Percentile on an array it may reorder (the values stay the same multiset). */
export function percentileInPlace(values: Float64Array | Float32Array, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = ((n - 1) * p) / 100;
  const k = Math.floor(rank);
  const lower = quickselect(values, k);
  if (k + 1 >= n || rank === k) return lower;
  let upper = Infinity;
  for (let i = k + 1; i < n; i++) if (values[i] < upper) upper = values[i];
  const frac = rank - k;
  return lower + (upper - lower) * frac;
}

/** Summary of an image or any numeric array, NaN excluded. */
export interface BasicStats {
  /** Number of non-NaN values. */
  count: number;
  nanCount: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Population standard deviation (ddof = 0). */
  stdev: number;
}

/** min/max/mean/median/stdev of the non-NaN values (all NaN when there are none). */
export function basicStats(data: Numbers): BasicStats {
  const values = finiteCopy(data);
  const count = values.length;
  const nanCount = data.length - count;
  if (count === 0)
    return {
      count,
      nanCount,
      min: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
      median: Number.NaN,
      stdev: Number.NaN,
    };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < count; i++) {
    const d = values[i] - mean;
    ss += d * d;
  }
  const stdev = Math.sqrt(ss / count);
  return { count, nanCount, min, max, mean, median: medianInPlace(values), stdev };
}

/** Mean of the non-NaN values (NaN if none). */
export function mean(data: Numbers): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === v) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : Number.NaN;
}

/** Population standard deviation of the non-NaN values. */
export function stdev(data: Numbers): number {
  const m = mean(data);
  let ss = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === v) {
      ss += (v - m) * (v - m);
      n++;
    }
  }
  return n ? Math.sqrt(ss / n) : Number.NaN;
}

/**
 * Median absolute deviation, median(|x − median(x)|), NaN excluded (astropy's `mad_std` is this × 1.4826).
 */
export function mad(data: Numbers): number {
  const values = finiteCopy(data);
  const m = medianInPlace(values);
  for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i] - m);
  return medianInPlace(values);
}

/** MAD scaled to a Gaussian σ: 1.482602218505602 × MAD (astropy.stats.mad_std). */
export function madStd(data: Numbers): number {
  return 1.482602218505602 * mad(data);
}
