/** DTOs of the `difference` task: difference a science frame against a reference, in a worker. */
import type { TransientCandidate } from '../../../src-workers/core/diff/index.js';

export interface DifferenceTaskInput {
  sciencePath: string;
  referencePath: string;
  /** Where the difference image is written (atomically, with the science WCS). */
  differencePath: string;
  /** Also write the reference resampled onto the science grid here (for curation stamps). */
  alignedReferencePath?: string;
  hdu?: number;
  referenceHdu?: number;
  /** Skip registration: the frames are already on one pixel grid. */
  assumeAligned?: boolean;
  threshSigma?: number;
  minAreaPx?: number;
  gainEPerAdu?: number;
}

/** One residual (core's `TransientCandidate`) with its sky position when the science frame has a WCS. */
export type DifferenceCandidateDto = TransientCandidate & { ra?: number; dec?: number };

export interface DifferenceTaskOutput {
  /** Science-pixel → reference-pixel affine `[[a, b, tx], [c, d, ty]]`. */
  matrix: [[number, number, number], [number, number, number]];
  registration: { method: string; matched: number; rmsPx: number };
  scienceFwhmPx: number;
  referenceFwhmPx: number;
  blurred: 'science' | 'reference' | 'none';
  blurSigmaPx: number;
  fluxScale: number;
  differenceRms: number;
  apertureNoise: number;
  apertureRadiusPx: number;
  candidates: DifferenceCandidateDto[];
}
