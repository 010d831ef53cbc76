/**
 * Screen ↔ image mapping of the viewer. Unrotated and unflipped it is FITS orientation (y up, as DS9
 * shows it). Image pixel (x, y) is a 0-based pixel centre; it covers canvas units [x, x+1) × [y, y+1).
 * An orientation flips the image's own axes first, then turns it counter-clockwise on screen in 90°
 * steps; it is an integer matrix, so the pixel under the cursor stays exactly the pixel the readout names.
 */
export type RotationDeg = 0 | 90 | 180 | 270;

export interface Orientation {
  /** Counter-clockwise turn on screen. */
  rotationDeg: RotationDeg;
  /** Mirror the image's x axis (before the turn). */
  flipX: boolean;
  /** Mirror the image's y axis (before the turn). */
  flipY: boolean;
}

export const NO_ORIENTATION: Orientation = { rotationDeg: 0, flipX: false, flipY: false };

export interface ViewTransform {
  zoom: number;
  /** Screen position of image canvas origin (the outer corner of pixel (0, 0), bottom left unturned). */
  panX: number;
  panY: number;
  /** Rotation and flips [none]. */
  orient?: Orientation;
}

/** cos, sin of each quarter turn. */
const QUARTER: Record<RotationDeg, [number, number]> = { 0: [1, 0], 90: [0, 1], 180: [-1, 0], 270: [0, -1] };

/**
 * The orientation as a 2×2 matrix [a, b, c, d] taking canvas units (u right, v up) to display units
 * (right, up): display = [[a, b], [c, d]] · (u, v). A rotation times a diagonal of ±1, so orthogonal.
 */
export function orientMatrix(o: Orientation | undefined): [number, number, number, number] {
  if (!o) return [1, 0, 0, 1];
  const [c, s] = QUARTER[o.rotationDeg];
  const fx = o.flipX ? -1 : 1;
  const fy = o.flipY ? -1 : 1;
  return [c * fx, -s * fy, s * fx, c * fy];
}

export function screenToImage(t: ViewTransform, sx: number, sy: number): [number, number] {
  const [a, b, c, d] = orientMatrix(t.orient);
  const du = (sx - t.panX) / t.zoom;
  const dv = (t.panY - sy) / t.zoom;
  // The matrix is orthogonal: its inverse is its transpose.
  return [a * du + c * dv - 0.5, b * du + d * dv - 0.5];
}

export function imageToScreen(t: ViewTransform, x: number, y: number): [number, number] {
  const [a, b, c, d] = orientMatrix(t.orient);
  const u = x + 0.5;
  const v = y + 0.5;
  return [t.panX + t.zoom * (a * u + b * v), t.panY - t.zoom * (c * u + d * v)];
}

/**
 * The canvas 2-D transform (a, b, c, d, e, f for `setTransform`) that draws a raster whose pixel (i, j)
 * covers canvas units [i, i+1) × [j, j+1), with `scale` canvas units per raster pixel.
 */
export function canvasMatrix(t: ViewTransform, scale = 1): [number, number, number, number, number, number] {
  const [a, b, c, d] = orientMatrix(t.orient);
  const z = t.zoom * scale;
  return [z * a, -z * c, z * b, -z * d, t.panX, t.panY];
}

/**
 * An angle in the image (degrees from +x towards +y, as DS9 region angles) as a canvas rotation in
 * radians (clockwise positive, since screen y runs down), for `ctx.ellipse` and `ctx.rotate`.
 */
export function screenAngleRad(t: ViewTransform, angleDeg: number): number {
  const [a, b, c, d] = orientMatrix(t.orient);
  const r = (angleDeg * Math.PI) / 180;
  const ux = Math.cos(r);
  const uy = Math.sin(r);
  return -Math.atan2(c * ux + d * uy, a * ux + b * uy);
}

/** A direction in the image as a screen math angle (degrees, 0 = right, 90 = up), for the compass. */
export function screenDirectionDeg(o: Orientation | undefined, imageDeg: number): number {
  const [a, b, c, d] = orientMatrix(o);
  const r = (imageDeg * Math.PI) / 180;
  const deg = (Math.atan2(c * Math.cos(r) + d * Math.sin(r), a * Math.cos(r) + b * Math.sin(r)) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/** The transform at `zoom` and orientation `orient` that puts image canvas point (u, v) at screen (sx, sy). */
export function centredAt(
  zoom: number,
  orient: Orientation | undefined,
  u: number,
  v: number,
  sx: number,
  sy: number,
): ViewTransform {
  const [a, b, c, d] = orientMatrix(orient);
  return { zoom, panX: sx - zoom * (a * u + b * v), panY: sy + zoom * (c * u + d * v), orient };
}

/** The transform that fits a `w`×`h` image centred in a `cw`×`ch` viewport. */
export function fitTransform(w: number, h: number, cw: number, ch: number, orient?: Orientation): ViewTransform {
  const turned = orient && (orient.rotationDeg === 90 || orient.rotationDeg === 270);
  const [sw, sh] = turned ? [h, w] : [w, h];
  const zoom = Math.min(cw / sw, ch / sh) * 0.98;
  return centredAt(zoom, orient, w / 2, h / 2, cw / 2, ch / 2);
}

/** The same view turned or flipped to `orient`, keeping the image point at the viewport centre there. */
export function reorient(t: ViewTransform, orient: Orientation, cw: number, ch: number): ViewTransform {
  const [x, y] = screenToImage(t, cw / 2, ch / 2);
  return centredAt(t.zoom, orient, x + 0.5, y + 0.5, cw / 2, ch / 2);
}

/** Zooms by `factor` keeping the image point under (sx, sy) fixed. */
export function zoomAt(t: ViewTransform, factor: number, sx: number, sy: number): ViewTransform {
  const zoom = Math.min(64, Math.max(1 / 64, t.zoom * factor));
  const f = zoom / t.zoom;
  return { ...t, zoom, panX: sx - (sx - t.panX) * f, panY: sy - (sy - t.panY) * f };
}

/**
 * The transform that shows the screen rectangle (sx0, sy0)–(sx1, sy1) of the view `t` as large as it
 * fits in a `cw`×`ch` viewport, centred (zoom to selection). Tiny rectangles (under 4 screen px)
 * leave the view as it is; the zoom is capped as in `zoomAt`.
 */
export function zoomToRect(
  t: ViewTransform,
  sx0: number,
  sy0: number,
  sx1: number,
  sy1: number,
  cw: number,
  ch: number,
): ViewTransform {
  const w = Math.abs(sx1 - sx0);
  const h = Math.abs(sy1 - sy0);
  if (w < 4 || h < 4) return t;
  const zoom = Math.min(64, t.zoom * Math.min(cw / w, ch / h));
  // Canvas-unit centre of the rectangle (image pixel x covers [x, x+1) in canvas units).
  const [x, y] = screenToImage(t, (sx0 + sx1) / 2, (sy0 + sy1) / 2);
  return centredAt(zoom, t.orient, x + 0.5, y + 0.5, cw / 2, ch / 2);
}
