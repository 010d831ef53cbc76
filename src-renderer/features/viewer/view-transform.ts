/**
 * Screen ↔ image mapping of the viewer, FITS orientation (y up, as DS9 shows it). Image pixel (x, y)
 * is a 0-based pixel centre; it covers canvas units [x, x+1) × [y, y+1).
 */
export interface ViewTransform {
  zoom: number;
  /** Screen position of image canvas origin (left edge of column 0, bottom edge of row 0). */
  panX: number;
  panY: number;
}

export function screenToImage(t: ViewTransform, sx: number, sy: number): [number, number] {
  return [(sx - t.panX) / t.zoom - 0.5, (t.panY - sy) / t.zoom - 0.5];
}

export function imageToScreen(t: ViewTransform, x: number, y: number): [number, number] {
  return [t.panX + t.zoom * (x + 0.5), t.panY - t.zoom * (y + 0.5)];
}

/** The transform that fits a `w`×`h` image centred in a `cw`×`ch` viewport. */
export function fitTransform(w: number, h: number, cw: number, ch: number): ViewTransform {
  const zoom = Math.min(cw / w, ch / h) * 0.98;
  return { zoom, panX: (cw - w * zoom) / 2, panY: (ch + h * zoom) / 2 };
}

/** Zooms by `factor` keeping the image point under (sx, sy) fixed. */
export function zoomAt(t: ViewTransform, factor: number, sx: number, sy: number): ViewTransform {
  const zoom = Math.min(64, Math.max(1 / 64, t.zoom * factor));
  const f = zoom / t.zoom;
  return { zoom, panX: sx - (sx - t.panX) * f, panY: sy - (sy - t.panY) * f };
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
  const cx = ((sx0 + sx1) / 2 - t.panX) / t.zoom;
  const cy = (t.panY - (sy0 + sy1) / 2) / t.zoom;
  return { zoom, panX: cw / 2 - zoom * cx, panY: ch / 2 + zoom * cy };
}
