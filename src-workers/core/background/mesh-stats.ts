/**
 * Per-mesh background statistics (SExtractor manual §"Background estimation"; Bertin & Arnouts 1996).
 * The values of one mesh are sorted once, so every sigma-clipping iteration is two binary searches and
 * prefix sums instead of a pass over the pixels.
 */

/** Background level and noise of one mesh; NaN for both when too few valid pixels remain. */
export interface MeshEstimate {
  level: number;
  sigma: number;
}

/**
 * Sigma-clipped mode of `sorted[0..n)` (ascending, finite): clip iteratively at ±3σ around the median until
 * stable, then mode = 2.5·median − 1.5·mean when |mean − median| < 0.3σ (not too skewed), else the median.
 * `prefix`/`prefixSq` are scratch of length ≥ n + 1.
 */
export function clippedMode(
  sorted: Float32Array,
  n: number,
  prefix: Float64Array,
  prefixSq: Float64Array,
  clipSigma = 3,
): MeshEstimate {
  if (n < 3) return { level: Number.NaN, sigma: Number.NaN };
  prefix[0] = 0;
  prefixSq[0] = 0;
  // Subtract a pivot so that the running sums of squares do not lose precision on high backgrounds.
  const pivot = sorted[n >> 1];
  for (let i = 0; i < n; i++) {
    const v = sorted[i] - pivot;
    prefix[i + 1] = prefix[i] + v;
    prefixSq[i + 1] = prefixSq[i] + v * v;
  }
  let lo = 0;
  let hi = n;
  let mean = 0;
  let sigma = 0;
  let median = 0;
  for (let iter = 0; iter < 100; iter++) {
    const m = hi - lo;
    if (m < 3) break;
    const s = prefix[hi] - prefix[lo];
    const s2 = prefixSq[hi] - prefixSq[lo];
    mean = s / m;
    sigma = Math.sqrt(Math.max(0, s2 / m - mean * mean) * (m / (m - 1)));
    median = medianOfRange(sorted, lo, hi) - pivot;
    if (sigma === 0) break;
    const newLo = lowerBound(sorted, lo, hi, median + pivot - clipSigma * sigma);
    const newHi = upperBound(sorted, lo, hi, median + pivot + clipSigma * sigma);
    if (newLo === lo && newHi === hi) break;
    lo = newLo;
    hi = newHi;
  }
  const skewed = sigma > 0 && Math.abs(mean - median) >= 0.3 * sigma;
  const mode = skewed ? median : 2.5 * median - 1.5 * mean;
  return { level: mode + pivot, sigma };
}

function medianOfRange(sorted: Float32Array, lo: number, hi: number): number {
  const m = hi - lo;
  const mid = lo + (m >> 1);
  return m % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/** First index in [lo, hi) with sorted[i] >= value. */
function lowerBound(sorted: Float32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) with sorted[i] > value. */
function upperBound(sorted: Float32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Median of the finite values of a small array (NaN when none); does not modify `values`. */
export function medianFinite(values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : 0.5 * (finite[mid - 1] + finite[mid]);
}
