/**
 * The one pixel container of `core`: a row-major float32 raster, pixel (x, y) at `data[y * width + x]`.
 * NaN marks missing or masked pixels. Coordinates are 0-based pixel centres (ARCHITECTURE.md):
 * the centre of the first pixel is (0, 0) and it spans [-0.5, 0.5).
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Creates a zero-filled image of `width`×`height`. */
export function createImage(width: number, height: number): Image {
  return { width, height, data: new Float32Array(width * height) };
}

/** Wraps existing pixels; throws when the buffer length does not match the shape. */
export function wrapImage(width: number, height: number, data: Float32Array): Image {
  if (data.length !== width * height) {
    throw new RangeError(`pixel buffer has ${data.length} values, expected ${width}×${height}`);
  }
  return { width, height, data };
}

/** A deep copy, so callers can mutate the result without touching the input. */
export function cloneImage(image: Image): Image {
  return { width: image.width, height: image.height, data: new Float32Array(image.data) };
}

/** Copies the rectangle [x0, x0+w) × [y0, y0+h) (clipped to the image; outside pixels become NaN). */
export function cropImage(image: Image, x0: number, y0: number, w: number, h: number): Image {
  const out = createImage(w, h);
  out.data.fill(Number.NaN);
  for (let y = 0; y < h; y++) {
    const sy = y0 + y;
    if (sy < 0 || sy >= image.height) continue;
    const xs = Math.max(0, -x0);
    const xe = Math.min(w, image.width - x0);
    if (xe <= xs) continue;
    out.data.set(image.data.subarray(sy * image.width + x0 + xs, sy * image.width + x0 + xe), y * w + xs);
  }
  return out;
}
