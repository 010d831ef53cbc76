/**
 * Singular isothermal ellipsoid plus external shear (Kormann, Schneider & Bartelmann 1994; deflection as in
 * Keeton 2001, "A catalog of mass models", §3 with core s = 0). Convergence on the intermediate axis:
 * κ = θ_E / (2 √(q x'² + y'²/q)), so θ_E is the Einstein radius of the equivalent circular lens. All
 * angles in arcsec.
 */
export interface SieShear {
  /** Lens centre. */
  x: number;
  y: number;
  /** Einstein radius (arcsec); 0 = no lensing. */
  thetaE: number;
  /** Mass axis ratio b/a, (0, 1]. */
  q: number;
  /** Major-axis angle from +x toward +y (rad). */
  angle: number;
  /** External shear strength γ and angle φ_γ (rad). */
  gamma: number;
  gammaAngle: number;
}

/** Returns `trace(x, y, out)` writing the source-plane position β = θ − α(θ) into `out[0..1]`. */
export function sieTracer(lens: SieShear): (x: number, y: number, out: Float64Array) => void {
  const c = Math.cos(lens.angle);
  const s = Math.sin(lens.angle);
  const q = Math.min(lens.q, 0.99999);
  const sq = Math.sqrt(1 - q * q);
  // With ψ = √(q²u² + v²): α_u = θ_E√q/√(1−q²)·atan(√(1−q²)u/ψ), α_v = …·atanh(√(1−q²)v/ψ).
  const scale = (lens.thetaE * Math.sqrt(q)) / sq;
  const g1 = lens.gamma * Math.cos(2 * lens.gammaAngle);
  const g2 = lens.gamma * Math.sin(2 * lens.gammaAngle);
  return (x, y, out) => {
    const dx = x - lens.x;
    const dy = y - lens.y;
    let ax = g1 * dx + g2 * dy;
    let ay = g2 * dx - g1 * dy;
    if (lens.thetaE > 0) {
      const u = dx * c + dy * s;
      const v = -dx * s + dy * c;
      const psi = Math.sqrt(q * q * u * u + v * v);
      if (psi > 0) {
        const au = scale * Math.atan((sq * u) / psi);
        const av = scale * Math.atanh((sq * v) / psi);
        ax += au * c - av * s;
        ay += au * s + av * c;
      }
    }
    out[0] = x - ax;
    out[1] = y - ay;
  };
}
