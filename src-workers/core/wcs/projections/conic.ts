/**
 * Conic projections of Paper II §5.4 (COP COE COD COO) and the polyconics of §5.5 (BON PCO).
 * Conics take θa = PV2_1 (required) and η = PV2_2 [0]; φ0 = 0, θ0 = θa. Angles in degrees, R0 = 180/π.
 */
import { D2R, R2D, asind, atan2d, cosd, sind, tand } from '../angles.js';
import { sfl } from './cylindrical.js';
import { ProjectionError, pv, type Projection, type ProjectionParams } from './projection.js';

/** Generic conic from C, Y0 and R(θ) with inverse θ(R); x = Rθ sin(Cφ), y = Y0 − Rθ cos(Cφ). */
function conic(
  code: string,
  thetaA: number,
  c: number,
  y0: number,
  rOf: (theta: number) => number | null,
  thetaOf: (r: number) => number | null,
): Projection {
  return {
    code,
    phi0: 0,
    theta0: thetaA,
    toNative(x, y) {
      const dy = y0 - y;
      let r = Math.hypot(x, dy);
      if (thetaA < 0) r = -r;
      const alpha = r === 0 ? 0 : atan2d(x / r, dy / r);
      const phi = alpha / c;
      const theta = thetaOf(r);
      if (theta === null || Number.isNaN(theta) || Math.abs(phi) > 180 + 1e-10) return null;
      return [phi, theta];
    },
    fromNative(phi, theta) {
      const r = rOf(theta);
      if (r === null || !Number.isFinite(r)) return null;
      const a = c * phi;
      return [r * sind(a), y0 - r * cosd(a)];
    },
  };
}

function conicParams(code: string, params: ProjectionParams): { thetaA: number; eta: number } {
  const thetaA = params[1];
  if (thetaA === undefined) throw new ProjectionError(`${code}: PV 1 (θa) is required`);
  const eta = pv(params, 2, 0);
  if (!(Math.abs(thetaA) < 90) || thetaA === 0)
    throw new ProjectionError(`${code}: PV 1 (θa) = ${thetaA} must be in (-90, 90) and non-zero`);
  if (!(Math.abs(eta) < 90)) throw new ProjectionError(`${code}: PV 2 (η) = ${eta} must be in (-90, 90)`);
  return { thetaA, eta };
}

/** COP, conic perspective: Rθ = R0 cos η (cot θa − tan(θ − θa)). */
export function cop(params: ProjectionParams): Projection {
  const { thetaA, eta } = conicParams('COP', params);
  const ce = cosd(eta);
  const cot = 1 / tand(thetaA);
  const y0 = R2D * ce * cot;
  return conic(
    'COP',
    thetaA,
    sind(thetaA),
    y0,
    (t) => {
      if (cosd(t - thetaA) <= 0) return null;
      return R2D * ce * (cot - tand(t - thetaA));
    },
    (r) => thetaA + atan2d(cot - r / (R2D * ce), 1),
  );
}

/** COE, conic equal area: Rθ = (R0/C) √(1 + sin θ1 sin θ2 − 2C sin θ), C = (sin θ1 + sin θ2)/2. */
export function coe(params: ProjectionParams): Projection {
  const { thetaA, eta } = conicParams('COE', params);
  const s1 = sind(thetaA - eta);
  const s2 = sind(thetaA + eta);
  const gamma = s1 + s2;
  const c = gamma / 2;
  const k = 1 + s1 * s2;
  const rOf = (t: number): number => (R2D / c) * Math.sqrt(Math.max(0, k - gamma * sind(t)));
  return conic('COE', thetaA, c, rOf(thetaA), rOf, (r) => {
    const w = r / (R2D / c);
    const s = (k - w * w) / gamma;
    if (Math.abs(s) > 1 + 1e-12) return null;
    return asind(Math.max(-1, Math.min(1, s)));
  });
}

/** COD, conic equidistant: Rθ = θa − θ + η cot η cot θa (degrees), C = sin θa sin η / η. */
export function cod(params: ProjectionParams): Projection {
  const { thetaA, eta } = conicParams('COD', params);
  const etaR = eta * D2R;
  const c = eta === 0 ? sind(thetaA) : (sind(thetaA) * Math.sin(etaR)) / etaR;
  const y0 = eta === 0 ? R2D / tand(thetaA) : (eta * (cosd(eta) / sind(eta))) / tand(thetaA);
  return conic(
    'COD',
    thetaA,
    c,
    y0,
    (t) => thetaA - t + y0,
    (r) => thetaA + y0 - r,
  );
}

/** COO, conic orthomorphic: Rθ = ψ tan^C((90° − θ)/2). */
export function coo(params: ProjectionParams): Projection {
  const { thetaA, eta } = conicParams('COO', params);
  const t1 = thetaA - eta;
  const t2 = thetaA + eta;
  const tn = (t: number): number => tand((90 - t) / 2);
  const c = eta === 0 ? sind(t1) : Math.log(cosd(t2) / cosd(t1)) / Math.log(tn(t2) / tn(t1));
  if (c === 0) throw new ProjectionError('COO: PV 1, PV 2 give C = 0');
  const psi = (R2D * cosd(t1)) / (c * tn(t1) ** c);
  return conic(
    'COO',
    thetaA,
    c,
    psi * tn(thetaA) ** c,
    (t) => (t === -90 && c > 0 ? null : psi * tn(t) ** c),
    (r) => {
      if (r === 0) return c > 0 ? 90 : null;
      const q = r / psi;
      if (q < 0) return null;
      return 90 - 2 * atan2d(q ** (1 / c), 1);
    },
  );
}

/** BON, Bonne [θ1 = PV2_1, required]: Rθ = Y0 − θ, A = φ cos θ / Rθ (SFL when θ1 = 0). */
export function bon(params: ProjectionParams): Projection {
  const theta1 = params[1];
  if (theta1 === undefined) throw new ProjectionError('BON: PV 1 (θ1) is required');
  if (!(Math.abs(theta1) <= 90)) throw new ProjectionError(`BON: PV 1 (θ1) = ${theta1} must be in [-90, 90]`);
  if (theta1 === 0) return { ...sfl(), code: 'BON' };
  const y0 = R2D / tand(theta1) + theta1;
  return {
    code: 'BON',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const dy = y0 - y;
      let r = Math.hypot(x, dy);
      if (theta1 < 0) r = -r;
      const theta = y0 - r;
      const ct = cosd(theta);
      const a = r === 0 ? 0 : Math.atan2(x / r, dy / r);
      let phi: number;
      if (ct === 0) phi = 0;
      else phi = (a * r) / ct;
      if (Math.abs(phi) > 180 + 1e-10 || Math.abs(theta) > 90 + 1e-10) return null;
      return [phi, theta];
    },
    fromNative(phi, theta) {
      const r = y0 - theta;
      const a = r === 0 ? 0 : (phi * cosd(theta)) / r;
      return [r * Math.sin(a), y0 - r * Math.cos(a)];
    },
  };
}

/** PCO, polyconic: x = R0 cot θ sin E, y = R0 (θ + cot θ (1 − cos E)), E = φ sin θ; inverse by bisection on θ. */
export function pco(): Projection {
  return {
    code: 'PCO',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const X = x * D2R;
      const Y = y * D2R;
      if (Math.abs(Y) < 1e-15) return Math.abs(x) <= 180 + 1e-10 ? [x, 0] : null;
      const s = Math.sign(Y);
      if (Math.abs(Math.abs(Y) - Math.PI / 2) < 1e-13 && Math.abs(X) < 1e-13) return [0, s * 90];
      // f(θ) = X² tan θ + (Y − θ)² tan θ − 2 (Y − θ) has its root between 0 and Y (sign of Y).
      const f = (t: number): number => {
        const tt = Math.tan(t);
        return (X * X + (Y - t) ** 2) * tt - 2 * (Y - t);
      };
      let lo = 0;
      let hi = s * Math.min(Math.abs(Y), Math.PI / 2);
      let flo = -s * Infinity;
      const fhi = f(hi);
      if (Math.sign(fhi) === Math.sign(flo) && fhi !== 0) return null;
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if (mid === lo || mid === hi) break;
        const fm = f(mid);
        if (Math.sign(fm) === Math.sign(flo)) {
          lo = mid;
          flo = fm;
        } else hi = mid;
      }
      const theta = (lo + hi) / 2;
      const tt = Math.tan(theta);
      const e = Math.atan2(X * tt, 1 - (Y - theta) * tt);
      const phi = (e / Math.sin(theta)) * R2D;
      if (Math.abs(phi) > 180 + 1e-10) return null;
      return [phi, theta * R2D];
    },
    fromNative(phi, theta) {
      if (theta === 0) return [phi, 0];
      if (Math.abs(theta) === 90) return [0, theta];
      const st = sind(theta);
      const cot = cosd(theta) / st;
      const e = phi * D2R * st;
      return [R2D * cot * Math.sin(e), R2D * (theta * D2R + cot * (1 - Math.cos(e)))];
    },
  };
}
