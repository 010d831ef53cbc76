/** DTOs of the `plate-solve` task (`owb solve`): one frame in, its solution (or why not) out. */
import type { FitsCard } from '../../../src-workers/core/fits/index.js';

export interface PlateSolveInput {
  path: string;
  hdu?: number;
  /** Pointing hint; overrides the header's. */
  raDeg?: number;
  decDeg?: number;
  radiusDeg?: number;
  /** Pixel-scale range, arcsec/px; overrides the header's estimate (±15 %) [0.5–30]. */
  scaleLowArcsec?: number;
  scaleHighArcsec?: number;
  /** Folders of index files [Debian's /usr/share/astrometry]. */
  indexDirs?: string[];
  /** Solve without any pointing hint, even when the header has one. */
  blind?: boolean;
  /** Do not solve frames without a pointing hint (header or raDeg/decDeg): say so instead [false]. */
  requireHint?: boolean;
  /** Write the solved copy here (never over the input, nor over a file owb solve did not write). */
  outPath?: string;
  /**
   * Folder for structures derived from the index files (star order, quads built from triangles), reused by
   * later solves [none: built in memory, once per worker thread]; `owb solve` uses the workspace's
   * `cache/plate-solve`.
   */
  cacheDir?: string;
  /**
   * The search budget: give up after verifying this many candidate matches [20000]. Deterministic: the
   * same frame gives the same answer on a busy machine as on an idle one.
   */
  maxCandidates?: number;
  /**
   * A wall-clock limit on the search, in seconds, on top of the budget [none]. Only when asked for: with
   * it, whether a hard frame solves depends on the machine's load.
   */
  maxSeconds?: number;
}

export interface PlateSolveOutput {
  /** Set when the input was unusable (bad FITS, bad option): the CLI exits 2 with this message. */
  error?: { code: string; message: string };
  file: string;
  solved: boolean;
  reason?: string;
  centreRa?: number;
  centreDec?: number;
  scaleArcsec?: number;
  rotationDeg?: number;
  flipped?: boolean;
  matched?: number;
  rmsArcsec?: number;
  logOdds?: number;
  sipOrder?: number;
  indexId?: number;
  /** Photometric zero point (mag = PHOTZP − 2.5 log10(total ADU), Tycho-2 V_T), its error, stars used. */
  zeroPoint?: number;
  zeroPointErr?: number;
  zeroPointStars?: number;
  /** Colour term of the calibration (mag per mag of `colourName`), where the catalog has a colour. */
  colourTerm?: number;
  colourTermErr?: number;
  colourName?: string;
  detections: number;
  hintSource: string[];
  seconds: number;
  written?: string;
  /** The WCS cards written (or that would be), for callers that keep them. */
  cards?: FitsCard[];
}
