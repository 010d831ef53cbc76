/**
 * Sérsic (1963) surface-brightness profiles, I(R) = I_e · exp(−b_n [(R/R_e)^{1/n} − 1]), with the
 * elliptical radius on the intermediate axis, R² = q·x'² + y'²/q (so R_e is the geometric-mean
 * half-light radius and the total flux does not depend on q).
 */

/** b_n such that R_e encloses half the light (Ciotti & Bertin 1999 asymptotic series; < 1e-6 for n ≥ 0.36). */
export function sersicB(n: number): number {
  return (
    2 * n -
    1 / 3 +
    4 / (405 * n) +
    46 / (25515 * n * n) +
    131 / (1148175 * n * n * n) -
    2194697 / (30690717750 * n * n * n * n)
  );
}

/** Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ≈ 1e-15). */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}

/** I_e of a Sérsic profile of total flux `flux` (same unit per arcsec² when R_e is in arcsec). */
export function sersicIe(flux: number, reff: number, n: number): number {
  const b = sersicB(n);
  return flux / (2 * Math.PI * n * reff * reff * Math.exp(b) * Math.pow(b, -2 * n) * gamma(2 * n));
}

/** An elliptical Sérsic light profile. */
export interface SersicProfile {
  /** Centre (arcsec). */
  x: number;
  y: number;
  /** Total flux (e⁻/s). */
  flux: number;
  /** Half-light radius on the intermediate axis (arcsec). */
  reff: number;
  n: number;
  /** Axis ratio b/a, (0, 1]. */
  q: number;
  /** Major-axis position angle from +x toward +y (rad). */
  angle: number;
}

/** Returns a fast evaluator of the profile's surface brightness (flux per arcsec²) at (x, y). */
export function sersicEvaluator(p: SersicProfile): (x: number, y: number) => number {
  const ie = sersicIe(p.flux, p.reff, p.n);
  const b = sersicB(p.n);
  const invN = 1 / p.n;
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  const qa = p.q / (p.reff * p.reff);
  const qb = 1 / (p.q * p.reff * p.reff);
  // (R/R_e)^{1/n} = (R²/R_e²)^{1/(2n)}; for de Vaucouleurs (n = 4) three square roots beat pow.
  const root =
    p.n === 4 ? (r2: number) => Math.sqrt(Math.sqrt(Math.sqrt(r2))) : (r2: number) => Math.pow(r2, 0.5 * invN);
  return (x, y) => {
    const dx = x - p.x;
    const dy = y - p.y;
    const u = dx * c + dy * s;
    const v = -dx * s + dy * c;
    return ie * Math.exp(-b * (root(qa * u * u + qb * v * v) - 1));
  };
}
