/**
 * Public surface of background estimation (SExtractor/SEP class): a mesh model and full-resolution maps.
 */
import { createImage, type Image } from '../image/image.js';
import { buildBackgroundModel, createBackgroundEvaluator, type BackgroundModel } from './background-model.js';

export {
  buildBackgroundModel,
  createBackgroundEvaluator,
  meshEstimates,
  meshGrid,
  modelFromMeshes,
} from './background-model.js';
export type { BackgroundModel, BackgroundModelOptions, BackgroundEvaluator } from './background-model.js';
export { clippedMode, histogramMode, createHistogramScratch, medianFinite } from './mesh-stats.js';

/** Options of `estimateBackground`. */
export interface BackgroundOptions {
  /** Mesh size in pixels [64]. */
  meshSizePx?: number;
  /** Median filter size in meshes [3]. */
  filterSize?: number;
  /** Non-zero = pixel ignored; same length as the image data. */
  mask?: Uint8Array;
  /** Pixels at or above this level are ignored [none]. */
  saturationLevel?: number;
}

/** Full-resolution background and noise maps plus their global medians (ADU). */
export interface BackgroundResult {
  background: Image;
  rms: Image;
  globalBackground: number;
  globalRms: number;
  /** The mesh model the maps were interpolated from (cheap to send to workers). */
  model: BackgroundModel;
}

/**
 * Background and RMS maps as SExtractor computes them: per-mesh sigma-clipped mode (2.5·median − 1.5·mean
 * unless skewed), median filter over meshes, bicubic-spline interpolation to every pixel.
 * NaN, masked and saturated pixels are ignored. A frame with no valid pixel gives zero maps.
 */
export function estimateBackground(image: Image, options: BackgroundOptions = {}): BackgroundResult {
  const model = buildBackgroundModel(image, options);
  const evaluator = createBackgroundEvaluator(model);
  const background = createImage(image.width, image.height);
  const rms = createImage(image.width, image.height);
  for (let y = 0; y < image.height; y++) {
    evaluator.row(
      y,
      0,
      image.width,
      background.data.subarray(y * image.width, (y + 1) * image.width),
      rms.data.subarray(y * image.width, (y + 1) * image.width),
    );
  }
  return { background, rms, globalBackground: model.globalBackground, globalRms: model.globalRms, model };
}
