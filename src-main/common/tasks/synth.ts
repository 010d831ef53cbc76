import type { SynthConfig } from '../../../src-workers/core/synth/config.js';

/** Input of the `synth-generate` task: render, encode and write the listed images of a dataset. */
export interface SynthGenerateInput {
  /** The resolved (validated) configuration. */
  config: SynthConfig;
  /**
   * Absolute folder the images are written into, in the dataset's layout (whose folders already exist):
   * the run's staging folder, which the caller moves into the dataset when all images are written.
   */
  outDir: string;
  /** Global image indices to (re)write. */
  indices: number[];
  /**
   * Shared work: two int32s, the next position in `indices` to claim and the number of images written,
   * advanced with `Atomics.add` by every task given the same buffer. Without it the task writes them all.
   */
  cursor?: SharedArrayBuffer;
}

/** What one `synth-generate` task wrote. */
export interface SynthGenerateOutput {
  written: number;
  bytes: number;
}
