/**
 * Variability statistics of one light curve (magnitudes with 1σ errors), the indices that survey pipelines
 * rank candidate variables by. Definitions follow Sokolovsky et al. (2017, MNRAS 464, 274), whose Table 1
 * collects them, and Stetson (1996, PASP 108, 851) for J and K.
 */
import { InputError } from '../errors.js';
import { medianInPlace, percentileInPlace } from '../stats/basic.js';
import { chiSquareSurvival } from './incomplete-gamma.js';

/** Options of {@link variabilityStats}. */
export interface VariabilityOptions {
  /**
   * Two consecutive observations closer than this (same unit as `times`, days) form one Stetson pair;
   * the rest count as single observations [Infinity: every consecutive non-overlapping pair in time order].
   */
  pairWindow?: number;
}

/** The statistics {@link variabilityStats} returns (magnitudes in the unit of the input values). */
export interface VariabilityStats {
  /** Number of points used. */
  nObs: number;
  /** Weighted mean Σwm/Σw with w = 1/σ². */
  weightedMean: number;
  /** Uncertainty of the weighted mean, 1/√Σw. */
  weightedMeanErr: number;
  /** Weighted standard deviation √(Σw(m − m̄)²/Σw · n/(n − 1)). */
  weightedSigma: number;
  /** χ² of the constant weighted-mean model divided by n − 1 degrees of freedom. */
  reducedChi2: number;
  /** Pr(χ² ≥ observed | constant source, errors right): the false-alarm probability of calling it variable. */
  chi2Fap: number;
  /** Median absolute deviation median(|m − median(m)|) (unscaled). */
  mad: number;
  /** Interquartile range p75 − p25 (numpy's linear interpolation). */
  iqr: number;
  /** von Neumann ratio η = δ²/σ²: mean square successive difference (time order) over the sample variance (ddof 1). */
  vonNeumannEta: number;
  /** Stetson (1996) J: pairs of correlated residuals, ≈ 0 for noise, > 0 for variables. */
  stetsonJ: number;
  /** Stetson (1996) K: kurtosis measure mean|δ|/√mean(δ²); √(2/π) ≈ 0.798 for Gaussian noise. */
  stetsonK: number;
  /** Half the peak-to-peak range, (max − min)/2. */
  amplitude: number;
  /** Robust half range, (p95 − p5)/2. */
  amplitudeRobust: number;
}

/**
 * Computes the variability statistics of one light curve.
 *
 * @param times observation times (days, any zero point); used for the time order of η and Stetson J
 * @param mags magnitudes (or any values)
 * @param errors 1σ errors, positive
 * @throws InputError on mismatched lengths, fewer than 2 points, non-finite values or non-positive errors
 */
export function variabilityStats(
  times: ArrayLike<number>,
  mags: ArrayLike<number>,
  errors: ArrayLike<number>,
  options: VariabilityOptions = {},
): VariabilityStats {
  const n = times.length;
  if (mags.length !== n || errors.length !== n) {
    throw new InputError(
      'TS_LENGTH',
      `times, mags and errors must have the same length (${n}, ${mags.length}, ${errors.length})`,
    );
  }
  if (n < 2) throw new InputError('TS_TOO_SHORT', `variability statistics need at least 2 points, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(times[i]) || !Number.isFinite(mags[i])) {
      throw new InputError('TS_NOT_FINITE', `point ${i}: time and magnitude must be finite numbers`);
    }
    if (!(errors[i] > 0 && Number.isFinite(errors[i]))) {
      throw new InputError('TS_BAD_ERROR', `point ${i}: error must be a positive finite number, got ${errors[i]}`);
    }
  }
  const pairWindow = options.pairWindow ?? Infinity;
  if (!(pairWindow > 0)) throw new InputError('BAD_PARAMETER', `'pairWindow' must be positive, got ${pairWindow}`);

  // Time order (stable for equal times) for the successive-difference statistics.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a] - times[b] || a - b);

  let wSum = 0;
  let wmSum = 0;
  let mSum = 0;
  for (let i = 0; i < n; i++) {
    const w = 1 / (errors[i] * errors[i]);
    wSum += w;
    wmSum += w * mags[i];
    mSum += mags[i];
  }
  const wMean = wmSum / wSum;
  const mean = mSum / n;
  let chi2 = 0;
  let ss = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = (mags[i] - wMean) / errors[i];
    chi2 += r * r;
    ss += (mags[i] - mean) ** 2;
    if (mags[i] < min) min = mags[i];
    if (mags[i] > max) max = mags[i];
  }
  const variance = ss / (n - 1);

  let succ = 0;
  for (let k = 1; k < n; k++) succ += (mags[order[k]] - mags[order[k - 1]]) ** 2;
  const eta = variance > 0 ? succ / (n - 1) / variance : Number.NaN;

  // Stetson's normalised residuals δ = √(n/(n−1))·(m − m̄)/σ about the weighted mean.
  const scale = Math.sqrt(n / (n - 1));
  const delta = new Float64Array(n);
  let absSum = 0;
  let sqSum = 0;
  for (let i = 0; i < n; i++) {
    delta[i] = (scale * (mags[i] - wMean)) / errors[i];
    absSum += Math.abs(delta[i]);
    sqSum += delta[i] * delta[i];
  }
  let jNum = 0;
  let jDen = 0;
  for (let k = 0; k < n;) {
    const i = order[k];
    const j = k + 1 < n ? order[k + 1] : -1;
    // A pair's product, or δ² − 1 for a single observation (Stetson 1996 eq. 1–2, all weights 1).
    const p = j >= 0 && times[j] - times[i] < pairWindow ? delta[i] * delta[j] : delta[i] * delta[i] - 1;
    jNum += Math.sign(p) * Math.sqrt(Math.abs(p));
    jDen += 1;
    k += j >= 0 && times[j] - times[i] < pairWindow ? 2 : 1;
  }
  const stetsonK = sqSum > 0 ? absSum / n / Math.sqrt(sqSum / n) : Number.NaN;

  const sorted = Float64Array.from(mags);
  const median = medianInPlace(sorted);
  const p25 = percentileInPlace(sorted, 25);
  const p75 = percentileInPlace(sorted, 75);
  const p5 = percentileInPlace(sorted, 5);
  const p95 = percentileInPlace(sorted, 95);
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(mags[i] - median);

  let wss = 0;
  for (let i = 0; i < n; i++) wss += (mags[i] - wMean) ** 2 / (errors[i] * errors[i]);
  return {
    nObs: n,
    weightedMean: wMean,
    weightedMeanErr: 1 / Math.sqrt(wSum),
    weightedSigma: Math.sqrt((wss / wSum) * (n / (n - 1))),
    reducedChi2: chi2 / (n - 1),
    chi2Fap: chiSquareSurvival(chi2, n - 1),
    mad: medianInPlace(dev),
    iqr: p75 - p25,
    vonNeumannEta: eta,
    stetsonJ: jNum / jDen,
    stetsonK,
    amplitude: (max - min) / 2,
    amplitudeRobust: (p95 - p5) / 2,
  };
}
