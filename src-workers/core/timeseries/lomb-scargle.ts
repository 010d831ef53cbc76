/**
 * Generalised Lomb–Scargle periodogram with a floating mean (Zechmeister & Kürster 2009, A&A 496, 577),
 * in astropy's `standard` normalisation with `fit_mean=True, center_data=True`: the power at each
 * frequency is 1 − χ²(f)/χ²₀, where χ²₀ is the weighted χ² about the weighted mean and χ²(f) the χ² of
 * the best sinusoid plus offset. Exact (no extirpolation), unlike astropy's approximate `fast` method.
 */
import { InputError } from '../errors.js';

/** A regular frequency grid f_k = minFrequency + k·stepFrequency, k = 0…count−1 (cycles per time unit). */
export interface FrequencyGrid {
  minFrequency: number;
  stepFrequency: number;
  count: number;
}

/**
 * Validates one time series: equal lengths, ≥ 4 points, finite times and values, positive finite errors.
 * `errors` may be omitted (all weights equal). Throws `InputError` naming the problem.
 */
export function checkSeries(times: ArrayLike<number>, values: ArrayLike<number>, errors?: ArrayLike<number>): void {
  const n = times.length;
  if (values.length !== n || (errors && errors.length !== n)) {
    throw new InputError(
      'TS_LENGTH',
      `times, values and errors must have the same length (${n}, ${values.length}, ${errors?.length ?? n})`,
    );
  }
  if (n < 4) throw new InputError('TS_TOO_SHORT', `a periodogram needs at least 4 points, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(times[i]) || !Number.isFinite(values[i])) {
      throw new InputError('TS_NOT_FINITE', `point ${i}: time and value must be finite numbers`);
    }
    if (errors && !(errors[i] > 0 && Number.isFinite(errors[i]))) {
      throw new InputError('TS_BAD_ERROR', `point ${i}: error must be a positive finite number, got ${errors[i]}`);
    }
  }
}

function checkGrid(grid: FrequencyGrid): void {
  const { minFrequency: f0, stepFrequency: df, count } = grid;
  if (!(Number.isFinite(f0) && f0 >= 0))
    throw new InputError('TS_GRID', `'minFrequency' must be a finite number ≥ 0, got ${f0}`);
  if (!(Number.isFinite(df) && df > 0))
    throw new InputError('TS_GRID', `'stepFrequency' must be a positive finite number, got ${df}`);
  if (!(Number.isInteger(count) && count >= 1 && count <= 1e8)) {
    throw new InputError('TS_GRID', `'count' must be an integer in [1, 1e8], got ${count}`);
  }
}

/** How often (in frequency steps) the trigonometric recurrence is re-seeded exactly, bounding its rounding drift. */
const RESEED_STEPS = 256;

/**
 * Computes the generalised Lomb–Scargle power on a regular frequency grid.
 *
 * Uses the angle-addition recurrence cos/sin(2π(f+df)t) from cos/sin(2πft), re-seeded every
 * 256 steps, so the cost per point and frequency is a few multiply-adds (no trig calls).
 * Times are shifted by their weighted mean first so that the recurrence angles stay small.
 *
 * @param times observation times (any unit; frequencies are in cycles per that unit)
 * @param values measured values (e.g. magnitudes)
 * @param errors 1σ uncertainties (weights 1/σ²) [equal weights]
 * @param grid the frequency grid
 * @returns power per frequency in [0, 1] (`standard` normalisation); 0 where the design is degenerate
 */
export function lombScarglePower(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  errors: ArrayLike<number> | undefined,
  grid: FrequencyGrid,
): Float64Array {
  checkSeries(times, values, errors);
  checkGrid(grid);
  const n = times.length;
  const w = new Float64Array(n);
  let wSum = 0;
  for (let i = 0; i < n; i++) {
    w[i] = errors ? 1 / (errors[i] * errors[i]) : 1;
    wSum += w[i];
  }
  let tMean = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    w[i] /= wSum;
    tMean += w[i] * times[i];
    yMean += w[i] * values[i];
  }
  const t = new Float64Array(n);
  const y = new Float64Array(n);
  let yy = 0;
  for (let i = 0; i < n; i++) {
    t[i] = times[i] - tMean;
    y[i] = values[i] - yMean;
    yy += w[i] * y[i] * y[i];
  }
  const power = new Float64Array(grid.count);
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = values[i] === values[0];
  // A constant series has no periodic signal (tested exactly: the centred values may round to ±1e-16).
  if (constant || !(yy > 0)) return power;
  const cosA = new Float64Array(n);
  const sinA = new Float64Array(n);
  const cosD = new Float64Array(n);
  const sinD = new Float64Array(n);
  const twoPi = 2 * Math.PI;
  for (let i = 0; i < n; i++) {
    cosD[i] = Math.cos(twoPi * grid.stepFrequency * t[i]);
    sinD[i] = Math.sin(twoPi * grid.stepFrequency * t[i]);
  }
  for (let k = 0; k < grid.count; k++) {
    if (k % RESEED_STEPS === 0) {
      const f = grid.minFrequency + k * grid.stepFrequency;
      for (let i = 0; i < n; i++) {
        cosA[i] = Math.cos(twoPi * f * t[i]);
        sinA[i] = Math.sin(twoPi * f * t[i]);
      }
    }
    let c = 0;
    let s = 0;
    let yc = 0;
    let ys = 0;
    let cc = 0;
    let cs = 0;
    for (let i = 0; i < n; i++) {
      const co = cosA[i];
      const si = sinA[i];
      const wc = w[i] * co;
      const ws = w[i] * si;
      c += wc;
      s += ws;
      yc += wc * y[i];
      ys += ws * y[i];
      cc += wc * co;
      cs += wc * si;
      // Advance to the next frequency (angle addition).
      cosA[i] = co * cosD[i] - si * sinD[i];
      sinA[i] = si * cosD[i] + co * sinD[i];
    }
    const ss = 1 - cc; // Σw(cos² + sin²) = Σw = 1
    // Floating mean (ZK09 eq. 8–13): covariances about the weighted means; y is already centred.
    const ccH = cc - c * c;
    const ssH = ss - s * s;
    const csH = cs - c * s;
    const d = ccH * ssH - csH * csH;
    const p = d > 1e-15 ? (ssH * yc * yc + ccH * ys * ys - 2 * csH * yc * ys) / (yy * d) : 0;
    power[k] = p;
  }
  return power;
}
