/**
 * Quad-cube projections of Paper II §5.6: TSC (tangential spherical cube) and QSC (quadrilateralized
 * spherical cube, equal area). φ0 = 0, θ0 = 0; six faces laid out as WCSLIB does (faces 1–4 along the
 * equator at x0 = 0, 90°, 180°, 270°, face 0 above face 1, face 5 below). Angles in degrees.
 */
import { R2D, asind, atan2d, cosd, sind } from '../angles.js';
import type { Projection } from './projection.js';

/** Face centre offsets in units of 45° (Paper II Table 10, WCSLIB layout). */
const X0 = [0, 0, 2, 4, 6, 0];
const Y0 = [2, 0, 0, 0, 0, -2];

/** Face number and face coordinates (ξ, η, ζ) of a direction (l, m, n) (Paper II Table 10). */
function toFace(l: number, m: number, n: number): [number, number, number, number] {
  let face = 0;
  let best = n;
  if (l > best) {
    face = 1;
    best = l;
  }
  if (m > best) {
    face = 2;
    best = m;
  }
  if (-l > best) {
    face = 3;
    best = -l;
  }
  if (-m > best) {
    face = 4;
    best = -m;
  }
  if (-n > best) face = 5;
  switch (face) {
    case 0:
      return [0, m, -l, n];
    case 1:
      return [1, m, n, l];
    case 2:
      return [2, -l, n, m];
    case 3:
      return [3, -m, n, -l];
    case 4:
      return [4, l, n, -m];
    default:
      return [5, m, l, -n];
  }
}

/** Direction (l, m, n) of face coordinates (ξ, η, ζ) on `face` (inverse of `toFace`). */
function fromFace(face: number, xi: number, eta: number, zeta: number): [number, number, number] {
  switch (face) {
    case 0:
      return [-eta, xi, zeta];
    case 1:
      return [zeta, xi, eta];
    case 2:
      return [-xi, zeta, eta];
    case 3:
      return [-zeta, -xi, eta];
    case 4:
      return [xi, -zeta, eta];
    default:
      return [eta, xi, -zeta];
  }
}

/** Face and in-face coordinates (each in [-1, 1]) of (x, y) in degrees, or null off the cube's net. */
function locate(x: number, y: number): [number, number, number] | null {
  let xf = x / 45;
  let yf = y / 45;
  const tol = 1e-12;
  if (xf > 7 + tol || xf < -1 - tol) {
    xf = ((((xf + 1) % 8) + 8) % 8) - 1;
  }
  let face = 1;
  if (xf > 1 + tol) {
    if (xf > 5 + tol) {
      face = 4;
      xf -= 6;
    } else if (xf > 3 + tol) {
      face = 3;
      xf -= 4;
    } else {
      face = 2;
      xf -= 2;
    }
  }
  if (yf > 1 + tol) {
    if (face !== 1) return null;
    face = 0;
    yf -= 2;
  } else if (yf < -1 - tol) {
    if (face !== 1) return null;
    face = 5;
    yf += 2;
  }
  if (Math.abs(xf) > 1 + tol || Math.abs(yf) > 1 + tol) return null;
  return [face, Math.max(-1, Math.min(1, xf)), Math.max(-1, Math.min(1, yf))];
}

function direction(phi: number, theta: number): [number, number, number] {
  const ct = cosd(theta);
  return [ct * cosd(phi), ct * sind(phi), sind(theta)];
}

function native(l: number, m: number, n: number): [number, number] {
  return [l === 0 && m === 0 ? 0 : atan2d(m, l), atan2d(n, Math.hypot(l, m))];
}

/** TSC: gnomonic projection of each face, x = 45°(ξ/ζ + x0). */
export function tsc(): Projection {
  return {
    code: 'TSC',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const f = locate(x, y);
      if (!f) return null;
      const [face, xf, yf] = f;
      const zeta = 1 / Math.sqrt(1 + xf * xf + yf * yf);
      return native(...fromFace(face, xf * zeta, yf * zeta, zeta));
    },
    fromNative(phi, theta) {
      const [face, xi, eta, zeta] = toFace(...direction(phi, theta));
      return [45 * (xi / zeta + X0[face]), 45 * (eta / zeta + Y0[face])];
    },
  };
}

/** QSC: the equal-area quadrilateralized spherical cube (Chan & O'Neill 1975; Paper II eqs. 184–189). */
export function qsc(): Projection {
  const s2inv = Math.SQRT1_2;
  return {
    code: 'QSC',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const f = locate(x, y);
      if (!f) return null;
      const [face, xf, yf] = f;
      const direct = Math.abs(xf) > Math.abs(yf);
      const a = direct ? xf : yf;
      const b = direct ? yf : xf;
      if (a === 0) return native(...fromFace(face, 0, 0, 1));
      const w = (15 * b) / a;
      const omega = sind(w) / (cosd(w) - s2inv);
      const tau = 1 + omega * omega;
      let zeco = a * a * (1 - 1 / Math.sqrt(1 + tau));
      if (zeco > 2) zeco = 2;
      const zeta = 1 - zeco;
      const s = Math.sqrt((zeco * (2 - zeco)) / tau) * Math.sign(a);
      const xi = direct ? s : s * omega;
      const eta = direct ? s * omega : s;
      return native(...fromFace(face, xi, eta, zeta));
    },
    fromNative(phi, theta) {
      const [face, xi, eta, zeta] = toFace(...direction(phi, theta));
      // 1 − ζ without cancellation near the face centre.
      const zc = (xi * xi + eta * eta) / (1 + zeta);
      let xf = 0;
      let yf = 0;
      if (xi !== 0 || eta !== 0) {
        const direct = Math.abs(xi) >= Math.abs(eta);
        const a = direct ? xi : eta;
        const b = direct ? eta : xi;
        const omega = b / a;
        const tau = 1 + omega * omega;
        const p = Math.sign(a) * Math.sqrt(zc / (1 - 1 / Math.sqrt(1 + tau)));
        const q = (p / 15) * (Math.atan(omega) * R2D - asind(omega / Math.sqrt(tau + tau)));
        if (direct) {
          xf = p;
          yf = q;
        } else {
          yf = p;
          xf = q;
        }
      }
      return [45 * (xf + X0[face]), 45 * (yf + Y0[face])];
    },
  };
}

/** CSC forward face polynomial (Chan & O'Neill 1975; Paper II eq. 182 and its coefficients). */
function cscForward(chi: number, psi: number): number {
  const gstar = 1.37484847732;
  const mm = 0.004869491981;
  const gamma = -0.13161671474;
  const omega1 = -0.159596235474;
  const d0 = 0.0759196200467;
  const d1 = -0.0217762490699;
  const c00 = 0.141189631152;
  const c10 = 0.0809701286525;
  const c01 = -0.281528535557;
  const c11 = 0.15384112876;
  const c20 = -0.178251207466;
  const c02 = 0.106959469314;
  const x2 = chi * chi;
  const y2 = psi * psi;
  const cPoly = c00 + c10 * x2 + c01 * y2 + c11 * x2 * y2 + c20 * x2 * x2 + c02 * y2 * y2;
  return (
    chi * gstar +
    chi * x2 * (1 - gstar) +
    chi * y2 * (1 - x2) * (gamma + (mm - gamma) * x2 + (1 - y2) * cPoly) +
    chi * x2 * (1 - x2) * (omega1 - (1 - x2) * (d0 + d1 * x2))
  );
}

/** CSC inverse face polynomial P_ij (Paper II eq. 183 and Table 11); an approximation, as in WCSLIB. */
const CSC_P: number[][] = [
  // P[j][i] multiplies X^{2i} Y^{2j}.
  [-0.27292696, -0.07629969, -0.22797056, 0.54852384, -0.62930065, 0.25795794, 0.02584375],
  [-0.02819452, -0.01471565, 0.48051509, -1.74114454, 1.71547508, -0.53022337],
  [0.2705816, -0.56800938, 0.30803317, 0.98938102, -0.83180469],
  [-0.6044156, 1.50880086, -0.93678576, 0.08693841],
  [0.93412077, -1.4160192, 0.33887446],
  [-0.63915306, 0.52032238],
  [0.14381585],
];

function cscInverse(x: number, y: number): number {
  const x2 = x * x;
  const y2 = y * y;
  let s = 0;
  let yj = 1;
  for (let j = 0; j < CSC_P.length; j++) {
    let xi = 1;
    for (let i = 0; i < CSC_P[j].length; i++) {
      s += CSC_P[j][i] * xi * yj;
      xi *= x2;
    }
    yj *= y2;
  }
  return x + x * (1 - x2) * s;
}

/** CSC: the COBE quadrilateralized spherical cube, polynomial approximation to equal area. */
export function csc(): Projection {
  return {
    code: 'CSC',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      const f = locate(x, y);
      if (!f) return null;
      const [face, xf, yf] = f;
      const chi = cscInverse(xf, yf);
      const psi = cscInverse(yf, xf);
      const zeta = 1 / Math.sqrt(1 + chi * chi + psi * psi);
      return native(...fromFace(face, chi * zeta, psi * zeta, zeta));
    },
    fromNative(phi, theta) {
      const [face, xi, eta, zeta] = toFace(...direction(phi, theta));
      const chi = xi / zeta;
      const psi = eta / zeta;
      return [45 * (cscForward(chi, psi) + X0[face]), 45 * (cscForward(psi, chi) + Y0[face])];
    },
  };
}
