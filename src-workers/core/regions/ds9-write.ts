/**
 * DS9 region files (SAOImage DS9 region format 4.1) for detected sources: ellipses in image coordinates, or in
 * ICRS/FK5 sky coordinates with sizes in arcseconds and position angles taken through the frame's WCS, so
 * that DS9, Aladin and astropy-regions place them where the pixel ellipses are.
 */

import { frameConverter } from '../wcs/frames.js';

/** One source to draw. Pixel coordinates are 0-based centres; `theta` in degrees from +x towards +y. */
export interface RegionSource {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly a?: number | null;
  readonly b?: number | null;
  readonly theta?: number | null;
}

export type RegionSystem = 'image' | 'icrs' | 'fk5';

export interface RegionOptions {
  readonly system: RegionSystem;
  /** 0-based pixel → ICRS (ra, dec) in degrees; required for sky systems. */
  readonly pixelToSky?: (x: number, y: number) => [number, number];
  /** Ellipse semi-axes are `scale` × a and b [3, SExtractor's isophotal ellipse convention]. */
  readonly scale?: number;
  /** Semi-axis used when a source has no shape [3 px]. */
  readonly defaultRadius?: number;
  readonly color?: string;
}

const D2R = Math.PI / 180;

const FK5_J2000 = frameConverter({ system: 'FK5', equinox: 2000 });

/** ICRS (ra, dec) degrees → FK5 J2000 (ra, dec) degrees (core/wcs/frames: the Hipparcos frame tie). */
export function icrsToFk5(ra: number, dec: number): [number, number] {
  return FK5_J2000.fromIcrs(ra, dec);
}

/**
 * The local pixel scale (arcsec/px, √|det J|) and the direction of north in the pixel grid (degrees from +x
 * towards +y), from central differences of `pixelToSky` around (x, y).
 */
export function localScaleAndNorth(
  pixelToSky: (x: number, y: number) => [number, number],
  x: number,
  y: number,
): { scale: number; northDeg: number } {
  const h = 0.5;
  const [r0, d0] = pixelToSky(x, y);
  const offset = (px: number, py: number): [number, number] => {
    const [r, d] = pixelToSky(px, py);
    let dr = r - r0;
    if (dr > 180) dr -= 360;
    if (dr < -180) dr += 360;
    return [dr * Math.cos(d0 * D2R) * 3600, (d - d0) * 3600];
  };
  const [ex1, ny1] = offset(x + h, y);
  const [ex0, ny0] = offset(x - h, y);
  const [ey1, nx1] = offset(x, y + h);
  const [ey0, nx0] = offset(x, y - h);
  // J maps a pixel step to (east, north) arcsec.
  const j11 = (ex1 - ex0) / (2 * h);
  const j21 = (ny1 - ny0) / (2 * h);
  const j12 = (ey1 - ey0) / (2 * h);
  const j22 = (nx1 - nx0) / (2 * h);
  const det = j11 * j22 - j12 * j21;
  // Pixel step towards north: J⁻¹ · (0, 1).
  const px = -j12 / det;
  const py = j11 / det;
  return { scale: Math.sqrt(Math.abs(det)), northDeg: Math.atan2(py, px) / D2R };
}

const fmt = (v: number, digits: number): string => v.toFixed(digits);

/** The region file text. Sky systems need `pixelToSky`; a RangeError says so when it is missing. */
export function ds9Regions(sources: Iterable<RegionSource>, options: RegionOptions): string {
  const k = options.scale ?? 3;
  const r0 = options.defaultRadius ?? 3;
  const lines = [
    '# Region file format: DS9 version 4.1',
    `global color=${options.color ?? 'green'} width=1`,
    options.system,
  ];
  if (options.system !== 'image' && !options.pixelToSky)
    throw new RangeError(`${options.system} regions need a frame with a WCS; use image coordinates instead`);
  for (const s of sources) {
    const a = (s.a ?? r0 / k) * k;
    const b = (s.b ?? s.a ?? r0 / k) * k;
    const theta = s.theta ?? 0;
    if (options.system === 'image') {
      // DS9 image coordinates are 1-based pixel centres; the angle is from +x towards +y.
      lines.push(
        `ellipse(${fmt(s.x + 1, 3)},${fmt(s.y + 1, 3)},${fmt(a, 2)},${fmt(b, 2)},${fmt(theta, 2)}) # text={${s.id}}`,
      );
      continue;
    }
    const toSky = options.pixelToSky as (x: number, y: number) => [number, number];
    let [ra, dec] = toSky(s.x, s.y);
    if (options.system === 'fk5') [ra, dec] = icrsToFk5(ra, dec);
    const { scale, northDeg } = localScaleAndNorth(toSky, s.x, s.y);
    // Sky angles are measured from the longitude axis, which lies 90° clockwise of north in the pixel grid.
    let angle = theta - (northDeg - 90);
    angle = ((angle % 360) + 360) % 360;
    lines.push(
      `ellipse(${fmt(ra, 8)},${fmt(dec, 8)},${fmt(a * scale, 4)}",${fmt(b * scale, 4)}",${fmt(angle, 3)}) # text={${s.id}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
