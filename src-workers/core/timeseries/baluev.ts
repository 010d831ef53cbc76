/**
 * False-alarm probability of the highest Lomb–Scargle peak by Baluev's (2008, MNRAS 385, 1279, eq. 6 and
 * Table 1) alias-free upper bound, for the `standard` normalisation with a floating mean (dH = 1, dK = 3),
 * as astropy's `LombScargle.false_alarm_probability(method='baluev')`.
 */
import { InputError } from '../errors.js';

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ≲ 1e-15). */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const tt = x + g + 0.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(tt) - tt + Math.log(a);
}

/**
 * Baluev (2008) false-alarm probability of a peak of `standard` power `z` found by searching frequencies
 * up to `maxFrequency`.
 *
 * @param z peak power in [0, 1]
 * @param maxFrequency highest searched frequency (cycles per unit of `times`)
 * @param times observation times
 * @param errors 1σ uncertainties (weights 1/σ²) [equal weights]
 * @returns probability in [0, 1] that noise alone gives a peak this high
 */
export function falseAlarmBaluev(
  z: number,
  maxFrequency: number,
  times: ArrayLike<number>,
  errors?: ArrayLike<number>,
): number {
  const n = times.length;
  if (n < 4) throw new InputError('TS_TOO_SHORT', `a false-alarm probability needs at least 4 points, got ${n}`);
  if (!(maxFrequency > 0 && Number.isFinite(maxFrequency))) {
    throw new InputError('TS_GRID', `'maxFrequency' must be a positive finite number, got ${maxFrequency}`);
  }
  if (!(z >= 0)) return 1;
  if (z >= 1) return 0;
  let wSum = 0;
  let t1 = 0;
  let t2 = 0;
  for (let i = 0; i < n; i++) {
    const w = errors ? 1 / (errors[i] * errors[i]) : 1;
    wSum += w;
    t1 += w * times[i];
    t2 += w * times[i] * times[i];
  }
  const dt = t2 / wSum - (t1 / wSum) ** 2; // weighted variance of the times
  const nH = n - 1;
  const nK = n - 3;
  const gammaFactor = Math.sqrt(2 / nH) * Math.exp(logGamma(nH / 2) - logGamma((nH - 1) / 2));
  const w = maxFrequency * Math.sqrt(4 * Math.PI * dt); // effective number of independent frequencies
  const tau = gammaFactor * w * (1 - z) ** (0.5 * (nK - 1)) * Math.sqrt(0.5 * nH * z);
  const fapSingle = (1 - z) ** (0.5 * nK);
  // 1 − (1 − fapSingle)·e^−τ, written to keep precision when both terms are small (as astropy does).
  return Math.min(1, -Math.expm1(-tau) + fapSingle * Math.exp(-tau));
}
