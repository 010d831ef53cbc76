/**
 * HEALPix projection HPX of Paper II (Calabretta & Roukema 2007, "Mapping on the HEALPix grid"),
 * [H = PV2_1 = 4, K = PV2_2 = 3]. φ0 = 0, θ0 = 0. Angles in degrees. Odd K only (the usual K = 3).
 */
import { asind, sind } from '../angles.js';
import { ProjectionError, pv, type Projection, type ProjectionParams } from './projection.js';

/** HPX: equatorial zone CEA-like, polar zones of collapsed facets. */
export function hpx(params: ProjectionParams): Projection {
  const h = pv(params, 1, 4);
  const k = pv(params, 2, 3);
  if (!(Number.isInteger(h) && h > 0)) throw new ProjectionError(`HPX: PV 1 (H) = ${h} must be a positive integer`);
  if (!(Number.isInteger(k) && k > 0 && k % 2 === 1))
    throw new ProjectionError(`HPX: PV 2 (K) = ${k} must be a positive odd integer`);
  const sx = (k - 1) / k;
  const yEq = (90 * (k - 1)) / h;
  const facetCentre = (x: number): number => -180 + (2 * Math.floor(((x + 180) * h) / 360) + 1) * (180 / h);
  return {
    code: 'HPX',
    phi0: 0,
    theta0: 0,
    toNative(x, y) {
      if (Math.abs(x) > 180 + 1e-10) return null;
      const ay = Math.abs(y);
      if (ay <= yEq + 1e-12) return [x, asind((y * h) / (90 * k))];
      const sigma = (k + 1) / 2 - (ay * h) / 180;
      if (sigma < -1e-12) return null;
      const s = Math.max(0, sigma);
      const theta = Math.sign(y) * asind(1 - (s * s) / k);
      const xc = facetCentre(Math.min(x, 180 - 1e-12));
      if (s === 0) return [xc, theta];
      const dx = x - xc;
      if (Math.abs(dx) > (180 / h) * s + 1e-10) return null;
      return [xc + dx / s, theta];
    },
    fromNative(phi, theta) {
      const st = sind(theta);
      if (Math.abs(st) <= sx) return [phi, (90 * k * st) / h];
      const sigma = Math.sqrt(k * (1 - Math.abs(st)));
      const xc = facetCentre(Math.min(phi, 180 - 1e-12));
      return [xc + (phi - xc) * sigma, Math.sign(theta) * (180 / h) * ((k + 1) / 2 - sigma)];
    },
  };
}
