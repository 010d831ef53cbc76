/**
 * Cylindrical (CYP CEA CAR MER) and pseudocylindrical (SFL PAR MOL AIT) projections of Paper II
 * §5.2–5.3. φ0 = 0, θ0 = 0. Angles in degrees, R0 = 180/π.
 */
import { D2R, R2D, asind, atan2d, cosd, sind, tand } from '../angles.js';
import { ProjectionError, pv, type Projection, type ProjectionParams } from './projection.js';

const inRange = (phi: number, theta: number): [number, number] | null =>
  Math.abs(phi) <= 180 + 1e-10 && Math.abs(theta) <= 90 + 1e-10 ? [phi, theta] : null;

/** CAR, plate carrée: x = φ, y = θ. */
export function car(): Projection {
  return {
    code: 'CAR',
    phi0: 0,
    theta0: 0,
    toNative: (x, y) => inRange(x, y),
    fromNative: (phi, theta) => [phi, theta],
  };
}

/** MER, Mercator: y = R0 ln tan((90° + θ)/2). */
export function mer(): Projection {
  return {
    code: 'MER',
    phi0: 0,
    theta0: 0,
    toNative: (x, y) => inRange(x, 2 * Math.atan(Math.exp(y * D2R)) * R2D - 90),
    fromNative: (phi, theta) => (Math.abs(theta) < 90 ? [phi, R2D * Math.log(tand((90 + theta) / 2))] : null),
  };
}

/** CEA, cylindrical equal area [λ = PV2_1 = 1, 0 < λ ≤ 1]: y = R0 sin θ / λ. */
export function cea(params: ProjectionParams): Projection {
  const lambda = pv(params, 1, 1);
  if (!(lambda > 0 && lambda <= 1)) throw new ProjectionError(`CEA: PV 1 (λ) = ${lambda} must be in (0, 1]`);
  return {
    code: 'CEA',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const s = (lambda * y) / R2D;
      if (Math.abs(s) > 1 + 1e-12) return null;
      return inRange(x, asind(s));
    },
    fromNative: (phi, theta) => [phi, (R2D * sind(theta)) / lambda],
  };
}

/** CYP, cylindrical perspective [μ = PV2_1 = 1, λ = PV2_2 = 1]. */
export function cyp(params: ProjectionParams): Projection {
  const mu = pv(params, 1, 1);
  const lambda = pv(params, 2, 1);
  if (lambda === 0 || mu === -lambda)
    throw new ProjectionError(`CYP: PV 1 (μ) = ${mu}, PV 2 (λ) = ${lambda} are degenerate`);
  return {
    code: 'CYP',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const eta = y / (R2D * (mu + lambda));
      const t = (eta * mu) / Math.sqrt(eta * eta + 1);
      if (Math.abs(t) > 1 + 1e-12) return null;
      return inRange(x / lambda, atan2d(eta, 1) + asind(t));
    },
    fromNative(phi, theta) {
      const den = mu + cosd(theta);
      if (den === 0) return null;
      return [lambda * phi, (R2D * (mu + lambda) * sind(theta)) / den];
    },
  };
}

/** SFL, Sanson-Flamsteed: x = φ cos θ, y = θ. */
export function sfl(): Projection {
  return {
    code: 'SFL',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const c = cosd(y);
      if (c === 0) return x === 0 ? [0, y] : null;
      return inRange(x / c, y);
    },
    fromNative: (phi, theta) => [phi * cosd(theta), theta],
  };
}

/** PAR, parabolic: x = φ (2 cos(2θ/3) − 1), y = 180° sin(θ/3). */
export function par(): Projection {
  return {
    code: 'PAR',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const s = y / 180;
      if (Math.abs(s) > 1 + 1e-12) return null;
      const f = 1 - 4 * s * s;
      const theta = 3 * asind(Math.max(-1, Math.min(1, s)));
      if (f === 0) return x === 0 ? [0, theta] : null;
      return inRange(x / f, theta);
    },
    fromNative: (phi, theta) => [phi * (2 * cosd((2 * theta) / 3) - 1), 180 * sind(theta / 3)],
  };
}

/** MOL, Mollweide: x = (2√2/π) φ cos γ, y = √2 R0 sin γ with 2γ + sin 2γ = π sin θ (solved by Newton). */
export function mol(): Projection {
  const s2 = Math.SQRT2;
  return {
    code: 'MOL',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const s = y / (s2 * R2D);
      if (Math.abs(s) > 1 + 1e-12) return null;
      const g = Math.asin(Math.max(-1, Math.min(1, s)));
      const cg = Math.cos(g);
      const z = (2 * g + Math.sin(2 * g)) / Math.PI;
      if (Math.abs(z) > 1 + 1e-12) return null;
      const theta = asind(Math.max(-1, Math.min(1, z)));
      if (cg < 1e-15) return x === 0 ? [0, theta] : null;
      return inRange((Math.PI * x) / (2 * s2 * cg), theta);
    },
    fromNative(phi, theta) {
      const target = Math.PI * sind(theta);
      let g = theta * D2R;
      if (Math.abs(theta) >= 90) g = Math.sign(theta) * (Math.PI / 2);
      else
        for (let i = 0; i < 100; i++) {
          const f = 2 * g + Math.sin(2 * g) - target;
          const d = 2 + 2 * Math.cos(2 * g);
          if (d === 0) break;
          const step = f / d;
          g -= step;
          if (Math.abs(step) < 1e-15) break;
        }
      return [((2 * s2) / Math.PI) * phi * Math.cos(g), s2 * R2D * Math.sin(g)];
    },
  };
}

/** AIT, Hammer-Aitoff: x = 2 R0 γ cos θ sin(φ/2), y = R0 γ sin θ, γ = √(2/(1 + cos θ cos(φ/2))). */
export function ait(): Projection {
  return {
    code: 'AIT',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const X = x * D2R;
      const Y = y * D2R;
      const z2 = 1 - (X / 4) ** 2 - (Y / 2) ** 2;
      if (z2 < 0.5 - 1e-12) return null;
      const z = Math.sqrt(z2);
      return inRange(2 * atan2d((z * X) / 2, 2 * z2 - 1), asind(Y * z));
    },
    fromNative(phi, theta) {
      const ct = cosd(theta);
      const g = Math.sqrt(2 / (1 + ct * cosd(phi / 2)));
      return [2 * R2D * g * ct * sind(phi / 2), R2D * g * sind(theta)];
    },
  };
}
