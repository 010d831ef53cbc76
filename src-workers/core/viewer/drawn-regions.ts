/**
 * DS9 region files (format 4.1) for shapes drawn in the viewer: circles, ellipses, boxes, polygons and points, in image
 * coordinates (1-based pixel centres) or in ICRS with sizes in arcseconds and box angles taken through the
 * frame's WCS (the local scale and north of core/regions), so DS9 and astropy-regions put them back on the
 * same pixels.
 */
import { localScaleAndNorth } from '../regions/ds9-write.js';

/** A drawn shape, 0-based pixel centres; sizes in pixels, `angleDeg` from +x towards +y. */
export type DrawnRegion =
  | { shape: 'circle'; x: number; y: number; r: number; text?: string }
  | { shape: 'box'; x: number; y: number; w: number; h: number; angleDeg: number; text?: string }
  /** `a`, `b`: semi-axes in pixels (DS9's two radii); `angleDeg` of the `a` axis. */
  | { shape: 'ellipse'; x: number; y: number; a: number; b: number; angleDeg: number; text?: string }
  /** `x`, `y`: the vertices' mean (where the label goes); `points`: the vertices [x0, y0, x1, y1, …]. */
  | { shape: 'polygon'; x: number; y: number; points: number[]; text?: string }
  | { shape: 'point'; x: number; y: number; text?: string };

const f = (v: number, digits: number): string => v.toFixed(digits);

/**
 * The region file text for `regions` in `system`. ICRS needs `pixelToSky` (0-based pixel → ICRS degrees);
 * without it a RangeError says to use image coordinates.
 */
export function drawnRegionsDs9(
  regions: readonly DrawnRegion[],
  system: 'image' | 'icrs',
  pixelToSky?: (x: number, y: number) => [number, number],
): string {
  if (system === 'icrs' && !pixelToSky)
    throw new RangeError('icrs regions need a frame with a WCS; use image coordinates instead');
  const lines = ['# Region file format: DS9 version 4.1', 'global color=cyan width=1', system];
  for (const r of regions) {
    const text = r.text ? ` # text={${r.text.replace(/[{}]/g, '')}}` : '';
    if (system === 'image') {
      const c = `${f(r.x + 1, 3)},${f(r.y + 1, 3)}`;
      if (r.shape === 'circle') lines.push(`circle(${c},${f(r.r, 3)})${text}`);
      else if (r.shape === 'box') lines.push(`box(${c},${f(r.w, 3)},${f(r.h, 3)},${f(r.angleDeg, 3)})${text}`);
      else if (r.shape === 'ellipse') lines.push(`ellipse(${c},${f(r.a, 3)},${f(r.b, 3)},${f(r.angleDeg, 3)})${text}`);
      else if (r.shape === 'polygon') lines.push(`polygon(${r.points.map((v) => f(v + 1, 3)).join(',')})${text}`);
      else lines.push(`point(${c})${text}`);
      continue;
    }
    const toSky = pixelToSky as (x: number, y: number) => [number, number];
    if (r.shape === 'polygon') {
      const sky: string[] = [];
      for (let i = 0; i + 1 < r.points.length; i += 2) {
        const [pr, pd] = toSky(r.points[i], r.points[i + 1]);
        sky.push(`${f(pr, 8)},${f(pd, 8)}`);
      }
      lines.push(`polygon(${sky.join(',')})${text}`);
      continue;
    }
    const [ra, dec] = toSky(r.x, r.y);
    const c = `${f(ra, 8)},${f(dec, 8)}`;
    if (r.shape === 'point') {
      lines.push(`point(${c})${text}`);
      continue;
    }
    const { scale, northDeg } = localScaleAndNorth(toSky, r.x, r.y);
    if (r.shape === 'circle') lines.push(`circle(${c},${f(r.r * scale, 4)}")${text}`);
    else {
      // Sky angles are measured from the longitude axis, 90° clockwise of north in the pixel grid.
      const angle = (((r.angleDeg - (northDeg - 90)) % 360) + 360) % 360;
      if (r.shape === 'ellipse')
        lines.push(`ellipse(${c},${f(r.a * scale, 4)}",${f(r.b * scale, 4)}",${f(angle, 3)})${text}`);
      else lines.push(`box(${c},${f(r.w * scale, 4)}",${f(r.h * scale, 4)}",${f(angle, 3)})${text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
