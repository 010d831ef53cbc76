/** DTOs of the `difference` task: difference a science frame against a reference, in a worker. */

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

/** One residual, science-frame pixel coordinates (0-based) and sky position when there is a WCS. */
export interface DifferenceCandidateDto {
  x: number;
  y: number;
  ra?: number;
  dec?: number;
  sign: 1 | -1;
  flux: number;
  fluxErr: number;
  snr: number;
  fwhm: number;
  referenceFlux: number;
  dipole: boolean;
  flags: number;
}

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
