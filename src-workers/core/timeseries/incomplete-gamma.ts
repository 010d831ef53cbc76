/**
 * Regularised incomplete gamma functions, for χ² tail probabilities (Numerical Recipes 3rd ed., §6.2:
 * series for x < a + 1, Lentz continued fraction otherwise).
 */
import { logGamma } from './baluev.js';

const EPS = 1e-16;
const MAX_ITER = 100000;

/** Lower regularised incomplete gamma P(a, x) by its power series (converges fast for x < a + 1). */
function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Upper regularised incomplete gamma Q(a, x) by its continued fraction (x ≥ a + 1). */
function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/**
 * Upper regularised incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), for a > 0, x ≥ 0 (NaN otherwise).
 * Accurate to ~1e-14 relative where Q is not vanishingly small.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/**
 * Survival function of the χ² distribution, Pr(X ≥ chi2) for `dof` degrees of freedom (scipy.stats.chi2.sf):
 * the probability that a constant source with correctly estimated errors scatters at least this much.
 */
export function chiSquareSurvival(chi2: number, dof: number): number {
  return gammaQ(dof / 2, chi2 / 2);
}
