/**
 * Applying master frames to a light: (light − bias − dark·t_light/t_dark) / flat, then replacing
 * bad pixels by the mean of their good neighbours (the classic CCD reduction, e.g. ccdproc / Siril
 * "preprocess").
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/index.js';
import { interpolateBadPixels } from './bad-pixels.js';

/** The masters to apply; every one is optional. */
export interface Masters {
  /** Master bias in ADU. */
  bias?: Image;
  /** Bias-subtracted master dark in ADU at `darkExposureSec`. */
  dark?: Image;
  /** Exposure of `dark` in seconds; with the light's exposure it scales the dark. */
  darkExposureSec?: number;
  /** Flat normalised to median 1. */
  flat?: Image;
  /** 1 where a pixel is bad (hot, cold, dead); interpolated over after calibration. */
  badPixels?: Uint8Array;
}

export interface ApplyOptions {
  /** Exposure of the light in seconds; when both exposures are known the dark is scaled by their ratio. */
  exposureSec?: number;
  /** Flat values below this are treated as dead (the pixel becomes NaN before interpolation) [0.05]. */
  minFlat?: number;
}

/** Dark scale factor t_light / t_dark, or 1 when either exposure is unknown or the dark is 0 s. */
export function darkScale(lightExposureSec: number | undefined, darkExposureSec: number | undefined): number {
  if (lightExposureSec === undefined || darkExposureSec === undefined || !(darkExposureSec > 0)) return 1;
  return lightExposureSec / darkExposureSec;
}

/**
 * Returns a new calibrated image; `light` is not modified. Masters of a different size throw
 * `InputError('FRAME_MISMATCH')`.
 */
export function applyMasters(light: Image, masters: Masters, options: ApplyOptions = {}): Image {
  const { width, height } = light;
  const n = width * height;
  for (const [name, m] of [
    ['master bias', masters.bias],
    ['master dark', masters.dark],
    ['master flat', masters.flat],
  ] as const) {
    if (m && (m.width !== width || m.height !== height)) {
      throw new InputError('FRAME_MISMATCH', `${name} is ${m.width}×${m.height} but the light is ${width}×${height}`);
    }
  }
  if (masters.badPixels && masters.badPixels.length !== n) {
    throw new InputError('FRAME_MISMATCH', `bad-pixel map has ${masters.badPixels.length} pixels, the light ${n}`);
  }
  const out = new Float32Array(light.data);
  const bias = masters.bias?.data;
  const dark = masters.dark?.data;
  const flat = masters.flat?.data;
  const scale = darkScale(options.exposureSec, masters.darkExposureSec);
  const minFlat = options.minFlat ?? 0.05;
  for (let i = 0; i < n; i++) {
    let v = out[i];
    if (bias) v -= bias[i];
    if (dark) v -= dark[i] * scale;
    if (flat) {
      const f = flat[i];
      v = f >= minFlat ? v / f : Number.NaN;
    }
    out[i] = v;
  }
  const result: Image = { width, height, data: out };
  return masters.badPixels ? interpolateBadPixels(result, masters.badPixels) : result;
}
