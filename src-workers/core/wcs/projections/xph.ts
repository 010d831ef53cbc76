/**
 * XPH, the HEALPix polar ("butterfly") projection (Calabretta & Lowe 2013, "Mapping on the HEALPix grid:
 * polar projections", PASA 30, e050; WCSLIB's XPH). φ0 = 0, θ0 = 90: the north pole is at the origin.
 *
 * Each quadrant of native longitude (φ mod 360° from 90°q, q = 0…3) is the HPX (H = 4, K = 3) strip of
 * that quadrant — north polar facet, equatorial facet, south polar facet — turned by 45°, scaled by 1/√2
 * and rotated by (q − 1)·90° about the pole. In the strip, with ψ = (φ mod 360°) − 90°q ∈ [0°, 90°):
 * equatorial (|sin θ| ≤ 2/3) χ = ψ, ϖ = 67.5° sin θ; polar χ = 45° + (ψ − 45°)σ, ϖ = ±45°(2 − σ),
 * σ = √(3(1 − |sin θ|)) = √6 sin((90° − |θ|)/2) (the half-angle form keeps precision at the pole). Then
 * for q = 1, (x, y) = ((90° − ϖ) − (χ − 45°), (90° − ϖ) + (χ − 45°))/√2. Degrees throughout.
 */
import { asind, sind } from '../angles.js';
import type { Projection } from './projection.js';

const SQRT2 = Math.SQRT2;
const SQRT6 = Math.sqrt(6);
const TOL = 1e-12;

/** XPH (no PV parameters). */
export function xph(): Projection {
  return {
    code: 'XPH',
    phi0: 0,
    theta0: 90,
    toNative(x, y) {
      // Rotate the point into quadrant 1 (x ≥ 0, y ≥ 0), remembering the quadrant.
      let q: number;
      let X: number;
      let Y: number;
      if (x >= 0 && y >= 0) [q, X, Y] = [1, x, y];
      else if (x < 0 && y >= 0) [q, X, Y] = [2, y, -x];
      else if (x < 0) [q, X, Y] = [3, -x, -y];
      else [q, X, Y] = [0, -y, x];
      const varpi = 90 - (X + Y) / SQRT2;
      const chi = (Y - X) / SQRT2 + 45;
      let psi: number;
      let theta: number;
      if (Math.abs(varpi) <= 45) {
        if (chi < -TOL || chi > 90 + TOL) return null;
        psi = chi;
        theta = asind(varpi / 67.5);
      } else {
        const sigma = 2 - Math.abs(varpi) / 45;
        if (sigma < -TOL) return null;
        const s = Math.max(0, sigma);
        if (Math.abs(chi - 45) > 45 * s + 1e-10) return null;
        psi = s > 0 ? 45 + (chi - 45) / s : 45;
        theta = Math.sign(varpi) * (90 - 2 * asind(s / SQRT6));
      }
      const phi = 90 * q + psi;
      return [phi > 180 ? phi - 360 : phi, theta];
    },
    fromNative(phi, theta) {
      let p = ((phi % 360) + 360) % 360;
      if (p >= 360) p = 0;
      const q = Math.min(3, Math.floor(p / 90));
      const psi = p - 90 * q;
      const st = sind(theta);
      let chi: number;
      let varpi: number;
      if (Math.abs(st) <= 2 / 3) {
        chi = psi;
        varpi = 67.5 * st;
      } else {
        const sigma = SQRT6 * sind((90 - Math.abs(theta)) / 2);
        chi = 45 + (psi - 45) * sigma;
        varpi = (theta > 0 ? 45 : -45) * (2 - sigma);
      }
      const r = 90 - varpi;
      const c = chi - 45;
      let X = (r - c) / SQRT2;
      let Y = (r + c) / SQRT2;
      // Rotate by (q − 1)·90° about the pole.
      for (let k = (q + 3) % 4; k > 0; k--) [X, Y] = [-Y, X];
      return [X, Y];
    },
  };
}
