/**
 * A celestial WCS described as a user reads it: projection, frame, distortion, the image centre and the
 * footprint corners in ICRS, the pixel scale, the rotation and the parity. Pixel coordinates are 0-based
 * pixel centres; the footprint corners are the outer pixel edges (−0.5 and NAXIS − 0.5).
 */
import type { CelestialWcs, DistortionKind } from './celestial-wcs.js';
import type { CelestialFrameSpec } from './header.js';

/** A pixel and its ICRS position in degrees (NaN where the projection has no sky position). */
export interface PixelSky {
  x: number;
  y: number;
  ra: number;
  dec: number;
}

/** What {@link summarizeWcs} reports. */
export interface WcsSummary {
  projection: string;
  frame: CelestialFrameSpec;
  distortion: DistortionKind;
  /** Image size (NAXIS1, NAXIS2), when the header gives it. */
  naxis?: [number, number];
  centre: PixelSky;
  /**
   * The image centre in the header's own frame (degrees: galactic l, b; FK4/FK5 at their equinox; ecliptic;
   * supergalactic), when that frame is not ICRS: kept beside the ICRS position, as the header states it.
   */
  centreNative?: { lon: number; lat: number };
  /** Corners of the image's outer edges in the order (−½, −½), (N₁−½, −½), (N₁−½, N₂−½), (−½, N₂−½). */
  corners: PixelSky[];
  /** √(area) of the centre pixel's sky footprint, arcsec. */
  pixelScaleArcsec: number;
  /** Position angle of the image's +y axis at the centre, from north through east, degrees in [0, 360). */
  rotationDeg: number;
  /**
   * 'normal' when the image shows the sky as seen from the ground (east is 90° anticlockwise from north,
   * as with north up and east left), 'flipped' when mirrored.
   */
  parity: 'normal' | 'flipped';
}

const D2R = Math.PI / 180;

function at(wcs: CelestialWcs, x: number, y: number): PixelSky {
  const [ra, dec] = wcs.pixelToSky(x, y);
  return { x, y, ra, dec };
}

function native(wcs: CelestialWcs, x: number, y: number): { lon: number; lat: number } {
  const [lon, lat] = wcs.pixelToWorld(x, y);
  return { lon, lat };
}

/** The summary of `wcs` (see {@link WcsSummary}). */
export function summarizeWcs(wcs: CelestialWcs): WcsSummary {
  const [cx, cy] = wcs.centrePixel();
  const centre = at(wcs, cx, cy);
  const n = wcs.model.naxis;
  const corners = n
    ? [at(wcs, -0.5, -0.5), at(wcs, n[0] - 0.5, -0.5), at(wcs, n[0] - 0.5, n[1] - 0.5), at(wcs, -0.5, n[1] - 0.5)]
    : [];
  // Local east/north offsets (arcsec) of one pixel along +x and +y, by central differences.
  const offset = (dx: number, dy: number): [number, number] => {
    const p = wcs.pixelToSky(cx + dx / 2, cy + dy / 2);
    const m = wcs.pixelToSky(cx - dx / 2, cy - dy / 2);
    const dra = ((((p[0] - m[0] + 540) % 360) + 360) % 360) - 180;
    return [dra * Math.cos(centre.dec * D2R) * 3600, (p[1] - m[1]) * 3600];
  };
  const [ex, nx] = offset(1, 0);
  const [ey, ny] = offset(0, 1);
  const rotationDeg = (((Math.atan2(ey, ny) / D2R) % 360) + 360) % 360;
  return {
    projection: wcs.model.projection,
    frame: wcs.frame,
    distortion: wcs.distortion,
    ...(n ? { naxis: n } : {}),
    centre,
    ...(wcs.frame.system === 'ICRS' ? {} : { centreNative: native(wcs, cx, cy) }),
    corners,
    pixelScaleArcsec: wcs.pixelScaleArcsec(),
    rotationDeg,
    // North up, east left: +x points west (ex < 0), +y north (ny > 0): ex·ny − ey·nx < 0.
    parity: ex * ny - ey * nx < 0 ? 'normal' : 'flipped',
  };
}
