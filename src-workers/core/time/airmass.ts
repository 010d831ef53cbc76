/**
 * Airmass of a target seen from a site: sec z of the zenith distance z between the ICRS target direction and
 * the site's ellipsoidal normal (geodetic zenith) rotated into GCRS (Earth rotation from GMST, IAU 2006
 * bias-precession, as `siteGcrsM`). Plane-parallel (no refraction, no curvature term); aberration (≤ 20″)
 * and nutation are neglected, which moves sec z by < 1e-3 above 20° altitude. Undefined below the horizon.
 */
import { siteGcrsM } from './barycentric.js';

const E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);

/** sec z at UTC MJD `mjdUtc` of ICRS (raDeg, decDeg) from the ITRS site (metres), or undefined below the horizon. */
export function airmassSecZ(
  mjdUtc: number,
  raDeg: number,
  decDeg: number,
  siteItrsM: [number, number, number],
): number | undefined {
  // The ellipsoid's normal at the site (exact on the surface; heights change it by < 1e-9 rad).
  const [x, y, z] = siteItrsM;
  const up = siteGcrsM([x, y, z / (1 - E2)], mjdUtc);
  const norm = Math.hypot(up[0], up[1], up[2]);
  const a = (raDeg * Math.PI) / 180;
  const d = (decDeg * Math.PI) / 180;
  const cosZ = (Math.cos(d) * Math.cos(a) * up[0] + Math.cos(d) * Math.sin(a) * up[1] + Math.sin(d) * up[2]) / norm;
  return cosZ > 0 ? 1 / cosZ : undefined;
}
