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

const LEVELS = 4096;

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
 * Renders `data` into RGBA `out` through limits → stretch → colour map in one pass with lookup tables.
 * NaN pixels are drawn transparent-black.
 */
export function renderRgba(
  data: Float32Array,
  out: Uint8ClampedArray,
  settings: DisplaySettings,
  sample?: Float32Array,
): void {
  const table = stretchTable(settings.stretch, settings.limits, sample);
  const lut = colormapLut(settings.colormap);
  // Combined table: input level → packed RGBA (little-endian ABGR word).
  const packed = new Uint32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) {
    let c = Math.round(table[i] * 255);
    if (settings.invert) c = 255 - c;
    c = c < 0 ? 0 : c > 255 ? 255 : c;
    packed[i] = (255 << 24) | (lut[c * 3 + 2] << 16) | (lut[c * 3 + 1] << 8) | lut[c * 3];
  }
  const words = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  const lo = settings.limits.lo;
  const scale = (LEVELS - 1) / (settings.limits.hi - settings.limits.lo);
  const top = LEVELS - 1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) {
      words[i] = 0xff000000;
      continue;
    }
    let k = ((v - lo) * scale) | 0;
    if (k < 0) k = 0;
    else if (k > top) k = top;
    words[i] = packed[k];
  }
}
