/** Degree-based trigonometry shared by the projections and the spherical rotation (Paper II §2). */

/** Degrees per radian. */
export const R2D = 180 / Math.PI;
/** Radians per degree. */
export const D2R = Math.PI / 180;

/** sin of an angle in degrees, exact at multiples of 90°. */
export function sind(a: number): number {
  const r = a % 90;
  if (r === 0) {
    const q = Math.round(a / 90) & 3;
    return q === 0 ? 0 : q === 1 ? 1 : q === 2 ? 0 : -1;
  }
  return Math.sin(a * D2R);
}

/** cos of an angle in degrees, exact at multiples of 90°. */
export function cosd(a: number): number {
  const r = a % 90;
  if (r === 0) {
    const q = Math.round(a / 90) & 3;
    return q === 0 ? 1 : q === 1 ? 0 : q === 2 ? -1 : 0;
  }
  return Math.cos(a * D2R);
}

/** tan of an angle in degrees. */
export function tand(a: number): number {
  return Math.tan(a * D2R);
}

/** atan2 in degrees. */
export function atan2d(y: number, x: number): number {
  return Math.atan2(y, x) * R2D;
}

/** asin in degrees, clamping arguments within 1e-12 of ±1 (rounding) and NaN beyond. */
export function asind(v: number): number {
  if (v > 1 && v < 1 + 1e-12) v = 1;
  else if (v < -1 && v > -1 - 1e-12) v = -1;
  return Math.asin(v) * R2D;
}

/** acos in degrees, clamping like `asind`. */
export function acosd(v: number): number {
  if (v > 1 && v < 1 + 1e-12) v = 1;
  else if (v < -1 && v > -1 - 1e-12) v = -1;
  return Math.acos(v) * R2D;
}

/** `a` reduced to [0, 360). */
export function wrap360(a: number): number {
  const r = a % 360;
  return r < 0 ? r + 360 : r;
}

/** `a` reduced to [-180, 180]. */
export function wrap180(a: number): number {
  let r = a % 360;
  if (r > 180) r -= 360;
  else if (r < -180) r += 360;
  return r;
}
