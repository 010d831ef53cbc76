/**
 * Zenithal (azimuthal) projections of Paper II §5.1: AZP SZP TAN STG SIN ARC ZPN ZEA AIR.
 * All have φ0 = 0, θ0 = 90°; x = R sin φ, y = −R cos φ with R a function of θ (AZP and SZP are tilted).
 * Angles in degrees, R0 = 180/π.
 */
import { D2R, R2D, asind, atan2d, cosd, sind, tand } from '../angles.js';
import { ProjectionError, pv, type Projection, type ProjectionParams } from './projection.js';

/** A zenithal projection from R(θ) and its inverse θ(R) (R in degrees; null where undefined). */
function radial(
  code: string,
  rOf: (theta: number) => number | null,
  thetaOf: (r: number) => number | null,
): Projection {
  return {
    code,
    phi0: 0,
    theta0: 90,
    toNative(x, y) {
      const r = Math.hypot(x, y);
      const theta = thetaOf(r);
      if (theta === null || Number.isNaN(theta)) return null;
      return [r === 0 ? 0 : atan2d(x, -y), theta];
    },
    fromNative(phi, theta) {
      const r = rOf(theta);
      if (r === null || !Number.isFinite(r)) return null;
      return [r * sind(phi), -r * cosd(phi)];
    },
  };
}

/** TAN, gnomonic: R = R0 cot θ (defined for θ > 0). */
export function tan(): Projection {
  return radial(
    'TAN',
    (t) => (t > 0 ? (R2D * cosd(t)) / sind(t) : null),
    (r) => atan2d(R2D, r),
  );
}

/** STG, stereographic: R = 2 R0 tan((90° − θ)/2). */
export function stg(): Projection {
  return radial(
    'STG',
    (t) => (t > -90 ? 2 * R2D * tand((90 - t) / 2) : null),
    (r) => 90 - 2 * atan2d(r, 2 * R2D),
  );
}

/** ARC, zenithal equidistant: R = 90° − θ. */
export function arc(): Projection {
  return radial(
    'ARC',
    (t) => 90 - t,
    (r) => (r <= 180 + 1e-10 ? 90 - Math.min(r, 180) : null),
  );
}

/** ZEA, zenithal equal area: R = 2 R0 sin((90° − θ)/2). */
export function zea(): Projection {
  return radial(
    'ZEA',
    (t) => 2 * R2D * sind((90 - t) / 2),
    (r) => {
      const s = r / (2 * R2D);
      if (s > 1 + 1e-12) return null;
      return 90 - 2 * asind(Math.min(s, 1));
    },
  );
}

/** AIR, Airy [θb = PV2_1 = 90°]: minimum-error zenithal; the inverse is solved by bisection on ξ = (90° − θ)/2. */
export function air(params: ProjectionParams): Projection {
  const thetaB = pv(params, 1, 90);
  if (!(thetaB > -90 && thetaB <= 90)) throw new ProjectionError(`AIR: PV 1 (θb) = ${thetaB} must be in (-90, 90]`);
  const xiB = ((90 - thetaB) / 2) * D2R;
  // ln(cos ξb)/tan² ξb → −1/2 as ξb → 0.
  const cb = xiB < 1e-8 ? -0.5 : Math.log(Math.cos(xiB)) / Math.tan(xiB) ** 2;
  const rOfXi = (xi: number): number => {
    if (xi < 1e-8) return -2 * R2D * (-xi / 2 + cb * xi);
    return -2 * R2D * (Math.log(Math.cos(xi)) / Math.tan(xi) + cb * Math.tan(xi));
  };
  return radial(
    'AIR',
    (t) => (t > -90 ? rOfXi(((90 - t) / 2) * D2R) : null),
    (r) => {
      if (r === 0) return 90;
      // R(ξ) increases on (0, π/2); bracket then bisect to full double precision.
      let lo = 0;
      let hi = Math.PI / 4;
      while (rOfXi(hi) < r) {
        lo = hi;
        hi = (hi + Math.PI / 2) / 2;
        if (Math.PI / 2 - hi < 1e-15) return null;
      }
      for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
        const mid = (lo + hi) / 2;
        if (rOfXi(mid) < r) lo = mid;
        else hi = mid;
      }
      return 90 - 2 * ((lo + hi) / 2) * R2D;
    },
  );
}

/** Smaller root u = 1 − sin θ of (A u² − 2 B u + C = 0) shared by SIN and SZP; null when there is none. */
function smallRoot(a: number, b: number, c: number): number | null {
  const d = b * b - a * c;
  if (d < 0) {
    if (d < -1e-13) return null;
    return b / a;
  }
  const den = b + Math.sqrt(d);
  return den === 0 ? 0 : c / den;
}

/** SIN, orthographic/synthesis [ξ = PV2_1 = 0, η = PV2_2 = 0] (NCP is SIN with η = cot δ0). */
export function sin(params: ProjectionParams): Projection {
  const xi = pv(params, 1, 0);
  const eta = pv(params, 2, 0);
  return {
    code: 'SIN',
    phi0: 0,
    theta0: 90,
    toNative(x, y) {
      const X = x * D2R;
      const Y = y * D2R;
      const u = smallRoot(xi * xi + eta * eta + 1, X * xi + Y * eta + 1, X * X + Y * Y);
      if (u === null || u > 2 + 1e-12) return null;
      const sx = X - xi * u;
      const sy = Y - eta * u;
      const c = Math.hypot(sx, sy);
      return [c === 0 ? 0 : atan2d(sx, -sy), atan2d(1 - u, c)];
    },
    fromNative(phi, theta) {
      const ct = cosd(theta);
      const u = 1 - sind(theta);
      if (xi === 0 && eta === 0 && theta < 0) return null;
      return [R2D * (ct * sind(phi) + xi * u), -R2D * (ct * cosd(phi) - eta * u)];
    },
  };
}

/** SZP, slant zenithal perspective [μ = PV2_1 = 0, φc = PV2_2 = 0, θc = PV2_3 = 90°]. */
export function szp(params: ProjectionParams): Projection {
  const mu = pv(params, 1, 0);
  const phiC = pv(params, 2, 0);
  const thetaC = pv(params, 3, 90);
  const xp = -mu * cosd(thetaC) * sind(phiC);
  const yp = mu * cosd(thetaC) * cosd(phiC);
  const zp = mu * sind(thetaC) + 1;
  if (zp === 0) throw new ProjectionError('SZP: PV 1 and PV 3 put the source point on the projection plane');
  return {
    code: 'SZP',
    phi0: 0,
    theta0: 90,
    toNative(x, y) {
      const X = x * D2R;
      const Y = y * D2R;
      const x1 = (X - xp) / zp;
      const y1 = (Y - yp) / zp;
      const u = smallRoot(x1 * x1 + y1 * y1 + 1, X * x1 + Y * y1 + 1, X * X + Y * Y);
      if (u === null || u > 2 + 1e-12) return null;
      const sx = X - x1 * u;
      const sy = Y - y1 * u;
      const c = Math.hypot(sx, sy);
      return [c === 0 ? 0 : atan2d(sx, -sy), atan2d(1 - u, c)];
    },
    fromNative(phi, theta) {
      const u = 1 - sind(theta);
      const den = zp - u;
      if (den === 0) return null;
      const ct = cosd(theta);
      return [(R2D * (zp * ct * sind(phi) - xp * u)) / den, (-R2D * (zp * ct * cosd(phi) + yp * u)) / den];
    },
  };
}

/** AZP, zenithal perspective [μ = PV2_1 = 0, γ = PV2_2 = 0 (tilt, deg)]. */
export function azp(params: ProjectionParams): Projection {
  const mu = pv(params, 1, 0);
  const gamma = pv(params, 2, 0);
  if (mu === -1) throw new ProjectionError('AZP: PV 1 (μ) = -1 is degenerate');
  const cg = cosd(gamma);
  const sg = sind(gamma);
  if (cg === 0) throw new ProjectionError('AZP: PV 2 (γ) = ±90° is degenerate');
  const w0 = R2D * (mu + 1);
  return {
    code: 'AZP',
    phi0: 0,
    theta0: 90,
    toNative(x, y) {
      const yc = y * cg;
      const r = Math.hypot(x, yc);
      if (r === 0) return [0, 90];
      const phi = atan2d(x, -yc);
      const s = r / (w0 + y * sg);
      const t = (s * mu) / Math.sqrt(s * s + 1);
      const s2 = atan2d(1, s);
      if (Math.abs(t) > 1 + 1e-12) return null;
      const tt = asind(Math.max(-1, Math.min(1, t)));
      let a = s2 - tt;
      let b = s2 + tt + 180;
      if (a > 90) a -= 360;
      if (b > 90) b -= 360;
      return [phi, Math.max(a, b)];
    },
    fromNative(phi, theta) {
      const cp = cosd(phi);
      const ct = cosd(theta);
      const den = mu + sind(theta) + (ct * cp * sg) / cg;
      if (den === 0) return null;
      // The far side of the sphere for |μ| > 1 is not projected (Paper II eq. 21).
      if (Math.abs(mu) > 1 && sind(theta) < -1 / mu) return null;
      const r = (w0 * ct) / den;
      return [r * sind(phi), (-r * cp) / cg];
    },
  };
}

/** ZPN, zenithal polynomial: R = R0 Σ PV2_m (90° − θ)^m in radians, m = 0…20; inverse by regula falsi. */
export function zpn(params: ProjectionParams): Projection {
  const p: number[] = [];
  for (let m = 0; m <= 20; m++) p.push(pv(params, m, 0));
  let k = 20;
  while (k >= 0 && p[k] === 0) k--;
  if (k < 0) throw new ProjectionError('ZPN: all PV 0..20 are zero');
  const rOf = (zd: number): number => {
    let r = 0;
    for (let m = k; m >= 0; m--) r = r * zd + p[m];
    return r;
  };
  const dr = (zd: number): number => {
    let d = 0;
    for (let m = k; m >= 1; m--) d = d * zd + m * p[m];
    return d;
  };
  // The polynomial is used up to its first maximum (Paper II §5.1.7), as WCSLIB's zpnset does.
  let zdMax = Math.PI;
  if (k > 1) {
    let prev = dr(0);
    const steps = 1800;
    for (let i = 1; i <= steps; i++) {
      const z = (Math.PI * i) / steps;
      const d = dr(z);
      if (d <= 0 && prev > 0) {
        let lo = (Math.PI * (i - 1)) / steps;
        let hi = z;
        for (let j = 0; j < 100; j++) {
          const mid = (lo + hi) / 2;
          if (dr(mid) > 0) lo = mid;
          else hi = mid;
        }
        zdMax = lo;
        break;
      }
      prev = d;
    }
  }
  const rMax = rOf(zdMax);
  return radial(
    'ZPN',
    (t) => {
      const zd = (90 - t) * D2R;
      if (zd > zdMax + 1e-12) return null;
      return R2D * rOf(zd);
    },
    (rDeg) => {
      const r = rDeg * D2R;
      let zd: number;
      if (k === 1) zd = (r - p[0]) / p[1];
      else {
        if (r < p[0]) {
          if (r < p[0] - 1e-13) return null;
          zd = 0;
        } else if (r > rMax) {
          if (r > rMax + 1e-13) return null;
          zd = zdMax;
        } else {
          let lo = 0;
          let hi = zdMax;
          for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
            const mid = (lo + hi) / 2;
            if (rOf(mid) < r) lo = mid;
            else hi = mid;
          }
          zd = (lo + hi) / 2;
          // One Newton step polishes the bisection result.
          const d = dr(zd);
          if (d !== 0) zd -= (rOf(zd) - r) / d;
        }
      }
      if (zd < 0 || zd > Math.PI + 1e-12) return null;
      return 90 - zd * R2D;
    },
  );
}
