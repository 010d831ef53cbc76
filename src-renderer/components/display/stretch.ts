import {
  colormapLut,
  stretchFunction,
  type ColormapName,
  type StretchName,
} from '../../../src-workers/core/display/index.js';
import type { Limits } from './limits.js';

export { STRETCHES, type StretchName } from '../../../src-workers/core/display/index.js';

export interface DisplaySettings {
  stretch: StretchName;
  limits: Limits;
  colormap: ColormapName;
  invert: boolean;
}

/** Input levels between the limits: a pixel's level is ⌊(v − lo) × scale⌋ clipped to [0, LEVELS − 1]. */
export const LEVELS = 4096;

/**
 * `lo` and `scale` of the level index as float32, the precision the WebGL2 shader computes in: the 2-D
 * path rounds `v − lo` and the product to float32 too, so both paths pick the same level for every
 * pixel (float64 here and float32 on the GPU would disagree on a few pixels per million, which the
 * steep start of the log stretch turns into up to 9 grey levels).
 */
export function levelIndexParams(limits: Limits): { lo: number; scale: number } {
  return { lo: Math.fround(limits.lo), scale: Math.fround((LEVELS - 1) / (limits.hi - limits.lo)) };
}

/**
 * The stretch as a 4096-entry table over normalised input t ∈ [0, 1], from `core/display`'s stretch
 * functions; `histeq` equalises the histogram of `sample` between the limits.
 */
export function stretchTable(stretch: StretchName, limits: Limits, sample?: Float32Array): Float32Array {
  const table = new Float32Array(LEVELS);
  if (stretch === 'histeq' && sample && sample.length) {
    const hist = new Float64Array(LEVELS);
    const scale = (LEVELS - 1) / (limits.hi - limits.lo);
    for (const v of sample) {
      const k = Math.round((v - limits.lo) * scale);
      hist[k < 0 ? 0 : k >= LEVELS ? LEVELS - 1 : k]++;
    }
    let acc = 0;
    for (let i = 0; i < LEVELS; i++) {
      acc += hist[i];
      table[i] = acc / sample.length;
    }
    return table;
  }
  // The stretch definitions of core/display (astropy's), tabulated once per change.
  const f = stretchFunction(stretch);
  for (let i = 0; i < LEVELS; i++) table[i] = f(i / (LEVELS - 1));
  return table;
}

/**
 * The display as one table: input level (0 … LEVELS − 1) → packed RGBA (little-endian ABGR word, so
 * its bytes are R, G, B, A): stretch, 8-bit rounding, inversion and colour map. `renderRgba` reads it
 * per pixel and the WebGL2 shader fetches it as a 4096 × 1 texture, so both paths give the same colour
 * for the same level.
 */
export function displayTable(settings: DisplaySettings, sample?: Float32Array): Uint32Array {
  const table = stretchTable(settings.stretch, settings.limits, sample);
  const lut = colormapLut(settings.colormap);
  const packed = new Uint32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) {
    let c = Math.round(table[i] * 255);
    if (settings.invert) c = 255 - c;
    c = c < 0 ? 0 : c > 255 ? 255 : c;
    packed[i] = ((255 << 24) | (lut[c * 3 + 2] << 16) | (lut[c * 3 + 1] << 8) | lut[c * 3]) >>> 0;
  }
  return packed;
}

/**
 * Renders `data` into RGBA `out` through limits → stretch → colour map in one pass with lookup tables.
 * NaN pixels are drawn opaque black; values at or beyond the limits take the end levels (±Infinity too).
 */
export function renderRgba(
  data: Float32Array,
  out: Uint8ClampedArray,
  settings: DisplaySettings,
  sample?: Float32Array,
): void {
  const packed = displayTable(settings, sample);
  const words = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  const { lo, scale } = levelIndexParams(settings.limits);
  const top = LEVELS - 1;
  const fround = Math.fround;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) {
      words[i] = 0xff000000;
      continue;
    }
    // Clipped before truncating: `| 0` wraps past 2^31, which drew pixels far above `hi` (and +Infinity) black.
    const x = fround(fround(v - lo) * scale);
    words[i] = packed[x >= top ? top : x > 0 ? x | 0 : 0];
  }
}
