/**
 * DTOs of the `process-frame` task: what a watched-folder job asks a worker to do with one frame and what
 * comes back. Source catalogs are columnar (struct of arrays), moved back as transferables.
 */

/** Per-source columns as the catalog stores them; every array has `count` entries. */
export interface SourceColumns {
  count: number;
  /** 0-based pixel centres. */
  x: Float64Array | Float32Array;
  y: Float64Array | Float32Array;
  xErr?: Float64Array | Float32Array;
  yErr?: Float64Array | Float32Array;
  ra?: Float64Array;
  dec?: Float64Array;
  flux?: Float64Array | Float32Array;
  fluxErr?: Float64Array | Float32Array;
  fluxAuto?: Float64Array | Float32Array;
  mag?: Float64Array | Float32Array;
  magErr?: Float64Array | Float32Array;
  /** Instrumental magnitude (−2.5 log10 flux) when `mag` is calibrated by the frame's zero point. */
  magInst?: Float64Array | Float32Array;
  a?: Float64Array | Float32Array;
  b?: Float64Array | Float32Array;
  theta?: Float64Array | Float32Array;
  fwhm?: Float64Array | Float32Array;
  snr?: Float64Array | Float32Array;
  flags?: Int32Array | Uint32Array | Uint16Array | Uint8Array;
}

export interface ProcessFrameSteps {
  /** Detection parameters; absent = no detection. */
  detect?: { threshSigma?: number; minAreaPx?: number };
  /** Aperture photometry on the detections; absent = none. */
  photometry?: { radiusPx?: number; annulusPx?: [number, number] };
  /** Master frames to apply before detection (paths), when calibration is asked for. */
  calibrate?: { bias?: string; dark?: string; flat?: string };
  /** Plate-solve the detections when the header has no usable WCS (or `always`); absent = never. */
  solve?: FrameSolveStep;
}

/** The `solve` step: hints and limits as `owb solve` takes them (header hints are used too). */
export interface FrameSolveStep {
  /** Solve even when the header has a WCS, and use the solution [false]. */
  always?: boolean;
  raDeg?: number;
  decDeg?: number;
  radiusDeg?: number;
  scaleLowArcsec?: number;
  scaleHighArcsec?: number;
  /** Folders of astrometry.net index files [Debian's /usr/share/astrometry]. */
  indexDirs?: string[];
  /** The search budget in verified candidates [20000; 5000 in the default profile] (see PlateSolveInput). */
  maxCandidates?: number;
  /** A wall-clock limit on the search, seconds [none] (see PlateSolveInput). */
  maxSeconds?: number;
  /**
   * Solve only frames whose header (or raDeg/decDeg) gives a pointing; others are 'unsolved' with that
   * reason [false; true in the default profile, which keeps blind solving's cost to profiles that ask].
   */
  requireHint?: boolean;
  /** The workspace's plate-solve cache folder (set by the job, not by profiles) [none]. */
  cacheDir?: string;
}

/** What the `solve` step found for a frame. */
export interface FrameSolveResult {
  solved: boolean;
  /** Why not, when not solved. */
  reason?: string;
  /** The solution as header cards {KEY: value} (TAN-SIP, PHOTZP), as `owb solve` writes them. */
  wcs?: Record<string, string | number>;
  centreRa?: number;
  centreDec?: number;
  scaleArcsec?: number;
  rotationDeg?: number;
  flipped?: boolean;
  matched?: number;
  rmsArcsec?: number;
  logOdds?: number;
  indexId?: number;
  /** V_T zero point of the catalog's magnitudes: mag = magInst + zeroPoint (Tycho-2 V_T), its error, stars. */
  zeroPoint?: number;
  zeroPointErr?: number;
  zeroPointStars?: number;
  /** Catalog magnitude of the zero point (`MAG_VT`), and the colour term where the catalog has a colour. */
  zeroPointBand?: string;
  colourName?: string;
  colourTerm?: number;
  colourTermErr?: number;
  hintSource: string[];
  seconds: number;
}

export interface ProcessFrameInput {
  path: string;
  /** Expected content hash; the task refuses a file whose bytes changed since ingest. */
  contentHash?: string;
  hdu?: number;
  steps: ProcessFrameSteps;
}

export interface FrameQuality {
  medianAdu?: number;
  madAdu?: number;
  minAdu?: number;
  maxAdu?: number;
  fwhmPx?: number;
}

export interface ProcessFrameOutput {
  width: number;
  height: number;
  quality: FrameQuality;
  /** Which steps ran, e.g. ['stats', 'detect', 'photometry']; steps whose engine is missing are skipped. */
  ran: string[];
  skipped: string[];
  sources?: SourceColumns;
  /** Set when sources were found but the header gives no sky coordinates: the file and the reason. */
  noSkyReason?: string;
  /** Set when the `solve` step ran. */
  solve?: FrameSolveResult;
}
