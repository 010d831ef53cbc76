/**
 * Spherical rotation between native (φ, θ) and celestial (α, δ) coordinates (Paper II §2.3–2.4,
 * eqs. 2, 5, 8–10), following WCSLIB's celset for choosing the celestial pole. Degrees throughout.
 */
import { acosd, atan2d, cosd, sind } from './angles.js';

/** Euler angles of the rotation: celestial coordinates of the native pole (αp, δp) and its native longitude φp. */
export interface SphericalRotation {
  alphaP: number;
  deltaP: number;
  phiP: number;
}

/**
 * The rotation that puts the fiducial point (φ0, θ0) at (α0, δ0) = CRVAL with the native pole at native
 * longitude `lonpole` [0° if δ0 ≥ θ0 else 180°] and the solution for δp nearer `latpole` [90°].
 * Returns a reason string when the keywords admit no solution (Paper II eq. 8 has |sin δ0 / …| > 1).
 */
export function makeRotation(
  alpha0: number,
  delta0: number,
  phi0: number,
  theta0: number,
  lonpole?: number,
  latpole?: number,
): SphericalRotation | string {
  const phiP = lonpole ?? (delta0 >= theta0 ? 0 : 180) + phi0;
  let latp = latpole ?? 90;
  if (theta0 === 90) return { alphaP: alpha0, deltaP: delta0, phiP };
  const slat0 = sind(delta0);
  const clat0 = cosd(delta0);
  const sthe0 = sind(theta0);
  const cthe0 = cosd(theta0);
  const sphip = sind(phiP - phi0);
  const cphip = cosd(phiP - phi0);
  const x = cthe0 * cphip;
  const y = sthe0;
  const z = Math.hypot(x, y);
  if (z === 0) {
    if (slat0 !== 0) return `LONPOLE/CRVAL: no celestial pole satisfies δ0 = ${delta0}`;
  } else {
    let slz = slat0 / z;
    if (Math.abs(slz) > 1) {
      if (Math.abs(slz) - 1 < 1e-10) slz = Math.sign(slz);
      else return `LONPOLE ${phiP} is inconsistent with CRVAL latitude ${delta0} (Paper II eq. 8)`;
    }
    const u = atan2d(y, x);
    const v = acosd(slz);
    const wrap = (a: number): number => (a > 180 ? a - 360 : a < -180 ? a + 360 : a);
    const p1 = wrap(u + v);
    const p2 = wrap(u - v);
    const tol = 1e-10;
    if (Math.abs(latp - p1) < Math.abs(latp - p2)) latp = Math.abs(p1) < 90 + tol ? p1 : p2;
    else latp = Math.abs(p2) < 90 + tol ? p2 : p1;
    latp = Math.max(-90, Math.min(90, latp));
  }
  const zz = cosd(latp) * clat0;
  let lngp: number;
  if (Math.abs(zz) < 1e-10) {
    if (Math.abs(clat0) < 1e-10) lngp = alpha0;
    else if (latp > 0) lngp = alpha0 + phiP - phi0 - 180;
    else lngp = alpha0 - phiP + phi0;
  } else {
    const xx = (sthe0 - sind(latp) * slat0) / zz;
    const yy = (sphip * cthe0) / clat0;
    if (xx === 0 && yy === 0) return 'LONPOLE/LATPOLE: celestial pole is undefined';
    lngp = alpha0 - atan2d(yy, xx);
  }
  if (alpha0 >= 0) {
    if (lngp < 0) lngp += 360;
  } else if (lngp > 0) lngp -= 360;
  return { alphaP: lngp, deltaP: latp, phiP };
}

/** Celestial (α, δ) in degrees of native (φ, θ) (Paper II eq. 2); α is not wrapped. */
export function nativeToCelestial(r: SphericalRotation, phi: number, theta: number): [number, number] {
  const sdp = sind(r.deltaP);
  const cdp = cosd(r.deltaP);
  const st = sind(theta);
  const ct = cosd(theta);
  const dphi = phi - r.phiP;
  const sd = sind(dphi);
  const cd = cosd(dphi);
  const x = st * cdp - ct * sdp * cd;
  const y = -ct * sd;
  const z = st * sdp + ct * cdp * cd;
  return [r.alphaP + atan2d(y, x), atan2d(z, Math.hypot(x, y))];
}

/** Native (φ, θ) in degrees of celestial (α, δ) (Paper II eq. 5); φ in [-180, 180]. */
export function celestialToNative(r: SphericalRotation, alpha: number, delta: number): [number, number] {
  const sdp = sind(r.deltaP);
  const cdp = cosd(r.deltaP);
  const s = sind(delta);
  const c = cosd(delta);
  const da = alpha - r.alphaP;
  const sa = sind(da);
  const ca = cosd(da);
  const x = s * cdp - c * sdp * ca;
  const y = -c * sa;
  const z = s * sdp + c * cdp * ca;
  let phi = r.phiP + atan2d(y, x);
  phi %= 360;
  if (phi > 180) phi -= 360;
  else if (phi < -180) phi += 360;
  return [phi, atan2d(z, Math.hypot(x, y))];
}
