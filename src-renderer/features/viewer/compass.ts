import type { SkyWcs } from '../../../src-workers/core/wcs/index.js';

/** Screen directions of north and east at an image position, as math angles (degrees, 0 = right, 90 = up). */
export interface CompassDirections {
  northDeg: number;
  eastDeg: number;
}

/**
 * North and east on screen at image pixel (x, y): the pixel offsets of a 10″ step in Dec and in RA
 * through the WCS (so rotation, flips and distortion are honoured), turned into screen angles for the
 * viewer's FITS orientation (image y up, as DS9 shows it). Null where the WCS does not invert.
 */
export function compassAt(wcs: SkyWcs, x: number, y: number): CompassDirections | null {
  const [ra, dec] = wcs.pixelToSky(x, y);
  if (!Number.isFinite(ra) || !Number.isFinite(dec)) return null;
  const step = 10 / 3600;
  const cosDec = Math.max(1e-6, Math.cos((dec * Math.PI) / 180));
  const north = wcs.skyToPixel(ra, Math.min(90, dec + step));
  const east = wcs.skyToPixel(ra + step / cosDec, dec);
  const angle = ([px, py]: [number, number]): number => (Math.atan2(py - y, px - x) * 180) / Math.PI;
  if (![...north, ...east].every(Number.isFinite)) return null;
  return { northDeg: angle(north), eastDeg: angle(east) };
}
