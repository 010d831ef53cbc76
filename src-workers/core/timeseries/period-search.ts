/**
 * Period searches with a best period, its uncertainty and a false-alarm probability: Lomb–Scargle with
 * Baluev's analytic FAP, and Box Least Squares with a permutation (bootstrap) FAP. Also phase folding.
 */
import { InputError } from '../errors.js';
import { createRng } from '../random/rng.js';
import { falseAlarmBaluev } from './baluev.js';
import { boxLeastSquares, type BlsOptions } from './bls.js';
import { checkSeries, lombScarglePower } from './lomb-scargle.js';

/** Period range and grid density shared by the searches. */
export interface PeriodRange {
  /** Shortest trial period (days) [0.05, or twice the shortest duration for BLS]. */
  minPeriod?: number;
  /** Longest trial period (days) [half the baseline]. */
  maxPeriod?: number;
  /** Frequency samples per 1/baseline [10]. */
  samplesPerPeak?: number;
}

/** Best Lomb–Scargle period. */
export interface LombScargleSearchResult {
  bestPeriod: number;
  bestFrequency: number;
  /** Standard-normalised power of the peak, in [0, 1]. */
  power: number;
  /** Baluev (2008) false-alarm probability of the peak over the searched band. */
  fap: number;
  /**
   * 1σ period uncertainty from the least-squares frequency error σ_f = √(6/N)·σ_res/(π·T·A)
   * (Montgomery & O'Donoghue 1999, eq. 2), σ_P = σ_f/f².
   */
  periodErr: number;
  /** Semi-amplitude of the best-fit sinusoid (units of the values). */
  amplitude: number;
  frequencyCount: number;
}

function baselineOf(times: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < times.length; i++) {
    lo = Math.min(lo, times[i]);
    hi = Math.max(hi, times[i]);
  }
  return [lo, hi - lo];
}

function resolveRange(times: ArrayLike<number>, range: PeriodRange, floor: number): [number, number, number] {
  const [, baseline] = baselineOf(times);
  if (!(baseline > 0)) throw new InputError('TS_BASELINE', 'all times are equal: no period can be searched');
  const minPeriod = range.minPeriod ?? Math.max(0.05, floor);
  const maxPeriod = range.maxPeriod ?? baseline / 2;
  const spp = range.samplesPerPeak ?? 10;
  if (!(minPeriod > 0 && maxPeriod > minPeriod && Number.isFinite(maxPeriod))) {
    throw new InputError('BAD_PARAMETER', `need 0 < minPeriod < maxPeriod, got ${minPeriod} and ${maxPeriod}`);
  }
  if (!(spp >= 1 && spp <= 1000)) throw new InputError('BAD_PARAMETER', `'samplesPerPeak' must be in [1, 1000]`);
  return [minPeriod, maxPeriod, 1 / (spp * baseline)];
}

/** Weighted least-squares y = c + a·cos(2πft) + b·sin(2πft); returns [semi-amplitude, residual rms]. */
function sinusoidFit(
  t: ArrayLike<number>,
  y: ArrayLike<number>,
  e: ArrayLike<number> | undefined,
  f: number,
): [number, number] {
  const n = t.length;
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const v = [0, 0, 0];
  const t0 = t[0];
  for (let i = 0; i < n; i++) {
    const w = e ? 1 / (e[i] * e[i]) : 1;
    const x = [1, Math.cos(2 * Math.PI * f * (t[i] - t0)), Math.sin(2 * Math.PI * f * (t[i] - t0))];
    for (let r = 0; r < 3; r++) {
      v[r] += w * x[r] * y[i];
      for (let c = 0; c < 3; c++) m[3 * r + c] += w * x[r] * x[c];
    }
  }
  // Cramer's rule on the 3×3 normal equations.
  const det = (a: number[]): number =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d = det(m);
  const coef = [0, 1, 2].map((k) => {
    const mk = m.slice();
    for (let r = 0; r < 3; r++) mk[3 * r + k] = v[r];
    return det(mk) / d;
  });
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const ph = 2 * Math.PI * f * (t[i] - t0);
    ss += (y[i] - coef[0] - coef[1] * Math.cos(ph) - coef[2] * Math.sin(ph)) ** 2;
  }
  return [Math.hypot(coef[1], coef[2]), Math.sqrt(ss / n)];
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best] || !(a[best] === a[best])) best = i;
  return best;
}

/**
 * Lomb–Scargle period search on a uniform frequency grid from 1/maxPeriod to 1/minPeriod, step
 * 1/(samplesPerPeak·baseline), with the peak refined on a 100× finer grid around the best coarse sample.
 */
export function lombScargleSearch(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  errors: ArrayLike<number> | undefined,
  range: PeriodRange = {},
): LombScargleSearchResult {
  checkSeries(times, values, errors);
  const [minPeriod, maxPeriod, df] = resolveRange(times, range, 0);
  const fMin = 1 / maxPeriod;
  const fMax = 1 / minPeriod;
  const count = Math.floor((fMax - fMin) / df) + 1;
  const coarse = lombScarglePower(times, values, errors, { minFrequency: fMin, stepFrequency: df, count });
  const k = argmax(coarse);
  const fineStep = df / 100;
  const fineStart = Math.max(fMin, fMin + (k - 1) * df);
  const fine = lombScarglePower(times, values, errors, {
    minFrequency: fineStart,
    stepFrequency: fineStep,
    count: 201,
  });
  const j = argmax(fine);
  const f = fine[j] >= coarse[k] ? fineStart + j * fineStep : fMin + k * df;
  const power = Math.max(fine[j], coarse[k]);
  const [amplitude, rms] = sinusoidFit(times, values, errors, f);
  const [, baseline] = baselineOf(times);
  const n = times.length;
  const sigmaF = (Math.sqrt(6 / n) * rms) / (Math.PI * baseline * amplitude);
  return {
    bestPeriod: 1 / f,
    bestFrequency: f,
    power,
    fap: falseAlarmBaluev(power, fMax, times, errors),
    periodErr: sigmaF / (f * f),
    amplitude,
    frequencyCount: count,
  };
}

/** Options of {@link blsSearch}. */
export interface BlsSearchOptions extends PeriodRange, BlsOptions {
  /** Trial durations (days) [0.04, 0.06, 0.09, 0.13, 0.2 d, those shorter than minPeriod/2]. */
  durations?: number[];
  /** Permutations for the bootstrap FAP [0: no FAP]. */
  bootstrap?: number;
  /** Seed of the permutations [1]. */
  seed?: number;
}

/** Best BLS transit. */
export interface BlsSearchResult {
  bestPeriod: number;
  /** Half width at half maximum of the periodogram peak, converted to period (days). */
  periodErr: number;
  power: number;
  /** Fractional depth (units of the values; > 0 for a dip). */
  depth: number;
  /** 1σ depth error; without input errors, the unit-weight error scaled by the sample σ of the values. */
  depthErr: number;
  depthSnr: number;
  duration: number;
  /** A mid-transit epoch (time scale of the input). */
  t0: number;
  /** Signal detection efficiency (peak − mean)/σ of the periodogram (Kovács et al. 2002). */
  sde: number;
  /**
   * Fraction of value permutations (times kept) whose highest peak reaches this one, (k + 1)/(B + 1);
   * null when `bootstrap` is 0.
   */
  fap: number | null;
  periodCount: number;
}

/**
 * BLS transit search on a grid uniform in frequency (step 1/(samplesPerPeak·baseline)·(shortest duration / period)
 * keeps the phase drift over the baseline below a duration/samplesPerPeak).
 */
export function blsSearch(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  errors: ArrayLike<number> | undefined,
  options: BlsSearchOptions = {},
): BlsSearchResult {
  checkSeries(times, values, errors);
  const durations = options.durations ?? [0.04, 0.06, 0.09, 0.13, 0.2];
  const minDur = Math.min(...durations);
  const maxDur = Math.max(...durations);
  const [minPeriod, maxPeriod] = resolveRange(times, options, 2 * maxDur);
  const [, baseline] = baselineOf(times);
  const spp = options.samplesPerPeak ?? 10;
  const periods: number[] = [];
  const dfBase = minDur / (spp * baseline);
  for (let f = 1 / maxPeriod; f <= 1 / minPeriod;) {
    periods.push(1 / f);
    f += dfBase * f; // Δf ∝ f keeps the epoch drift Δf·P·T fixed in units of the duration
    if (periods.length > 2e7) throw new InputError('BAD_PARAMETER', 'period grid too large (> 2e7 periods)');
  }
  const r = boxLeastSquares(times, values, errors, periods, durations, options);
  const k = argmax(r.power);
  let mean = 0;
  let m = 0;
  for (const p of r.power) {
    if (p !== p) continue; // no dimming box at that period
    mean += p;
    m++;
  }
  mean /= m;
  let ss = 0;
  for (const p of r.power) if (p === p) ss += (p - mean) ** 2;
  const sde = (r.power[k] - mean) / Math.sqrt(ss / m);
  // Half width at half maximum above the mean level, walking out from the peak.
  const half = mean + 0.5 * (r.power[k] - mean);
  let lo = k;
  while (lo > 0 && r.power[lo - 1] > half) lo--;
  let hi = k;
  while (hi < periods.length - 1 && r.power[hi + 1] > half) hi++;
  const periodErr = Math.max(
    Math.abs(periods[lo] - periods[hi]) / 2,
    Math.abs(periods[Math.min(k + 1, periods.length - 1)] - periods[k]) / 2,
  );
  let fap: number | null = null;
  const b = options.bootstrap ?? 0;
  if (!(Number.isInteger(b) && b >= 0 && b <= 10000))
    throw new InputError('BAD_PARAMETER', `'bootstrap' must be an integer in [0, 10000], got ${b}`);
  if (b > 0) {
    const rng = createRng(options.seed ?? 1);
    const n = times.length;
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const v = new Float64Array(n);
    const e = errors ? new Float64Array(n) : undefined;
    let exceed = 0;
    for (let s = 0; s < b; s++) {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      for (let i = 0; i < n; i++) {
        v[i] = values[idx[i]];
        if (e && errors) e[i] = errors[idx[i]];
      }
      const q = boxLeastSquares(times, v, e, periods, durations, options).power;
      let peak = -Infinity;
      for (const p of q) if (p > peak) peak = p;
      if (peak >= r.power[k]) exceed++;
    }
    fap = (exceed + 1) / (b + 1);
  }
  // Without errors the weights are 1 (astropy's convention); scale the depth error by the sample σ instead.
  let noise = 1;
  if (!errors) {
    const n = values.length;
    let mv = 0;
    for (let i = 0; i < n; i++) mv += values[i] / n;
    let sv = 0;
    for (let i = 0; i < n; i++) sv += (values[i] - mv) ** 2;
    noise = Math.sqrt(sv / (n - 1));
  }
  return {
    bestPeriod: periods[k],
    periodErr,
    power: r.power[k],
    depth: r.depth[k],
    depthErr: r.depthErr[k] * noise,
    depthSnr: r.depthSnr[k] / noise,
    duration: r.duration[k],
    t0: r.transitTime[k],
    sde,
    fap,
    periodCount: periods.length,
  };
}

/**
 * Phase of each time for `period` and epoch `t0`, in [−0.5, 0.5) (0 at the epoch, e.g. mid-transit).
 */
export function foldPhase(times: ArrayLike<number>, period: number, t0 = 0): Float64Array {
  if (!(period > 0 && Number.isFinite(period))) {
    throw new InputError('BAD_PARAMETER', `'period' must be a positive finite number, got ${period}`);
  }
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const x = (times[i] - t0) / period;
    out[i] = x - Math.floor(x + 0.5);
  }
  return out;
}
