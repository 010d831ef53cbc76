import type { BackgroundModel } from '../background/background-model.js';

/**
 * Which noise the detection threshold (and the background term of the errors) uses:
 * - `global`: the median of the mesh noise values, one number for the frame. This is SExtractor's behaviour
 *   without a weight map (threshold = DETECT_THRESH × the global background RMS) and SEP's usual
 *   `err=bkg.globalrms`. On a frame with a large galaxy the meshes on the galaxy measure its light
 *   gradient as "noise"; a threshold that follows them rises on the galaxy and lets its arms fall apart.
 * - `map`: the interpolated per-mesh noise map (SExtractor's WEIGHT_TYPE BACKGROUND), for frames whose noise
 *   really varies (mosaics, vignetted flats).
 */
export type ThreshRms = 'global' | 'map';

/** `model` with its noise replaced by the constant `globalRms` when `mode` is `global` (levels unchanged). */
export function noiseForDetection(model: BackgroundModel, mode: ThreshRms): BackgroundModel {
  if (mode === 'map') return model;
  return { ...model, sigma: new Float32Array(model.sigma.length).fill(model.globalRms) };
}
