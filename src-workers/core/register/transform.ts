/**
 * 2-D affine transforms between pixel frames (0-based pixel centres). `Affine` maps reference-frame
 * coordinates to another frame's: x = a·x_ref + b·y_ref + tx, y = c·x_ref + d·y_ref + ty — the
 * convention of `owb register`'s transforms.json and of the bench truth (`light_truth.csv`).
 */

export interface Affine {
  a: number;
  b: number;
  tx: number;
  c: number;
  d: number;
  ty: number;
}

/** The identity transform. */
export const IDENTITY: Affine = Object.freeze({ a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 });

/** Applies `t` to (x, y). */
export function applyAffine(t: Affine, x: number, y: number): [number, number] {
  return [t.a * x + t.b * y + t.tx, t.c * x + t.d * y + t.ty];
}

/** The inverse transform; throws RangeError for a singular matrix. */
export function invertAffine(t: Affine): Affine {
  const det = t.a * t.d - t.b * t.c;
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('transform is singular');
  const a = t.d / det;
  const b = -t.b / det;
  const c = -t.c / det;
  const d = t.a / det;
  return { a, b, c, d, tx: -(a * t.tx + b * t.ty), ty: -(c * t.tx + d * t.ty) };
}

/** `second ∘ first`: apply `first`, then `second`. */
export function composeAffine(second: Affine, first: Affine): Affine {
  return {
    a: second.a * first.a + second.b * first.c,
    b: second.a * first.b + second.b * first.d,
    tx: second.a * first.tx + second.b * first.ty + second.tx,
    c: second.c * first.a + second.d * first.c,
    d: second.c * first.b + second.d * first.d,
    ty: second.c * first.tx + second.d * first.ty + second.ty,
  };
}

/** Human-facing parameters of a transform. */
export interface AffineSummary {
  /** Translation of the origin, px (= tx, ty). */
  dx: number;
  dy: number;
  /** Rotation, degrees counter-clockwise (from the mean of the two column angles; flips included as-is). */
  rotationDeg: number;
  /** Mean linear scale sqrt(|det|). */
  scale: number;
  /** True when the transform mirrors the image (det < 0). */
  flipped: boolean;
}

/** dx, dy, rotation and scale derived from `t`. */
export function summariseAffine(t: Affine): AffineSummary {
  const det = t.a * t.d - t.b * t.c;
  const flipped = det < 0;
  // For a similarity [[s cos, -s sin], [s sin, s cos]] this is exactly θ.
  const rotationDeg = (Math.atan2(t.c - (flipped ? -t.b : t.b), t.a + (flipped ? -t.d : t.d)) * 180) / Math.PI;
  return { dx: t.tx, dy: t.ty, rotationDeg, scale: Math.sqrt(Math.abs(det)), flipped };
}

/** RMS distance between where two transforms send a grid of points covering width×height. */
export function transformDistanceRms(p: Affine, q: Affine, width: number, height: number, steps = 9): number {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < steps; i++) {
      const x = ((width - 1) * i) / (steps - 1);
      const y = ((height - 1) * j) / (steps - 1);
      const [x1, y1] = applyAffine(p, x, y);
      const [x2, y2] = applyAffine(q, x, y);
      sum += (x1 - x2) ** 2 + (y1 - y2) ** 2;
      n++;
    }
  }
  return Math.sqrt(sum / n);
}
