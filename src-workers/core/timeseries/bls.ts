/**
 * Box Least Squares transit search (Kovács, Zucker & Mazeh 2002, A&A 391, 369) in the likelihood form of
 * astropy's `BoxLeastSquares` (Foreman-Mackey): for each trial period, every box duration and every epoch
 * on a grid of `duration/oversample`, fit in- and out-of-transit weighted means and keep the model with the
 * largest Δlog L = ½·W_in·depth² (or depth SNR) and depth > 0 (a dimming).
 *
 * Exact: transit membership is decided for every point, as astropy's reference `method='slow'`, not on
 * phase bins; per period the phases are sorted once and each epoch costs two binary searches.
 */
import { InputError } from '../errors.js';
import { medianInPlace } from '../stats/basic.js';
import { checkSeries } from './lomb-scargle.js';

/** Options of {@link boxLeastSquares}. */
export interface BlsOptions {
  /** Objective maximised per period [`likelihood`]: Δlog L = ½·W_in·depth², or `snr` = depth/σ_depth. */
  objective?: 'likelihood' | 'snr';
  /** Epoch grid step = duration / oversample [10]. */
  oversample?: number;
}

/** BLS periodogram: one value per trial period, parameters of the best box at that period. */
export interface BlsResult {
  period: Float64Array;
  /** The maximised objective (Δlog L, or depth SNR). */
  power: Float64Array;
  /** Out-of-transit minus in-transit weighted mean (units of the input values; > 0 for a dip). */
  depth: Float64Array;
  depthErr: Float64Array;
  depthSnr: Float64Array;
  logLikelihood: Float64Array;
  /** Best box duration (time units). */
  duration: Float64Array;
  /** A mid-transit time (same time scale as the input times). */
  transitTime: Float64Array;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Computes the BLS periodogram.
 *
 * Values are taken relative to their median (as astropy does); pass fluxes (a transit is a dip) or
 * negated magnitudes. Times are shifted to start at their minimum, so epochs are exact far from zero.
 *
 * @param times observation times (days)
 * @param values fluxes (any unit)
 * @param errors 1σ errors (weights 1/σ²) [equal weights]
 * @param periods trial periods (time units), each longer than the longest duration
 * @param durations trial box durations (time units), positive
 */
export function boxLeastSquares(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  errors: ArrayLike<number> | undefined,
  periods: ArrayLike<number>,
  durations: ArrayLike<number>,
  options: BlsOptions = {},
): BlsResult {
  checkSeries(times, values, errors);
  const oversample = options.oversample ?? 10;
  const useLikelihood = (options.objective ?? 'likelihood') === 'likelihood';
  if (!(Number.isInteger(oversample) && oversample >= 1 && oversample <= 1000)) {
    throw new InputError('BAD_PARAMETER', `'oversample' must be an integer in [1, 1000], got ${oversample}`);
  }
  if (durations.length === 0) throw new InputError('BAD_PARAMETER', 'at least one duration is needed');
  let maxDuration = 0;
  for (let k = 0; k < durations.length; k++) {
    if (!(durations[k] > 0 && Number.isFinite(durations[k]))) {
      throw new InputError('BAD_PARAMETER', `duration ${k} must be a positive finite number, got ${durations[k]}`);
    }
    maxDuration = Math.max(maxDuration, durations[k]);
  }
  for (let p = 0; p < periods.length; p++) {
    if (!(periods[p] > maxDuration && Number.isFinite(periods[p]))) {
      throw new InputError(
        'BAD_PARAMETER',
        `period ${p} (${periods[p]}) must be finite and longer than the longest duration (${maxDuration})`,
      );
    }
  }
  const n = times.length;
  let tRef = Infinity;
  for (let i = 0; i < n; i++) tRef = Math.min(tRef, times[i]);
  const yMedian = medianInPlace(Float64Array.from(values));
  const t = new Float64Array(n);
  const wy = new Float64Array(n);
  const w = new Float64Array(n);
  let wTotal = 0;
  let wyTotal = 0;
  for (let i = 0; i < n; i++) {
    t[i] = times[i] - tRef;
    w[i] = errors ? 1 / (errors[i] * errors[i]) : 1;
    wy[i] = w[i] * (values[i] - yMedian);
    wTotal += w[i];
    wyTotal += wy[i];
  }
  const np = periods.length;
  const out: BlsResult = {
    period: Float64Array.from(periods),
    power: new Float64Array(np).fill(Number.NaN),
    depth: new Float64Array(np).fill(Number.NaN),
    depthErr: new Float64Array(np).fill(Number.NaN),
    depthSnr: new Float64Array(np).fill(Number.NaN),
    logLikelihood: new Float64Array(np).fill(Number.NaN),
    duration: new Float64Array(np).fill(Number.NaN),
    transitTime: new Float64Array(np).fill(Number.NaN),
  };
  // Phases repeated three times (φ − P, φ, φ + P) so that any box centred in [0, P + step] is one index range.
  const order = new Int32Array(n);
  const phase = new Float64Array(n);
  const ext = new Float64Array(3 * n);
  const cumW = new Float64Array(3 * n + 1);
  const cumWy = new Float64Array(3 * n + 1);
  for (let p = 0; p < np; p++) {
    const period = periods[p];
    for (let i = 0; i < n; i++) {
      order[i] = i;
      phase[i] = t[i] - period * Math.floor(t[i] / period);
    }
    order.sort((a, b) => phase[a] - phase[b]);
    for (let copy = 0; copy < 3; copy++) {
      for (let k = 0; k < n; k++) {
        const i = order[k];
        const j = copy * n + k;
        ext[j] = phase[i] + (copy - 1) * period;
        cumW[j + 1] = cumW[j] + w[i];
        cumWy[j + 1] = cumWy[j] + wy[i];
      }
    }
    let best = -Infinity;
    for (let d = 0; d < durations.length; d++) {
      const duration = durations[d];
      const half = 0.5 * duration;
      const step = duration / oversample;
      const count = Math.ceil((period + step) / step); // numpy.arange(0, P + step, step)
      for (let j = 0; j < count; j++) {
        const t0 = j * step;
        // Strictly inside the box: |phase − t0| < duration/2.
        const lo = upperBound(ext, t0 - half);
        const hi = lowerBound(ext, t0 + half);
        const wIn = cumW[hi] - cumW[lo];
        const wOut = wTotal - wIn;
        if (!(wIn > 0) || !(wOut > 0)) continue;
        const yIn = (cumWy[hi] - cumWy[lo]) / wIn;
        const yOut = (wyTotal - (cumWy[hi] - cumWy[lo])) / wOut;
        const depth = yOut - yIn;
        if (!(depth > 0)) continue;
        const depthErr = Math.sqrt(1 / wIn + 1 / wOut);
        const logLike = 0.5 * wIn * depth * depth;
        const objective = useLikelihood ? logLike : depth / depthErr;
        if (objective > best) {
          best = objective;
          out.power[p] = objective;
          out.depth[p] = depth;
          out.depthErr[p] = depthErr;
          out.depthSnr[p] = depth / depthErr;
          out.logLikelihood[p] = logLike;
          out.duration[p] = duration;
          out.transitTime[p] = (t0 % period) + tRef;
        }
      }
    }
  }
  return out;
}
