import type { SkyWcs } from '../../../src-workers/core/wcs/index.js';
import { centredAt, screenToImage, type ViewTransform } from './view-transform.js';

/** How the view follows from one frame to the next (DS9's Frame ▸ Lock): not at all, by pixels, or by sky. */
export type FrameLock = 'none' | 'pixels' | 'wcs';

export const FRAME_LOCKS: readonly FrameLock[] = ['none', 'pixels', 'wcs'];

/**
 * The view of the next frame under a WCS lock: the sky position at the viewport centre of the previous
 * frame (`from`) stays at the centre, and one screen pixel keeps covering the same angle (the zoom scales
 * by the ratio of the frames' local pixel scales there). Turn and flips are kept. Null where either WCS
 * does not map that point (the caller then keeps its own view).
 */
export function followByWcs(t: ViewTransform, from: SkyWcs, to: SkyWcs, cw: number, ch: number): ViewTransform | null {
  const [x, y] = screenToImage(t, cw / 2, ch / 2);
  const [ra, dec] = from.pixelToSky(x, y);
  if (!Number.isFinite(ra) || !Number.isFinite(dec)) return null;
  const [x2, y2] = to.skyToPixel(ra, dec);
  if (!Number.isFinite(x2) || !Number.isFinite(y2)) return null;
  const zoom = t.zoom * (localScaleDeg(to, x2, y2) / localScaleDeg(from, x, y));
  if (!Number.isFinite(zoom) || zoom <= 0) return null;
  return centredAt(Math.min(64, Math.max(1 / 64, zoom)), t.orient, x2 + 0.5, y2 + 0.5, cw / 2, ch / 2);
}

/** The angle one pixel spans at (x, y): the geometric mean of the steps along x and y, in degrees. */
function localScaleDeg(wcs: SkyWcs, x: number, y: number): number {
  const [ra0, dec0] = wcs.pixelToSky(x, y);
  const step = (dx: number, dy: number): number => {
    const [ra, dec] = wcs.pixelToSky(x + dx, y + dy);
    const cosDec = Math.cos((((dec + dec0) / 2) * Math.PI) / 180);
    const dra = ((((ra - ra0 + 540) % 360) - 180) * cosDec) as number;
    return Math.hypot(dra, dec - dec0);
  };
  return Math.sqrt(step(1, 0) * step(0, 1));
}
