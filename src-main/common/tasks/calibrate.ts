/**
 * DTOs of the calibration worker tasks. Master frames and the reference image travel in
 * SharedArrayBuffer-backed arrays, so every worker reads the same memory and nothing is copied.
 */
import type { MasterLibrary } from '../../../src-workers/core/calibrate/index.js';
import type { LaCosmicOptions } from '../../../src-workers/core/cosmic/index.js';
import type { Affine, StarList } from '../../../src-workers/core/register/index.js';

export interface CalibrateFrameInput {
  path: string;
  /** Output file (written atomically). */
  outPath: string;
  masters: MasterLibrary;
  /** Base name of the masters folder, for HISTORY. */
  mastersName: string;
  cosmic: boolean;
}

export type CalibrateFrameOutput = { output: string; cosmicPixels?: number } | { skipped: string };

export interface RegisterFrameInput {
  path: string;
  /** Where to write the resampled frame; omitted → transform only. */
  outPath?: string;
  reference: {
    name: string;
    width: number;
    height: number;
    /** Reference pixels (shared). */
    data: Float32Array;
    stars: { x: Float64Array; y: Float64Array; flux: Float64Array; count: number };
  };
  model?: 'similarity' | 'affine';
  resample?: 'lanczos3' | 'bilinear';
}

export type RegisterFrameOutput =
  | {
      ok: true;
      transform: Affine;
      method: 'stars' | 'phase';
      matched: number;
      rmsPx: number;
      stars: number;
      output?: string;
    }
  | { ok: false; reason: string };

export type { StarList };

export interface FrameQualityInput {
  path: string;
}

/**
 * `FrameQuality` of core/stack with the frame's brightest stars (`StarList`: x, y, Kron flux) for the
 * photometric scale, or why the frame could not be measured.
 */
export type FrameQualityOutput =
  | {
      ok: true;
      fwhmPx: number;
      eccentricity: number;
      backgroundAdu: number;
      noiseAdu: number;
      starCount: number;
      stars: { x: Float64Array; y: Float64Array; flux: Float64Array };
    }
  | { ok: false; reason: string };

export interface CosmicStripInput {
  width: number;
  /** Rows of the strip, halo included. */
  height: number;
  /** Strip pixels (ADU), transferred. */
  data: Float32Array;
  /** L.A.Cosmic options (no mask; `backgroundE` set from the whole image so strips agree). */
  options: Omit<LaCosmicOptions, 'inputMask' | 'backgroundE'> & { backgroundE: number };
}

export interface CosmicStripOutput {
  clean: Float32Array;
  mask: Uint8Array;
}
