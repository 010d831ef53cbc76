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
