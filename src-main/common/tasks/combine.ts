/**
 * DTOs of the `combine-band` task: a slice of pixels of one row band of N frames, combined pixel by
 * pixel. Bands and output are views on SharedArrayBuffers, so nothing is copied to or from the worker.
 */
import type { ResolvedCombine } from '../../../src-workers/core/calibrate/index.js';

export interface CombineBandInput {
  /** One view per frame, all the same length (the slice's pixels). */
  bands: Float32Array[];
  options: ResolvedCombine;
  /** Where the combined values go (same length as each band). */
  out: Float32Array;
}

/** Pixels combined (the values are in `out`). */
export interface CombineBandOutput {
  pixels: number;
}
