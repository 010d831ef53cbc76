/**
 * Least-squares transforms from point correspondences (ref → frame): similarity (4 parameters,
 * optionally mirrored) and full affine (6 parameters), solved in closed form.
 */
import type { Affine } from './transform.js';

/** Point pairs as parallel arrays: (xr[i], yr[i]) in the reference maps to (xf[i], yf[i]). */
export interface PointPairs {
  xr: ArrayLike<number>;
  yr: ArrayLike<number>;
  xf: ArrayLike<number>;
  yf: ArrayLike<number>;
  /** Number of pairs used (the first `count`, or those where `use[i]` is 1). */
  count: number;
  use?: Uint8Array;
}

/**
 * Best similarity x' = s·R·x + t in the least-squares sense (Umeyama 1991); with `mirrored`, the
 * reflected family (x' = s·R·diag(1,−1)·x + t). Returns null with fewer than 2 pairs.
 */
export function fitSimilarity(p: PointPairs, mirrored = false): Affine | null {
  const m = meansOf(p, mirrored ? -1 : 1);
  if (m.n < 2) return null;
  const { mxr, myr, mxf, myf } = m;
  let sxx = 0;
  let sxy = 0;
  let norm = 0;
  for (let i = 0; i < p.count; i++) {
    if (p.use && !p.use[i]) continue;
    const ux = p.xr[i] - mxr;
    const uy = (mirrored ? -p.yr[i] : p.yr[i]) - myr;
    const vx = p.xf[i] - mxf;
    const vy = p.yf[i] - myf;
    sxx += ux * vx + uy * vy; // s cos θ · Σ|u|²
    sxy += ux * vy - uy * vx; // s sin θ · Σ|u|²
    norm += ux * ux + uy * uy;
  }
  if (!(norm > 0)) return null;
  const sc = sxx / norm;
  const ss = sxy / norm;
  // x' = sc·x − ss·y' , y' = ss·x + sc·y', with y' = ±y_ref
  const sign = mirrored ? -1 : 1;
  const a = sc;
  const b = -ss * sign;
  const c = ss;
  const d = sc * sign;
  return { a, b, c, d, tx: mxf - (a * mxr + b * (sign * myr)), ty: myf - (c * mxr + d * (sign * myr)) };
}

/** Least-squares affine from ≥ 3 non-collinear pairs (normal equations, centred); null if degenerate. */
export function fitAffine(p: PointPairs): Affine | null {
  const m = meansOf(p, 1);
  if (m.n < 3) return null;
  const { mxr, myr, mxf, myf } = m;
  let suu = 0;
  let suv = 0;
  let svv = 0;
  let sux = 0;
  let svx = 0;
  let suy = 0;
  let svy = 0;
  for (let i = 0; i < p.count; i++) {
    if (p.use && !p.use[i]) continue;
    const u = p.xr[i] - mxr;
    const v = p.yr[i] - myr;
    const X = p.xf[i] - mxf;
    const Y = p.yf[i] - myf;
    suu += u * u;
    suv += u * v;
    svv += v * v;
    sux += u * X;
    svx += v * X;
    suy += u * Y;
    svy += v * Y;
  }
  const det = suu * svv - suv * suv;
  if (!(Math.abs(det) > 1e-9 * (suu * svv + 1e-30))) return null;
  const a = (sux * svv - svx * suv) / det;
  const b = (svx * suu - sux * suv) / det;
  const c = (suy * svv - svy * suv) / det;
  const d = (svy * suu - suy * suv) / det;
  return { a, b, c, d, tx: mxf - a * mxr - b * myr, ty: myf - c * mxr - d * myr };
}

/** Count and means of the used pairs; `ySign` −1 reflects the reference y (mirrored fits). */
function meansOf(p: PointPairs, ySign: 1 | -1): { n: number; mxr: number; myr: number; mxf: number; myf: number } {
  let n = 0;
  let mxr = 0;
  let myr = 0;
  let mxf = 0;
  let myf = 0;
  for (let i = 0; i < p.count; i++) {
    if (p.use && !p.use[i]) continue;
    mxr += p.xr[i];
    myr += ySign * p.yr[i];
    mxf += p.xf[i];
    myf += p.yf[i];
    n++;
  }
  return n ? { n, mxr: mxr / n, myr: myr / n, mxf: mxf / n, myf: myf / n } : { n, mxr, myr, mxf, myf };
}
