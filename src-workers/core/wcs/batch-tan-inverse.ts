/**
 * Many ICRS positions → 0-based pixels for TAN (optionally with SIP) in one allocation-free loop: the
 * inverse of batch-tan.ts, for `CelestialWcs.skyToPixels` on catalogs of 10⁶ stars.
 *
 * - The ICRS unit vector v of (α, δ) turned into the native frame is n = (a·v, b·v, c·v), with a, b, c the ICRS
 *   directions of the native x, y, z axes (`tanIcrsAxes`). TAN's intermediate coordinates are then
 *   x = n_y/n_z, y = −n_x/n_z (radians; Paper II §5.1.3, the inverse of the forward (−y, x, 1)), defined on the
 *   near hemisphere n_z > 0 (else NaN, as the per-point path). The linear inverse (CD⁻¹, the axis order,
 *   degrees) folds into two rows, so the distorted pixel offsets are (U, V) = (p·v, q·v)/(c·v).
 * - SIP: the pixel offsets (u, v) with u + A(u, v) = U, v + B(u, v) = V, by Newton's method from AP/BP's
 *   estimate (from (U, V) without them) to 1e-12 px, as the per-point `sipInverse`; A, B, AP, BP and the four
 *   partial derivatives (polynomials themselves) are evaluated by batch-tan.ts's unrolled forms.
 *
 * The same frames and projections as the forward batch take this path; the others stay per point.
 */
import type { FrameConverter } from './frames.js';
import type { WcsModel } from './header.js';
import { makePoly, tanIcrsAxes, type Vec3 } from './batch-tan.js';
import type { SipDistortion } from './sip.js';
import type { SphericalRotation } from './sphere.js';

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;
/** Newton stops when the step is below this (pixels), as `sipInverse`. */
const STEP_PX = 1e-12;
const MAX_ITER = 50;

/** A batch inverse: writes the 0-based pixels of ICRS degrees into `x`, `y`. */
export type BatchSkyToPixels = (
  ras: ArrayLike<number>,
  decs: ArrayLike<number>,
  x: Float64Array,
  y: Float64Array,
) => void;

/** ∂/∂u (`du`) or ∂/∂v of Σ c[p][q] u^p v^q, as coefficients of the same layout (one order lower). */
function derivative(c: number[][], order: number, du: boolean): number[][] {
  const out: number[][] = [];
  for (let p = 0; p <= order; p++) {
    out.push([]);
    for (let q = 0; q <= order - p; q++)
      out[p].push(du ? (p + 1) * (c[p + 1]?.[q] ?? 0) : (q + 1) * (c[p]?.[q + 1] ?? 0));
  }
  return out;
}

/** The SIP inverse of one distorted offset (U, V) into out[0], out[1]. */
function makeSipInverse(sip: SipDistortion): (U: number, V: number, out: Float64Array) => void {
  const n = sip.order;
  const A = makePoly(sip.a, n);
  const B = makePoly(sip.b, n);
  const Au = makePoly(derivative(sip.a, n, true), n);
  const Av = makePoly(derivative(sip.a, n, false), n);
  const Bu = makePoly(derivative(sip.b, n, true), n);
  const Bv = makePoly(derivative(sip.b, n, false), n);
  const io = sip.inverseOrder;
  const AP = sip.ap && io !== undefined ? makePoly(sip.ap, io) : undefined;
  const BP = sip.bp && io !== undefined ? makePoly(sip.bp, io) : undefined;
  return (U, V, out) => {
    let u = U;
    let v = V;
    if (AP && BP) {
      u = U + AP(U, V);
      v = V + BP(U, V);
    }
    for (let iter = 0; iter < MAX_ITER; iter++) {
      // f = u + A − U, g = v + B − V; Jacobian [[1 + A_u, A_v], [B_u, 1 + B_v]].
      const f = u + A(u, v) - U;
      const g = v + B(u, v) - V;
      const j11 = 1 + Au(u, v);
      const j12 = Av(u, v);
      const j21 = Bu(u, v);
      const j22 = 1 + Bv(u, v);
      const det = j11 * j22 - j12 * j21;
      if (det === 0 || !Number.isFinite(det)) break;
      const du = (j22 * f - j12 * g) / det;
      const dv = (-j21 * f + j11 * g) / det;
      u -= du;
      v -= dv;
      if (Math.abs(du) < STEP_PX && Math.abs(dv) < STEP_PX) break;
    }
    out[0] = u;
    out[1] = v;
  };
}

/** The batch inverse of a TAN(-SIP) model, or undefined when the model needs the general path. */
export function makeTanInverseBatch(
  model: WcsModel,
  rotation: SphericalRotation,
  converter: FrameConverter,
): BatchSkyToPixels | undefined {
  const axes = tanIcrsAxes(model, rotation, converter);
  if (!axes) return undefined;
  const [ax, ay, az] = axes;
  const [[l00, l01], [l10, l11]] = model.matrix;
  const det = l00 * l11 - l01 * l10;
  // CD⁻¹ (pixels per degree), and the coefficients of the longitude (ix) and latitude (iy) intermediate
  // coordinates in U and V (the rows of CD⁻¹ in the header's axis order).
  const i00 = l11 / det;
  const i01 = -l01 / det;
  const i10 = -l10 / det;
  const i11 = l00 / det;
  const lon0 = model.lonIndex === 0;
  const [uX, uY] = lon0 ? [i00, i01] : [i01, i00];
  const [vX, vY] = lon0 ? [i10, i11] : [i11, i10];
  // U·n_z = R2D·(uX·n_y − uY·n_x), so U = (P·v)/(C·v) with P = R2D·(uX·ay − uY·ax); likewise V.
  const row = (cx: number, cy: number): Vec3 => [
    R2D * (cx * ay[0] - cy * ax[0]),
    R2D * (cx * ay[1] - cy * ax[1]),
    R2D * (cx * ay[2] - cy * ax[2]),
  ];
  const [p0, p1, p2] = row(uX, uY);
  const [q0, q1, q2] = row(vX, vY);
  const [c0, c1, c2] = az;
  const x0 = model.crpix[0] - 1;
  const y0 = model.crpix[1] - 1;
  const inverse = model.sip ? makeSipInverse(model.sip) : undefined;
  const uv = new Float64Array(2);
  return (ras, decs, x, y) => {
    const n = ras.length;
    for (let i = 0; i < n; i++) {
      const a = ras[i] * D2R;
      const d = decs[i] * D2R;
      const cd = Math.cos(d);
      const vx = cd * Math.cos(a);
      const vy = cd * Math.sin(a);
      const vz = Math.sin(d);
      const nz = c0 * vx + c1 * vy + c2 * vz;
      if (!(nz > 0)) {
        x[i] = Number.NaN;
        y[i] = Number.NaN;
        continue;
      }
      const U = (p0 * vx + p1 * vy + p2 * vz) / nz;
      const V = (q0 * vx + q1 * vy + q2 * vz) / nz;
      if (inverse) {
        inverse(U, V, uv);
        x[i] = uv[0] + x0;
        y[i] = uv[1] + y0;
      } else {
        x[i] = U + x0;
        y[i] = V + y0;
      }
    }
  };
}
