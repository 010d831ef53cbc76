/**
 * Many pixels → ICRS for TAN (optionally with SIP) in one loop without allocations or per-point trig
 * set-up, for catalogs and benchmarks of 10⁶ points.
 *
 * - TAN's native direction of intermediate coordinates (x, y) in radians is parallel to (−y, x, 1)
 *   (Paper II §5.1.3: φ = arg(−y, x), tan θ = 1/R). It is not normalised: every angle below is an atan2 of
 *   two components, which does not depend on the vector's length.
 * - The native → celestial rotation (Paper II eq. 2), the header frame → ICRS rotation, the degree →
 *   radian factor and the (−y, x, 1) mapping fold into one 3×3 matrix applied to (u', v', 1), where
 *   (u', v') are the SIP-corrected pixel offsets.
 * - That matrix is further turned so the tangent point lies on +x (a rotation by −α_c about z), so
 *   α − α_c = atan2(v_y, v_x) is small over the image; likewise δ − δ_c = atan2(·,·) after turning the
 *   (ρ, v_z) plane by δ_c. Small angles (|t| ≤ 0.1) are evaluated by their Taylor series to t¹⁵ (truncation
 *   < 1e-17 relative, below double rounding); larger ones, as near the pole, use Math.atan2. Both are
 *   accurate to rounding, so the batch equals the per-point path to ≈ 1e-13°.
 * - SIP polynomials of order 2–4 use unrolled code (the common orders); higher orders a Horner loop.
 *
 * - Where WebAssembly SIMD is available the loop runs two points per instruction (batch-tan-simd.ts, the
 *   same operations in the same order); the points outside its small-angle range come back to this loop.
 *
 * Frames whose change to ICRS is not a rotation (FK4 with E-terms), TPV, TNX, DSS and other projections take the
 * general path (`CelestialWcs.pixelToSky` per point).
 */
import type { FrameConverter } from './frames.js';
import type { WcsModel } from './header.js';
import { nativeToCelestial, type SphericalRotation } from './sphere.js';
import { tanSimdBatch } from './batch-tan-simd.js';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;
const TWO_PI = 2 * Math.PI;
/** Largest |t| for the series below: t¹⁶/17 < 2e-18 there. */
const SMALL = 0.1;

/** The folded constants of one TAN(-SIP) model (see the file comment): shared by the JS and SIMD loops. */
export interface TanBatchPlan {
  /** CRPIX − 1: the 0-based reference pixel. */
  c1: number;
  c2: number;
  /** Rows of the folded matrix: v_x' = xU·u + xV·v + xW, likewise v_y', v_z. */
  xU: number;
  xV: number;
  xW: number;
  yU: number;
  yV: number;
  yW: number;
  zU: number;
  zV: number;
  zW: number;
  /** The tangent point's ICRS longitude and latitude (rad) and cos/sin of the latitude. */
  alphaC: number;
  deltaC: number;
  cd: number;
  sd: number;
  sip?: { order: number; a: number[][]; b: number[][] };
}

/** The JS loop over points [start, end) of a plan. */
export type BatchRange = (
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  ra: Float64Array,
  dec: Float64Array,
  start: number,
  end: number,
) => void;

/** A batch evaluator: writes ICRS degrees of the 0-based pixels into `ra`, `dec`. */
export type BatchPixelsToSky = (
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  ra: Float64Array,
  dec: Float64Array,
) => void;

/** A 3-vector. */
export type Vec3 = [number, number, number];

function unit(lonDeg: number, latDeg: number): Vec3 {
  const c = Math.cos(latDeg * D2R);
  return [c * Math.cos(lonDeg * D2R), c * Math.sin(lonDeg * D2R), Math.sin(latDeg * D2R)];
}

/**
 * atan(t) for |t| ≤ SMALL: t·(1 − t²/3 + t⁴/5 − …), the Maclaurin series truncated where the next term is
 * below double precision: to t⁷ for |t| ≤ 0.01 (t⁸/9 < 1.2e-17, the whole field of most images), else to t¹⁵.
 */
function atanSmall(t: number): number {
  const z = t * t;
  if (z <= 1e-4) return t * (1 + z * (-1 / 3 + z * (1 / 5 + z * (-1 / 7))));
  return (
    t * (1 + z * (-1 / 3 + z * (1 / 5 + z * (-1 / 7 + z * (1 / 9 + z * (-1 / 11 + z * (1 / 13 + z * (-1 / 15))))))))
  );
}

/** Flat SIP coefficients c[p·(order+1) + q] of u^p v^q. */
function flat(c: number[][], order: number): Float64Array {
  const out = new Float64Array((order + 1) * (order + 1));
  for (let p = 0; p <= order; p++) for (let q = 0; q <= order - p; q++) out[p * (order + 1) + q] = c[p]?.[q] ?? 0;
  return out;
}

/** A SIP polynomial Σ c[p][q] u^p v^q as a function of (u, v). */
export type Poly = (u: number, v: number) => number;

/** Σ c[p][q] u^p v^q, unrolled for total orders 2, 3 and 4 (the common ones), else a Horner loop. */
export function makePoly(c: number[][], order: number): Poly {
  const k = (p: number, q: number): number => c[p]?.[q] ?? 0;
  const [c00, c01, c02, c10, c11, c20] = [k(0, 0), k(0, 1), k(0, 2), k(1, 0), k(1, 1), k(2, 0)];
  if (order <= 2) return (u, v) => c00 + v * (c01 + v * c02) + u * (c10 + v * c11 + u * c20);
  const [c03, c12, c21, c30] = [k(0, 3), k(1, 2), k(2, 1), k(3, 0)];
  if (order === 3)
    return (u, v) =>
      c00 + v * (c01 + v * (c02 + v * c03)) + u * (c10 + v * (c11 + v * c12) + u * (c20 + v * c21 + u * c30));
  const [c04, c13, c22, c31, c40] = [k(0, 4), k(1, 3), k(2, 2), k(3, 1), k(4, 0)];
  if (order === 4)
    return (u, v) =>
      c00 +
      v * (c01 + v * (c02 + v * (c03 + v * c04))) +
      u * (c10 + v * (c11 + v * (c12 + v * c13)) + u * (c20 + v * (c21 + v * c22) + u * (c30 + v * c31 + u * c40)));
  const n1 = order + 1;
  const f = flat(c, order);
  return (u, v) => {
    let s = 0;
    for (let p = order; p >= 0; p--) {
      let r = 0;
      const base = p * n1;
      for (let q = order - p; q >= 0; q--) r = r * v + f[base + q];
      s = s * u + r;
    }
    return s;
  };
}

/**
 * The ICRS unit vectors of the native x, y and z axes of a TAN(-SIP) model (the columns of its native →
 * ICRS rotation), or undefined when the model needs the general path (another projection, PV terms, TPV,
 * TNX, DSS, or FK4, whose change to ICRS is not a rotation).
 */
export function tanIcrsAxes(
  model: WcsModel,
  rotation: SphericalRotation,
  converter: FrameConverter,
): [Vec3, Vec3, Vec3] | undefined {
  if (model.projection !== 'TAN' || model.tpv || model.iraf || model.dss || model.frame.system === 'FK4')
    return undefined;
  if (model.pv.some((v) => v !== undefined && v !== 0)) return undefined;
  const axis = (phi: number, theta: number): Vec3 => {
    const [a, d] = nativeToCelestial(rotation, phi, theta);
    const [ra, dec] = converter.toIcrs(a, d);
    return unit(ra, dec);
  };
  return [axis(0, 0), axis(90, 0), axis(0, 90)];
}

/** The batch evaluator for a TAN(-SIP) model, or undefined when the model needs the general path. */
export function makeTanBatch(
  model: WcsModel,
  rotation: SphericalRotation,
  converter: FrameConverter,
): BatchPixelsToSky | undefined {
  // Columns: the ICRS directions of the native x, y and z axes.
  const cols = tanIcrsAxes(model, rotation, converter);
  if (!cols) return undefined;
  // The tangent point (native pole) in ICRS, and the turn that brings it to +x.
  const [tx, ty, tz] = cols[2];
  const alphaC = Math.atan2(ty, tx);
  const deltaC = Math.atan2(tz, Math.hypot(tx, ty));
  const ca = Math.cos(alphaC);
  const sa = Math.sin(alphaC);
  const cd = Math.cos(deltaC);
  const sd = Math.sin(deltaC);
  // N = Rz(−α_c)·[cols]: rows give v_x', v_y', v_z of a native direction.
  const row = (f: (c: [number, number, number]) => number): [number, number, number] => [
    f(cols[0]),
    f(cols[1]),
    f(cols[2]),
  ];
  const rx = row((c) => ca * c[0] + sa * c[1]);
  const ry = row((c) => -sa * c[0] + ca * c[1]);
  const rz = row((c) => c[2]);
  // Native direction ∝ (−y, x, 1) with (x, y) the intermediate coordinates in radians; with the linear
  // matrix L (degrees per pixel) and the axis order: (x, y) = D2R·L·(u, v) (swapped for latitude first).
  const [[l00, l01], [l10, l11]] = model.matrix;
  const swap = model.lonIndex === 1;
  const xu = (swap ? l10 : l00) * D2R;
  const xv = (swap ? l11 : l01) * D2R;
  const yu = (swap ? l00 : l10) * D2R;
  const yv = (swap ? l01 : l11) * D2R;
  // v = r·(−y, x, 1) = r·(−(yu u + yv v), xu u + xv v, 1) = (u·U + v·V + W) per row.
  const fold = (r: [number, number, number]): [number, number, number] => [
    -r[0] * yu + r[1] * xu,
    -r[0] * yv + r[1] * xv,
    r[2],
  ];
  const [xU, xV, xW] = fold(rx);
  const [yU, yV, yW] = fold(ry);
  const [zU, zV, zW] = fold(rz);
  const plan: TanBatchPlan = {
    c1: model.crpix[0] - 1,
    c2: model.crpix[1] - 1,
    xU,
    xV,
    xW,
    yU,
    yV,
    yW,
    zU,
    zV,
    zW,
    alphaC,
    deltaC,
    cd,
    sd,
    sip: model.sip,
  };
  const js = tanBatchRange(plan);
  const simd = tanSimdBatch(plan, js);
  return simd ?? ((xs, ys, ra, dec) => js(xs, ys, ra, dec, 0, xs.length));
}

/** The scalar loop of a plan (also the SIMD path's fallback for the points outside its range). */
export function tanBatchRange(plan: TanBatchPlan): BatchRange {
  const { c1, c2, xU, xV, xW, yU, yV, yW, zU, zV, zW, alphaC, deltaC, cd, sd, sip } = plan;
  const sipA = sip ? makePoly(sip.a, sip.order) : undefined;
  const sipB = sip ? makePoly(sip.b, sip.order) : undefined;
  return (xs, ys, ra, dec, start, end) => {
    for (let i = start; i < end; i++) {
      let u = xs[i] - c1;
      let v = ys[i] - c2;
      if (sipA && sipB) {
        const du = sipA(u, v);
        v += sipB(u, v);
        u += du;
      }
      const vx = xU * u + xV * v + xW;
      const vy = yU * u + yV * v + yW;
      const vz = zU * u + zV * v + zW;
      // α = α_c + atan2(v_y', v_x').
      let a: number;
      if (vx > 0 && Math.abs(vy) <= SMALL * vx) a = alphaC + atanSmall(vy / vx);
      else a = alphaC + Math.atan2(vy, vx);
      if (a < 0) a += TWO_PI;
      else if (a >= TWO_PI) a -= TWO_PI;
      ra[i] = a * R2D;
      // δ = δ_c + atan2(v_z cos δ_c − ρ sin δ_c, ρ cos δ_c + v_z sin δ_c), ρ = |(v_x', v_y')|.
      const rho = Math.sqrt(vx * vx + vy * vy);
      const p = rho * cd + vz * sd;
      const q = vz * cd - rho * sd;
      dec[i] = (p > 0 && Math.abs(q) <= SMALL * p ? deltaC + atanSmall(q / p) : Math.atan2(vz, rho)) * R2D;
    }
  };
}
