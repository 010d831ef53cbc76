import { InputError } from '../errors.js';
import type { Image } from '../image/image.js';
import { createRng } from '../random/rng.js';
import type { SynthConfig } from './config.js';
import { gray8 } from './gray8.js';
import type { Rng } from '../random/rng.js';
import { drawParityParams, renderParity, renderParityFromSeed, type ParityParams } from './parity.js';
import { drawPhysicalParams, renderPhysical, type PhysicalParams } from './physical.js';
import { planSample, type SamplePlan } from './plan.js';

/** The parameters of one image, by mode. */
export type SampleParams = ParityParams | PhysicalParams;

/** One generated image with its plan and every parameter drawn for it. */
export interface GeneratedSample {
  plan: SamplePlan;
  params: SampleParams;
  /**
   * Row-major float64 pixels, `image_size`². Parity mode: image units (galaxy peak 0.3–1 by default);
   * physical mode: ADU, sky included.
   */
  pixels: Float64Array;
}

function drawParams(config: SynthConfig, label: 0 | 1, rng: Rng): SampleParams {
  if (config.General.mode === 'injection') {
    throw new InputError(
      'SYNTH_MODE',
      'General.mode injection draws its images from real frames (see inject.ts), not from a seed alone',
    );
  }
  return config.General.mode === 'physical'
    ? drawPhysicalParams(config, label, rng)
    : drawParityParams(config, label, rng);
}

function render(config: SynthConfig, params: SampleParams, rng: Rng, out?: Float64Array): Float64Array {
  return params.kind === 'physical' ? renderPhysical(config, params, rng) : renderParity(config, params, rng, out);
}

/**
 * Generates image `index` (global, training images first) of the dataset described by `config`.
 * Depends only on the configuration and the index (its seed is `deriveSeed(General.seed, index)`), so any
 * image can be regenerated alone and results do not depend on how many workers share the work.
 */
export function generateSample(config: SynthConfig, index: number): GeneratedSample {
  const plan = planSample(config, index);
  return generateFromPlan(config, plan);
}

/**
 * `generateSample` for an already computed plan (the seed in `plan.seed` drives every draw). `scratch`
 * (optional, `image_size`² long) may be overwritten and returned as `pixels`: a batch reuses one buffer.
 */
export function generateFromPlan(config: SynthConfig, plan: SamplePlan, scratch?: Float64Array): GeneratedSample {
  const { params, pixels } = drawAndRender(config, plan.seed, plan.label, scratch);
  return { plan, params, pixels };
}

/** The parameters and pixels of one image: in one call into the kernels where they apply. */
function drawAndRender(
  config: SynthConfig,
  seed: number,
  label: 0 | 1,
  scratch?: Float64Array,
): { params: SampleParams; pixels: Float64Array } {
  const inKernels = config.General.mode === 'parity' ? renderParityFromSeed(config, seed, label, scratch) : undefined;
  if (inKernels) return inKernels;
  const rng = createRng(seed);
  const params = drawParams(config, label, rng);
  return { params, pixels: render(config, params, rng, scratch) };
}

/**
 * Regenerates one image from the seed and label recorded in `metadata.csv` (or a FITS header), without
 * knowing its index: the same configuration, seed and label give the same pixels.
 */
export function generateFromSeed(
  config: SynthConfig,
  seed: number,
  label: 0 | 1,
): { params: SampleParams; pixels: Float64Array } {
  return drawAndRender(config, seed, label);
}

/** Only the parameters of image `index` (cheap: nothing is rendered), e.g. to rebuild metadata on resume. */
export function sampleParams(config: SynthConfig, index: number): { plan: SamplePlan; params: SampleParams } {
  const plan = planSample(config, index);
  return { plan, params: drawParams(config, plan.label, createRng(plan.seed)) };
}

/** Image `index` as a float32 `Image`, for previews (e.g. the UI's Datasets form). */
export function renderSample(config: SynthConfig, index: number): Image {
  const { pixels } = generateSample(config, index);
  const size = config.General.image_size;
  return { width: size, height: size, data: Float32Array.from(pixels) };
}

/**
 * 8-bit display values as the reference generator writes them: `round(255·clip(value + pedestal, 0, 1))`
 * (halves round up; numpy's rint rounds them to even, which an exact half of a float sum never hits in
 * practice), the pedestal [0.1] keeping the noise around zero from being clipped.
 */
export function toGray8(pixels: ArrayLike<number>, pedestal: number): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = gray8(pixels[i], pedestal);
  return out;
}
