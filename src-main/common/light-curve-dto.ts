/** Data shapes of the light-curve calls of the IPC contract (ensemble photometry, comparison stars). */

/** The comparison stars the user chose for a target (catalog object ids); empty = automatic choice. */
export interface ComparisonStars {
  objectId: number;
  compObjects: number[];
}

/** Where an object of an ensemble lies on one frame (0-based pixel centres). */
export interface EnsemblePosition {
  objectId: number;
  x: number;
  y: number;
  role: 'target' | 'comp' | 'rejected';
}

/** An ensemble differential light curve (as `owb lightcurve` computes it), one entry per frame. */
export interface EnsembleCurve {
  objectId: number;
  filter: string;
  /** 'BJD_TDB' or 'MJD_UTC': what `time` is (days; BJD_TDB − 2400000.5 or MJD). */
  timeSystem: string;
  /** 'user': the comparison stars picked for this target; 'auto': the automatic choice. */
  compSource: 'user' | 'auto';
  compObjects: number[];
  rejectedObjects: Array<{ objectId: number; reducedChi2: number }>;
  frameIds: number[];
  time: number[];
  mag: Array<number | null>;
  magErr: Array<number | null>;
  /** Per-point flags (1 outlier, 2 saturated, …; see core/timeseries LC_FLAG). */
  flags: number[];
  /** Target and comparison positions on the frame asked for (empty without one). */
  positions: EnsemblePosition[];
}

/** The catalog object detected nearest a pixel of a frame. */
export interface FrameObjectHit {
  objectId: number;
  sourceId: number;
  x: number;
  y: number;
  distancePx: number;
}
