/**
 * Per-pixel combination of N values with outlier rejection, as used for master frames and stacks
 * (Siril's stacking methods; IRAF imcombine). NaN values are ignored everywhere.
 *
 * Every method works in two steps: the finite values are sorted into a reusable scratch buffer and
 * rejection bounds [low, high] are computed from them; then the (optionally weighted) mean of the
 * original values inside the bounds is taken. `median` returns the median itself.
 */

/** How N values at one pixel become one. */
export type CombineMethod = 'mean' | 'median' | 'sigma' | 'winsor' | 'minmax';

/** All combine method names, for argument validation. */
export const COMBINE_METHODS: readonly CombineMethod[] = ['mean', 'median', 'sigma', 'winsor', 'minmax'];

export interface CombineOptions {
  /** Combination method [median]. */
  method?: CombineMethod;
  /** Rejection threshold in sigmas for `sigma` and `winsor`, both sides [3]. */
  kappa?: number;
  /** Low-side threshold in sigmas [kappa]. */
  kappaLow?: number;
  /** High-side threshold in sigmas [kappa]. */
  kappaHigh?: number;
  /** Maximum clipping iterations [10]. */
  maxIterations?: number;
  /** Values dropped at the low end by `minmax` [1]. */
  nLow?: number;
  /** Values dropped at the high end by `minmax` [1]. */
  nHigh?: number;
}

/** Reusable buffers for `combineValues`, sized for N inputs; create one per band, never per pixel. */
export interface CombineScratch {
  readonly sorted: Float64Array;
  /** Number of finite values rejected by the last call. */
  rejected: number;
  /** Number of finite values used by the last call. */
  used: number;
}

/** Allocates scratch for combining up to `n` values. */
export function createCombineScratch(n: number): CombineScratch {
  return { sorted: new Float64Array(Math.max(1, n)), rejected: 0, used: 0 };
}

/** Resolved options with defaults filled in (resolve once per band, not per pixel). */
export interface ResolvedCombine {
  method: CombineMethod;
  kappaLow: number;
  kappaHigh: number;
  maxIterations: number;
  nLow: number;
  nHigh: number;
}

/** Fills in defaults: median, kappa 3, 10 iterations, min/max drop 1 each. */
export function resolveCombine(options: CombineOptions = {}): ResolvedCombine {
  const kappa = options.kappa ?? 3;
  return {
    method: options.method ?? 'median',
    kappaLow: options.kappaLow ?? kappa,
    kappaHigh: options.kappaHigh ?? kappa,
    maxIterations: options.maxIterations ?? 10,
    nLow: options.nLow ?? 1,
    nHigh: options.nHigh ?? 1,
  };
}

/**
 * Combines `values[0..n)` (NaN ignored) with optional per-value `weights` (used by the mean of the kept
 * values; ignored by `median`). Returns NaN when no value is finite. `scratch.rejected` / `scratch.used`
 * report what happened. Allocation-free.
 */
export function combineValues(
  values: ArrayLike<number>,
  n: number,
  options: ResolvedCombine,
  scratch: CombineScratch,
  weights?: ArrayLike<number>,
): number {
  const s = scratch.sorted;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === v) s[m++] = v;
  }
  scratch.rejected = 0;
  scratch.used = m;
  if (m === 0) return Number.NaN;
  if (options.method === 'mean' && !weights) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += s[i];
    return sum / m;
  }
  sortPrefix(s, m);
  if (options.method === 'median') return medianOfSorted(s, 0, m);
  let lo = 0;
  let hi = m;
  if (options.method === 'sigma') [lo, hi] = sigmaClipRange(s, m, options);
  else if (options.method === 'winsor') [lo, hi] = winsorClipRange(s, m, options);
  else if (options.method === 'minmax') {
    if (m - options.nLow - options.nHigh >= 1) {
      lo = options.nLow;
      hi = m - options.nHigh;
    } else {
      const mid = medianOfSorted(s, 0, m);
      scratch.rejected = 0;
      return mid;
    }
  }
  if (!weights) {
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += s[i];
    scratch.used = hi - lo;
    scratch.rejected = m - (hi - lo);
    return sum / (hi - lo);
  }
  // Weighted: keep the original values inside the bounds (ties at a bound are all kept).
  const low = s[lo];
  const high = s[hi - 1];
  let sum = 0;
  let wsum = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v >= low && v <= high)) continue;
    const w = weights ? weights[i] : 1;
    sum += v * w;
    wsum += w;
    used++;
  }
  scratch.used = used;
  scratch.rejected = m - used;
  return wsum > 0 ? sum / wsum : Number.NaN;
}

/**
 * Combines the finite values already sorted ascending in `scratch.sorted[0..m)` (unweighted): the fast
 * path of band combines, which insert values in order while gathering them.
 */
export function combineSorted(m: number, options: ResolvedCombine, scratch: CombineScratch): number {
  const s = scratch.sorted;
  scratch.rejected = 0;
  scratch.used = m;
  if (m === 0) return Number.NaN;
  let lo = 0;
  let hi = m;
  switch (options.method) {
    case 'median':
      return medianOfSorted(s, 0, m);
    case 'sigma':
      [lo, hi] = sigmaClipRange(s, m, options);
      break;
    case 'winsor':
      [lo, hi] = winsorClipRange(s, m, options);
      break;
    case 'minmax':
      if (m - options.nLow - options.nHigh < 1) return medianOfSorted(s, 0, m);
      lo = options.nLow;
      hi = m - options.nHigh;
      break;
    default:
      break;
  }
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += s[i];
  scratch.used = hi - lo;
  scratch.rejected = m - (hi - lo);
  return sum / (hi - lo);
}

/** Sorts `a[0..m)` ascending; insertion sort for the small N of a stack, native sort above. */
function sortPrefix(a: Float64Array, m: number): void {
  if (m > 48) {
    a.subarray(0, m).sort();
    return;
  }
  for (let i = 1; i < m; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Median of the sorted slice a[lo..hi). */
export function medianOfSorted(a: ArrayLike<number>, lo: number, hi: number): number {
  const n = hi - lo;
  const mid = lo + (n >> 1);
  return n & 1 ? a[mid] : 0.5 * (a[mid - 1] + a[mid]);
}

function stdOfRange(a: Float64Array, lo: number, hi: number): number {
  const n = hi - lo;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += a[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = lo; i < hi; i++) {
    const d = a[i] - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - 1));
}

/**
 * Iterative kappa-sigma clipping around the median (Siril "sigma clipping"): values farther than
 * kappa·σ from the median of the kept set are rejected until nothing changes. Returns the kept range.
 */
function sigmaClipRange(a: Float64Array, m: number, o: ResolvedCombine): [number, number] {
  let lo = 0;
  let hi = m;
  for (let it = 0; it < o.maxIterations && hi - lo > 2; it++) {
    const med = medianOfSorted(a, lo, hi);
    const sigma = stdOfRange(a, lo, hi);
    if (!(sigma > 0)) break;
    const [nlo, nhi] = shrink(a, lo, hi, med - o.kappaLow * sigma, med + o.kappaHigh * sigma);
    if (nlo === lo && nhi === hi) break;
    lo = nlo;
    hi = nhi;
  }
  return [lo, hi];
}

/**
 * Winsorized sigma clipping (Siril): σ is estimated on a copy winsorized at median ± 1.5σ
 * (rescaled by 1.134, Huber's correction), then values outside median ± kappa·σ are rejected; repeated.
 */
function winsorClipRange(a: Float64Array, m: number, o: ResolvedCombine): [number, number] {
  let lo = 0;
  let hi = m;
  for (let it = 0; it < o.maxIterations && hi - lo > 2; it++) {
    const med = medianOfSorted(a, lo, hi);
    let sigma = stdOfRange(a, lo, hi);
    if (!(sigma > 0)) break;
    for (let k = 0; k < 10; k++) {
      const wl = med - 1.5 * sigma;
      const wh = med + 1.5 * sigma;
      let sum = 0;
      for (let i = lo; i < hi; i++) sum += Math.min(wh, Math.max(wl, a[i]));
      const mean = sum / (hi - lo);
      let ss = 0;
      for (let i = lo; i < hi; i++) {
        const d = Math.min(wh, Math.max(wl, a[i])) - mean;
        ss += d * d;
      }
      const next = 1.134 * Math.sqrt(ss / (hi - lo - 1));
      const done = Math.abs(next - sigma) <= 5e-4 * sigma;
      sigma = next;
      if (done || !(sigma > 0)) break;
    }
    if (!(sigma > 0)) break;
    const [nlo, nhi] = shrink(a, lo, hi, med - o.kappaLow * sigma, med + o.kappaHigh * sigma);
    if (nlo === lo && nhi === hi) break;
    lo = nlo;
    hi = nhi;
  }
  return [lo, hi];
}

function shrink(a: Float64Array, lo: number, hi: number, low: number, high: number): [number, number] {
  let nlo = lo;
  let nhi = hi;
  while (nlo < nhi && a[nlo] < low) nlo++;
  while (nhi > nlo && a[nhi - 1] > high) nhi--;
  if (nhi - nlo < 1) return [lo, hi];
  return [nlo, nhi];
}
