/**
 * Linear luminance of a PNG/JPEG/TIFF raster, for measuring on it (detection, photometry).
 *
 * Flux is additive only in linear light, so gamma-encoded values are linearised first and then weighted.
 * The weights are Rec. 709's (ITU-R BT.709-6 §3.3: Y = 0.2126 R + 0.7152 G + 0.0722 B), because sRGB uses
 * the Rec. 709 primaries and white point (IEC 61966-2-1): they are the luminance of exactly those
 * primaries. Rec. 601's 0.299/0.587/0.114 belong to the older NTSC primaries and, applied to sRGB data,
 * give a luma that is not proportional to light.
 */
import type { Image } from './image.js';

/** How a raster's stored values map to light: the sRGB curve, or already linear. */
export type RasterTransfer = 'srgb' | 'linear';

/** Rec. 709 luminance weights of linear R, G, B (ITU-R BT.709-6, item 3.3). */
export const REC709_WEIGHTS: readonly [number, number, number] = [0.2126, 0.7152, 0.0722];

/**
 * The sRGB decoding curve (IEC 61966-2-1:1999 §5.2): encoded value `v` in [0, 1] → linear value in
 * [0, 1] (v / 12.92 below 0.04045, else ((v + 0.055) / 1.055)^2.4).
 */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Options of `rasterToLinearLuminance`. */
export interface LuminanceOptions {
  /** Largest stored value (255 for 8-bit, 65535 for 16-bit rasters). */
  maxValue: number;
  /**
   * Transfer of the stored values [`srgb` for 8-bit, `linear` for 16-bit: 8-bit PNG/JPEG from cameras
   * and the web are sRGB-encoded, while 16-bit TIFF/PNG from astronomical software usually hold linear
   * counts].
   */
  transfer?: RasterTransfer;
}

/**
 * Linear luminance of raster planes (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA; alpha is ignored), each
 * holding stored values in [0, `maxValue`]. Returns an image in the same scale: linear light × `maxValue`,
 * so a linear 16-bit raster keeps its counts and a white pixel is `maxValue` either way. Does not modify
 * its inputs.
 */
export function rasterToLinearLuminance(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  options: LuminanceOptions,
): Image {
  const { maxValue } = options;
  const transfer = options.transfer ?? (maxValue > 255 ? 'linear' : 'srgb');
  const n = width * height;
  if (planes.length === 0 || planes.some((p) => p.length !== n))
    throw new RangeError(`raster planes must each hold ${width}×${height} values`);
  // Stored values are integers 0…maxValue, so the curve is a lookup table.
  let lut: Float32Array | undefined;
  if (transfer === 'srgb') {
    lut = new Float32Array(maxValue + 1);
    for (let i = 0; i <= maxValue; i++) lut[i] = srgbToLinear(i / maxValue) * maxValue;
  }
  const lin = (v: number): number => (lut ? lut[Math.min(maxValue, Math.max(0, Math.round(v)))] : v);
  const out = new Float32Array(n);
  if (planes.length < 3) {
    const g = planes[0];
    for (let i = 0; i < n; i++) out[i] = lin(g[i]);
  } else {
    const [r, g, b] = planes;
    const [wr, wg, wb] = REC709_WEIGHTS;
    for (let i = 0; i < n; i++) out[i] = wr * lin(r[i]) + wg * lin(g[i]) + wb * lin(b[i]);
  }
  return { width, height, data: out };
}
