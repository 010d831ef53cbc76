/**
 * Region shapes as read from DS9 and CRTF files, and point-in-shape tests on a plane. Conventions are those of
 * astropy-regions (the oracle the tests compare with): pixel positions 0-based, angles in degrees counter-clockwise
 * from the +x axis (for sky shapes: from the frame's longitude axis as drawn north up, east left), box and ellipse
 * sizes are full widths, a boundary point is outside.
 */

/** Coordinate systems a region may be given in; `image` covers DS9 `physical` (no LTM/LTV in our frames). */
export type RegionSystem = 'image' | 'icrs' | 'fk5' | 'fk4' | 'galactic';

/** A shape on a plane: pixels for image regions, arcsec on the tangent plane (u west, v north) for sky ones. */
export type PlaneShape =
  | { kind: 'circle'; cx: number; cy: number; r: number }
  | { kind: 'annulus'; cx: number; cy: number; rIn: number; rOut: number }
  /** `w`, `h` full widths along the axes rotated by `angleDeg`. */
  | { kind: 'ellipse'; cx: number; cy: number; w: number; h: number; angleDeg: number }
  | { kind: 'box'; cx: number; cy: number; w: number; h: number; angleDeg: number }
  | { kind: 'polygon'; xs: Float64Array; ys: Float64Array };

/**
 * One region of a file. For `image` the shape is in 0-based pixels. For sky systems the numbers are in the
 * region's own frame: `cx`, `cy` (and polygon `xs`, `ys`) longitude and latitude in degrees, sizes in arcsec.
 */
export interface Region {
  readonly system: RegionSystem;
  readonly shape: PlaneShape;
  /** DS9 `-shape(...)`, CRTF `-shape[...]`: an area taken out of the selection. */
  readonly exclude: boolean;
  /** 1-based line of the file it came from, for messages. */
  readonly line: number;
}

/** Regions of one file, in file order, and what was skipped (annotations: points, text, lines, …). */
export interface RegionFile {
  readonly file: string;
  readonly format: 'ds9' | 'crtf';
  readonly regions: readonly Region[];
  readonly skipped: number;
}

/** Whether the plane point (x, y) lies strictly inside `s`. */
export function planeContains(s: PlaneShape, x: number, y: number): boolean {
  switch (s.kind) {
    case 'circle': {
      const dx = x - s.cx;
      const dy = y - s.cy;
      return dx * dx + dy * dy < s.r * s.r;
    }
    case 'annulus': {
      const d2 = (x - s.cx) ** 2 + (y - s.cy) ** 2;
      return d2 >= s.rIn * s.rIn && d2 < s.rOut * s.rOut;
    }
    case 'ellipse':
    case 'box': {
      const t = (s.angleDeg * Math.PI) / 180;
      const c = Math.cos(t);
      const sn = Math.sin(t);
      const dx = x - s.cx;
      const dy = y - s.cy;
      const along = c * dx + sn * dy;
      const across = -sn * dx + c * dy;
      if (s.kind === 'box') return Math.abs(along) < s.w / 2 && Math.abs(across) < s.h / 2;
      return (along / (s.w / 2)) ** 2 + (across / (s.h / 2)) ** 2 < 1;
    }
    case 'polygon':
      return insidePolygon(s.xs, s.ys, x, y);
  }
}

/** Even-odd rule (W. R. Franklin's pnpoly), as astropy-regions' polygon test. */
function insidePolygon(xs: Float64Array, ys: Float64Array, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
    if (ys[i] > y !== ys[j] > y && x < ((xs[j] - xs[i]) * (y - ys[i])) / (ys[j] - ys[i]) + xs[i]) inside = !inside;
  }
  return inside;
}

/** Axis-aligned bounds of a plane shape: [xMin, xMax, yMin, yMax]. */
export function planeBounds(s: PlaneShape): [number, number, number, number] {
  switch (s.kind) {
    case 'circle':
      return [s.cx - s.r, s.cx + s.r, s.cy - s.r, s.cy + s.r];
    case 'annulus':
      return [s.cx - s.rOut, s.cx + s.rOut, s.cy - s.rOut, s.cy + s.rOut];
    case 'ellipse':
    case 'box': {
      // The circumscribed circle is enough for a bound and cannot be wrong at any angle.
      const r = Math.hypot(s.w, s.h) / 2;
      return [s.cx - r, s.cx + r, s.cy - r, s.cy + r];
    }
    case 'polygon': {
      let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
      for (let i = 0; i < s.xs.length; i++) {
        x0 = Math.min(x0, s.xs[i]);
        x1 = Math.max(x1, s.xs[i]);
        y0 = Math.min(y0, s.ys[i]);
        y1 = Math.max(y1, s.ys[i]);
      }
      return [x0, x1, y0, y1];
    }
  }
}
