/**
 * Data shapes the workbench UI exchanges with the services, over Electron IPC or the `owb serve`
 * WebSocket alike (see `ipc-contract.ts`). Pixel buffers stay typed arrays; the WebSocket codec moves
 * them as binary attachments and Electron's structured clone copies them natively.
 * Pixel coordinates are 0-based pixel centres (ARCHITECTURE.md).
 */

export interface WorkspaceInfo {
  root: string;
  catalogPath: string | null;
  /** False when the catalog service is not available (the UI then says so instead of failing). */
  catalogAvailable: boolean;
  counts: { frames: number; sources: number; objects: number; candidates: number; labels: number; jobs: number };
  version: string;
}

export type FrameStatus = 'new' | 'queued' | 'processing' | 'done' | 'failed';

export interface FrameRow {
  id: number;
  path: string;
  fileName: string;
  imageType: string;
  filter: string | null;
  exposureSec: number | null;
  dateObs: string | null;
  width: number | null;
  height: number | null;
  fwhmPx: number | null;
  backgroundAdu: number | null;
  starCount: number | null;
  status: FrameStatus | string;
  /** Plate solving by the `solve` step: 'solved', 'unsolved' (see `solveReason`), absent when it did not run. */
  solveStatus?: 'solved' | 'unsolved' | null;
  solveReason?: string | null;
  /** Tycho-2 V_T zero point of the frame's magnitudes (mag = mag_inst + photZp), when solved. */
  photZp?: number | null;
  /**
   * FITS CHECKSUM/DATASUM verdict at ingest: `ok`, `bad` (see `checksumNote`), `absent` (the file has none),
   * null when unknown (ingested before verification existed, or not FITS).
   */
  checksumState?: 'ok' | 'bad' | 'absent' | null;
  /** Which HDU and keyword did not match when `checksumState` is `bad`. */
  checksumNote?: string | null;
}

export type HeaderValue = string | number | boolean | null;

export interface FrameDetail {
  frame: FrameRow;
  /** Header cards in file order (comments dropped); keywords keep their FITS spelling. */
  header: Array<{ key: string; value: HeaderValue; comment?: string }>;
  /**
   * Why the frame has no sky coordinates or no (complete) times, for the frame info panel: `skyReason` is the
   * WCS reader's reason (e.g. "CTYPE1 'RA---XYZ': projection 'XYZ' is unknown or not implemented"), null when
   * the header (or its plate solution) gives sky coordinates; `timeNote` is the catalog's note on the times
   * (e.g. "no BJD_TDB: no observatory position (…)"), null when nothing is missing.
   */
  coordinates?: { skyReason: string | null; timeNote: string | null };
  /**
   * The file's image HDUs (at least two axes; `planes` > 1 for a cube) and the one whose header this is;
   * absent when the file could not be read.
   */
  images?: { list: Array<{ hdu: number; name: string; width: number; height: number; planes: number }>; hdu: number };
}

/** A raster ready for client-side stretching; `binning` > 1 when the server block-averaged it. */
export interface PixelsDto {
  width: number;
  height: number;
  binning: number;
  data: Float32Array;
  /** A short caption where the producer knows one (a synthetic sample's class and split). */
  caption?: string;
}

/** Detections of one frame, columnar (struct of arrays) as SEP returns them. */
export interface SourceColumns {
  count: number;
  id: Float64Array;
  x: Float32Array;
  y: Float32Array;
  a: Float32Array;
  b: Float32Array;
  thetaRad: Float32Array;
  flux: Float32Array;
  snr: Float32Array;
  flags: Int32Array;
}

export interface SourceQuery {
  frameId?: number;
  minSnr?: number;
  search?: string;
  sortBy?: 'id' | 'frameId' | 'x' | 'y' | 'raDeg' | 'decDeg' | 'flux' | 'mag' | 'snr' | 'fwhmPx' | 'flags';
  descending?: boolean;
  offset: number;
  limit: number;
}

export interface SourceRow {
  id: number;
  frameId: number;
  x: number;
  y: number;
  raDeg: number | null;
  decDeg: number | null;
  flux: number;
  fluxErr: number | null;
  mag: number | null;
  snr: number;
  fwhmPx: number | null;
  flags: number;
  objectId: number | null;
}

export interface SourcePage {
  total: number;
  offset: number;
  rows: SourceRow[];
}

export interface ConeQuery {
  raDeg: number;
  decDeg: number;
  radiusArcsec: number;
}

export interface ObjectRow {
  id: number;
  raDeg: number;
  decDeg: number;
  nMeasurements: number;
  meanMag: number | null;
  separationArcsec?: number;
}

export interface ObjectQuery {
  minMeasurements?: number;
  sortBy?: 'id' | 'raDeg' | 'decDeg' | 'nMeasurements';
  descending?: boolean;
  offset: number;
  limit: number;
}

export interface ObjectPage {
  total: number;
  offset: number;
  rows: ObjectRow[];
}

export interface LightCurvePoint {
  mjd: number;
  mag: number | null;
  magErr: number | null;
  flux: number;
  fluxErr: number | null;
  filter: string | null;
  frameId: number;
}

export interface CurationFilter {
  kind: 'detection' | 'candidate';
  frameId?: number;
  minSnr?: number;
  /** Keep items whose flags have none of these bits set. */
  excludeFlags?: number;
  unlabelledOnly?: boolean;
  limit?: number;
  /**
   * Candidates only, by the active realbogus model's score: `score` highest first, `scoreAscending` lowest
   * first, `uncertainty` closest to 0.5 first (active learning); unscored candidates come last [id].
   */
  order?: 'id' | 'score' | 'scoreAscending' | 'uncertainty';
  /** Candidates only: keep those the active model scored within [minScore, maxScore] (probability of real). */
  minScore?: number;
  maxScore?: number;
}

export interface CurationItem {
  kind: 'detection' | 'candidate';
  id: number;
  frameId: number;
  x: number;
  y: number;
  raDeg: number | null;
  decDeg: number | null;
  measurements: Record<string, number | string | null>;
  label: string | null;
  /** Probability of real by the active realbogus model (candidates it scored), else null. */
  modelScore?: number | null;
}

export interface StampSet {
  sizePx: number;
  science: PixelsDto;
  reference: PixelsDto | null;
  difference: PixelsDto | null;
}

export interface LabelInput {
  targetKind: 'detection' | 'candidate';
  targetId: number;
  /** `accept`, `reject` or `class:1` … `class:9`. */
  label: string;
}

export interface LabelRecord {
  id: number;
  targetKind: string;
  targetId: number;
  label: string | null;
  previous: string | null;
  createdAt: string;
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  /** Text formats (CSV, DS9 regions). */
  text?: string;
  /** Binary formats (FITS tables). */
  bytes?: Uint8Array;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRow {
  id: number;
  kind: string;
  state: JobState | string;
  frameId: number | null;
  path: string | null;
  progress: number | null;
  attempts: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface WatchedFolder {
  id: number;
  path: string;
  profile: string;
  paused: boolean;
  /** Added by an explicit confirmation although outside the workspace; read-only (nothing is written there). */
  outsideWorkspace?: boolean;
  /** How its watcher is doing (not stored): `failed` with `reason` while the other folders keep running. */
  state?: 'ok' | 'failed' | 'paused';
  reason?: string | null;
}

export interface MasterRow {
  id: number;
  kind: string;
  filter: string | null;
  exposureSec: number | null;
  path: string;
  createdAt: string | null;
}

export interface PipelineStats {
  jobsByState: Record<string, number>;
  framesPerMinute: number | null;
  medianLatencySec: number | null;
}

export interface SynthConfigError {
  key: string;
  message: string;
}

export interface SynthValidation {
  config: Record<string, unknown>;
  errors: SynthConfigError[];
}

export interface SynthRunStatus {
  runId: string;
  outDir: string;
  /** Images whole in `outDir`: kept from an earlier run or written by this one. */
  done: number;
  total: number;
  /** `cancelled`: stopped on request; generating into the same `outDir` again continues it. */
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error: string | null;
  /** Images written per second by this run so far (null before the first measurement). */
  rate: number | null;
  /** Seconds left at that rate (null while unknown). */
  secondsLeft: number | null;
}

/** The workbench's place on the SAMP bus, and the other tools there. */
export interface SampStatus {
  connected: boolean;
  /** True when the hub is the workbench's own (started because none ran). */
  ownHub: boolean;
  clients: Array<{ id: string; name: string }>;
  /** Why it is not connected, when it tried. */
  reason?: string;
}

/** What another tool on the SAMP bus asked the workbench to show. */
export type SampSelection =
  | {
      kind: 'sky';
      raDeg: number;
      decDeg: number;
      objectId: number | null;
      separationArcsec: number | null;
      from: string;
    }
  | { kind: 'sources'; sourceIds: number[]; frameId: number | null; from: string };
