/** Spherical helpers for the catalog's spatial index: unit vectors and chord lengths, in degrees on the sky. */

const DEG = Math.PI / 180;

export type Vec3 = [number, number, number];

/** Unit vector of (ra, dec) in degrees. */
export function unitVector(raDeg: number, decDeg: number): Vec3 {
  const ra = raDeg * DEG;
  const dec = decDeg * DEG;
  const c = Math.cos(dec);
  return [c * Math.cos(ra), c * Math.sin(ra), Math.sin(dec)];
}

/** Great-circle distance in arcseconds (haversine form: accurate for tiny separations). */
export function angularDistanceArcsec(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d1 = dec1 * DEG;
  const d2 = dec2 * DEG;
  const sdd = Math.sin((d2 - d1) / 2);
  const sdr = Math.sin(((ra2 - ra1) * DEG) / 2);
  const h = sdd * sdd + Math.cos(d1) * Math.cos(d2) * sdr * sdr;
  return ((2 * Math.asin(Math.min(1, Math.sqrt(h)))) / DEG) * 3600;
}

/** Chord length between two unit vectors separated by `radiusArcsec`. */
export function chordForArcsec(radiusArcsec: number): number {
  return 2 * Math.sin(((radiusArcsec / 3600) * DEG) / 2);
}

/** Squared chord between two unit vectors. */
export function chord2(a: Vec3, bx: number, by: number, bz: number): number {
  const dx = a[0] - bx;
  const dy = a[1] - by;
  const dz = a[2] - bz;
  return dx * dx + dy * dy + dz * dz;
}

/** Checks an (ra, dec) pair, naming the problem. */
export function validRaDec(raDeg: number, decDeg: number): string | undefined {
  if (!Number.isFinite(raDeg)) return `'ra' must be a finite number of degrees, got ${raDeg}`;
  if (!Number.isFinite(decDeg) || decDeg < -90 || decDeg > 90)
    return `'dec' must be in [-90, 90] degrees, got ${decDeg}`;
  return undefined;
}

/** RA folded into [0, 360). */
export function normaliseRa(raDeg: number): number {
  const r = raDeg % 360;
  return r < 0 ? r + 360 : r;
}
