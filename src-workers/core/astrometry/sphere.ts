/**
 * Unit vectors on the celestial sphere and the gnomonic plane used by the quad codes.
 * Angles in degrees unless a name says radians; vectors are ICRS (x towards RA 0, z towards the pole).
 */

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** Unit vector of (ra, dec) in degrees, written into `out` at `offset` [a new 3-vector]. */
export function radecToXyz(
  raDeg: number,
  decDeg: number,
  out: Float64Array = new Float64Array(3),
  offset = 0,
): Float64Array {
  const ra = raDeg * D2R;
  const dec = decDeg * D2R;
  const c = Math.cos(dec);
  out[offset] = c * Math.cos(ra);
  out[offset + 1] = c * Math.sin(ra);
  out[offset + 2] = Math.sin(dec);
  return out;
}

/** (ra in [0, 360), dec) in degrees of the (not necessarily unit) vector (x, y, z). */
export function xyzToRadec(x: number, y: number, z: number): [number, number] {
  let ra = Math.atan2(y, x) * R2D;
  if (ra < 0) ra += 360;
  if (ra >= 360) ra -= 360;
  const dec = Math.atan2(z, Math.hypot(x, y)) * R2D;
  return [ra, dec];
}

/** Angle between two sky positions, degrees (haversine form, exact at small separations). */
export function angularSeparationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const dDec = (dec2 - dec1) * D2R;
  const dRa = (ra2 - ra1) * D2R;
  const s = Math.sin(dDec / 2) ** 2 + Math.cos(dec1 * D2R) * Math.cos(dec2 * D2R) * Math.sin(dRa / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(s))) * R2D;
}

/**
 * Gnomonic projection of star `i` of `xyz` about the unit vector `r`, in astrometry.net's quad-code
 * axes: `[north, east]` in radians on the tangent plane (astrometry.net's `star_coords` returns
 * (east, north) and its code computation swaps them; the packaged codes match this order, see the tests).
 * Returns null for a star 90° or more from `r`.
 */
export function tangentNorthEast(xyz: ArrayLike<number>, i: number, r: ArrayLike<number>): [number, number] | null {
  const sx = xyz[3 * i];
  const sy = xyz[3 * i + 1];
  const sz = xyz[3 * i + 2];
  const dot = sx * r[0] + sy * r[1] + sz * r[2];
  if (dot <= 0) return null;
  // East unit vector at r: (-r_y, r_x, 0)/|.|; north = r × east.
  let ex = -r[1];
  let ey = r[0];
  const en = Math.hypot(ex, ey) || 1;
  ex /= en;
  ey /= en;
  const nx = -r[2] * ey;
  const ny = r[2] * ex;
  const nz = r[0] * ey - r[1] * ex;
  const east = (sx * ex + sy * ey) / dot;
  const north = (sx * nx + sy * ny + sz * nz) / dot;
  return [north, east];
}
