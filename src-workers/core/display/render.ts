/**
 * Float pixels → 8-bit display buffers (grey or RGBA) for the CLI's PNG/JPEG output and the renderer's
 * canvas. Pure: no DOM, no Node.
 */
import type { Image } from '../image/image.js';
import { colormapLut, type ColormapName } from './colormap.js';
import { stretchToBytes, type StretchOptions } from './stretch.js';

export interface RenderOptions extends StretchOptions {
  /** [grey] */
  colormap?: ColormapName;
  /** RGBA of NaN pixels [0, 0, 0, 0] (transparent). */
  nanColor?: [number, number, number, number];
  /** Flip rows so that FITS row 0 (the bottom) is drawn last, as astronomers display images [true]. */
  flipY?: boolean;
}

/** One 8-bit level per pixel, rows top-down when `flipY` (default). */
export function renderGrey(
  image: Image,
  options: RenderOptions = {},
): { pixels: Uint8Array; vmin: number; vmax: number } {
  const { bytes, vmin, vmax } = stretchToBytes(image.data, options);
  return { pixels: options.flipY === false ? bytes : flipRows(bytes, image.width, image.height, 1), vmin, vmax };
}

/** RGBA pixels (4 bytes each) through a colour map, NaN drawn in `nanColor`. */
export function renderRgba(
  image: Image,
  options: RenderOptions = {},
): { pixels: Uint8ClampedArray; vmin: number; vmax: number } {
  const nanMask = new Uint8Array(image.data.length);
  const { bytes, vmin, vmax } = stretchToBytes(image.data, options, nanMask);
  const lut = colormapLut(options.colormap ?? 'grey');
  const nan = options.nanColor ?? [0, 0, 0, 0];
  const out = new Uint8ClampedArray(bytes.length * 4);
  const flip = options.flipY !== false;
  const w = image.width;
  const h = image.height;
  for (let y = 0; y < h; y++) {
    const srcRow = flip ? h - 1 - y : y;
    for (let x = 0; x < w; x++) {
      const s = srcRow * w + x;
      const d = (y * w + x) * 4;
      if (nanMask[s]) {
        out[d] = nan[0];
        out[d + 1] = nan[1];
        out[d + 2] = nan[2];
        out[d + 3] = nan[3];
      } else {
        const l = bytes[s] * 3;
        out[d] = lut[l];
        out[d + 1] = lut[l + 1];
        out[d + 2] = lut[l + 2];
        out[d + 3] = 255;
      }
    }
  }
  return { pixels: out, vmin, vmax };
}

function flipRows(bytes: Uint8Array, w: number, h: number, channels: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const row = w * channels;
  for (let y = 0; y < h; y++) out.set(bytes.subarray((h - 1 - y) * row, (h - y) * row), y * row);
  return out;
}
