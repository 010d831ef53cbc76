/**
 * Iterative sigma clipping as astropy.stats.sigma_clipped_stats does it (defaults: σ = 3 both sides,
 * at most 5 iterations, centre = median, spread = population standard deviation): each pass rejects
 * values outside [centre − σ·std, centre + σ·std] of the survivors, until nothing changes.
 */
import { finiteCopy, medianInPlace, type Numbers } from './basic.js';

export interface SigmaClipOptions {
  /** Clipping threshold in standard deviations [3]. */
  sigma?: number;
  /** Lower/upper thresholds [sigma]. */
  sigmaLower?: number;
  sigmaUpper?: number;
  /** Maximum iterations [5]; `Infinity` iterates to convergence. */
  maxIters?: number;
}

export interface ClippedStats {
  mean: number;
  median: number;
  /** Population standard deviation of the survivors. */
  stdev: number;
  /** Survivors. */
  count: number;
  /** Final clipping bounds. */
  lower: number;
  upper: number;
  iterations: number;
}

/** Sigma-clipped mean, median and standard deviation of the non-NaN values. */
export function sigmaClippedStats(data: Numbers, options: SigmaClipOptions = {}): ClippedStats {
  const sigma = options.sigma ?? 3;
  const sl = options.sigmaLower ?? sigma;
  const su = options.sigmaUpper ?? sigma;
  const maxIters = options.maxIters ?? 5;
  let values = Float64Array.from(finiteCopy(data));
  let lower = -Infinity;
  let upper = Infinity;
  let iterations = 0;
  const scratch = new Float64Array(values.length);
  while (iterations < maxIters && values.length > 0) {
    scratch.set(values);
    const med = medianInPlace(scratch.subarray(0, values.length));
    const std = populationStd(values);
    lower = med - sl * std;
    upper = med + su * std;
    let n = 0;
    for (let i = 0; i < values.length; i++) if (values[i] >= lower && values[i] <= upper) n++;
    iterations++;
    if (n === values.length) break;
    const kept = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < values.length; i++) if (values[i] >= lower && values[i] <= upper) kept[j++] = values[i];
    values = kept;
  }
  const count = values.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[i];
  const mean = count ? sum / count : Number.NaN;
  const stdev = count ? populationStd(values) : Number.NaN;
  return { mean, median: medianInPlace(values), stdev, count, lower, upper, iterations };
}

function populationStd(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const m = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - m) * (values[i] - m);
  return Math.sqrt(ss / values.length);
}
