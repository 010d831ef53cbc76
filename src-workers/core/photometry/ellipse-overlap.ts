/**
 * Exact area of overlap between an ellipse and a pixel, the elliptical counterpart of photutils'
 * `method='exact'`. The affine map that turns the ellipse into the unit circle turns the pixel square into
 * a parallelogram; the overlap of a circle centred at the origin with a convex polygon is the sum, over the
 * polygon's edges, of the signed overlaps with the triangles (origin, edge); the area scales back by a·b.
 */

/** Overlap area (px²) of the ellipse centred at the origin (semi-axes `aPx`, `bPx`, position angle
 * `thetaRad` counter-clockwise from +x) with the unit pixel centred at (`dx`, `dy`). */
export function ellipsePixelOverlap(dx: number, dy: number, aPx: number, bPx: number, thetaRad: number): number {
  const c = Math.cos(thetaRad);
  const s = Math.sin(thetaRad);
  // Corners counter-clockwise, mapped into the frame where the ellipse is the unit circle.
  const xs = [dx - 0.5, dx + 0.5, dx + 0.5, dx - 0.5];
  const ys = [dy - 0.5, dy - 0.5, dy + 0.5, dy + 0.5];
  const u = new Array<number>(4);
  const v = new Array<number>(4);
  for (let i = 0; i < 4; i++) {
    u[i] = (c * xs[i] + s * ys[i]) / aPx;
    v[i] = (-s * xs[i] + c * ys[i]) / bPx;
  }
  let area = 0;
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) & 3;
    area += circleTriangleArea(u[i], v[i], u[j], v[j]);
  }
  return Math.min(1, Math.abs(area) * aPx * bPx);
}

/** Signed area of the unit disc ∩ triangle (origin, A, B): positive when A→B turns counter-clockwise. */
export function circleTriangleArea(ax: number, ay: number, bx: number, by: number): number {
  const a2 = ax * ax + ay * ay;
  const b2 = bx * bx + by * by;
  if (a2 <= 1 && b2 <= 1) return 0.5 * (ax * by - ay * bx);
  const ddx = bx - ax;
  const ddy = by - ay;
  const qa = ddx * ddx + ddy * ddy;
  if (qa === 0) return 0;
  const qb = ax * ddx + ay * ddy;
  const qc = a2 - 1;
  const disc = qb * qb - qa * qc;
  if (a2 <= 1) {
    // A inside, B outside: the segment leaves the circle at t2.
    const t = (-qb + Math.sqrt(Math.max(0, disc))) / qa;
    const px = ax + t * ddx;
    const py = ay + t * ddy;
    return 0.5 * (ax * py - ay * px) + sector(px, py, bx, by);
  }
  if (b2 <= 1) {
    // A outside, B inside: the segment enters the circle at t1.
    const t = (-qb - Math.sqrt(Math.max(0, disc))) / qa;
    const px = ax + t * ddx;
    const py = ay + t * ddy;
    return sector(ax, ay, px, py) + 0.5 * (px * by - py * bx);
  }
  if (disc > 0) {
    const root = Math.sqrt(disc);
    const t1 = (-qb - root) / qa;
    const t2 = (-qb + root) / qa;
    if (t1 > 0 && t1 < 1 && t2 > 0 && t2 < 1) {
      const p1x = ax + t1 * ddx;
      const p1y = ay + t1 * ddy;
      const p2x = ax + t2 * ddx;
      const p2y = ay + t2 * ddy;
      return sector(ax, ay, p1x, p1y) + 0.5 * (p1x * p2y - p1y * p2x) + sector(p2x, p2y, bx, by);
    }
  }
  return sector(ax, ay, bx, by);
}

/** Signed area of the unit-circle sector between the directions of u and v (half the signed angle). */
function sector(ux: number, uy: number, vx: number, vy: number): number {
  return 0.5 * Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy);
}
