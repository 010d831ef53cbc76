/**
 * The typed contract between the workbench UI and the services (ARCHITECTURE.md § Contracts).
 * `InvokeMap`: renderer → services, request/response, answered with `Result<response>`.
 * `EventMap`: services → renderer, pushed to subscribers.
 * Both transports (Electron IPC through the preload bridge, and `owb serve`'s WebSocket) carry these maps.
 * Channel names are prefixed `owb:`. Main registers exactly one handler per key (tests check it).
 */
import type { CatalogStars } from './catalog-stars-dto.js';
import type { ComparisonStars, EnsembleCurve, FrameObjectHit } from './light-curve-dto.js';
import type { MaskedDetection, RegionPhotometry, StarRegistration } from './region-measure-dto.js';
import type {
  ModelRun,
  ModelRunDetail,
  ModelTask,
  RetrainHint,
  ScoreCandidatesResult,
  TrainingStatus,
} from './models-dto.js';
import type { Result } from './result.js';
import type {
  ConeQuery,
  CurationFilter,
  CurationItem,
  ExportFile,
  FrameDetail,
  FrameRow,
  JobRow,
  LabelInput,
  LabelRecord,
  LightCurvePoint,
  MasterRow,
  ObjectPage,
  ObjectQuery,
  ObjectRow,
  PipelineStats,
  PixelsDto,
  SampSelection,
  SampStatus,
  SourceColumns,
  SourcePage,
  SourceQuery,
  StampSet,
  SynthRunStatus,
  SynthValidation,
  WatchedFolder,
  WorkspaceInfo,
} from './workbench-dto.js';

type Empty = Record<string, never>;

export interface InvokeMap {
  'owb:workspace.info': { request: Empty; response: WorkspaceInfo };
  'owb:frames.list': { request: Empty; response: FrameRow[] };
  /** A frame's row and the header of one of its image HDUs (`hdu`, 0-based [the first 2-D image]). */
  'owb:frames.get': { request: { frameId: number; hdu?: number }; response: FrameDetail };
  /**
   * Pixels of a frame, block-averaged by `binning` (1 = full resolution): of image HDU `hdu` (0-based [the
   * first 2-D image]) and cube plane `plane` (0-based [0]).
   */
  'owb:frames.pixels': {
    request: { frameId: number; binning?: number; hdu?: number; plane?: number };
    response: PixelsDto;
  };
  /** A small block-averaged preview for the frames table (longest side ≤ `sizePx`). */
  'owb:frames.thumbnail': { request: { frameId: number; sizePx: number }; response: PixelsDto };
  'owb:frames.sources': { request: { frameId: number }; response: SourceColumns };
  'owb:sources.query': { request: SourceQuery; response: SourcePage };
  'owb:objects.cone': { request: ConeQuery; response: ObjectRow[] };
  'owb:objects.query': { request: ObjectQuery; response: ObjectPage };
  'owb:objects.lightCurve': { request: { objectId: number }; response: LightCurvePoint[] };
  'owb:catalog.export': {
    request: { format: 'csv' | 'ecsv' | 'votable' | 'fits' | 'ds9' | 'ds9-icrs'; frameId?: number; minSnr?: number };
    response: ExportFile;
  };
  'owb:curation.queue': { request: CurationFilter; response: CurationItem[] };
  'owb:curation.stamps': {
    request: { kind: 'detection' | 'candidate'; id: number; sizePx: number };
    response: StampSet;
  };
  'owb:labels.set': { request: LabelInput; response: LabelRecord };
  /** Reverts the most recent label decision (it is kept in the history as a new row). */
  'owb:labels.undo': { request: Empty; response: LabelRecord | null };
  'owb:labels.history': { request: { targetKind: string; targetId: number }; response: LabelRecord[] };
  'owb:labels.exportCsv': { request: Empty; response: ExportFile };
  'owb:jobs.list': { request: { limit?: number }; response: JobRow[] };
  'owb:jobs.retry': { request: { jobId: number }; response: JobRow };
  'owb:pipeline.stats': { request: Empty; response: PipelineStats };
  'owb:watch.list': { request: Empty; response: WatchedFolder[] };
  /** `path` inside the workspace; a folder outside it only with `allowOutside` (the user confirmed it). */
  'owb:watch.add': { request: { path: string; profile: string; allowOutside?: boolean }; response: WatchedFolder };
  'owb:watch.remove': { request: { id: number }; response: { removed: boolean } };
  'owb:watch.setPaused': { request: { id: number; paused: boolean }; response: WatchedFolder };
  'owb:watch.profiles': { request: Empty; response: string[] };
  'owb:masters.list': { request: Empty; response: MasterRow[] };
  'owb:synth.defaults': { request: Empty; response: Record<string, unknown> };
  'owb:synth.validate': { request: { config: Record<string, unknown> }; response: SynthValidation };
  'owb:synth.preview': {
    request: { config: Record<string, unknown>; count: number; sizePx?: number };
    response: PixelsDto[];
  };
  'owb:synth.run': { request: { config: Record<string, unknown>; outDir?: string }; response: SynthRunStatus };
  'owb:synth.cancel': { request: { runId: string }; response: SynthRunStatus };
  'owb:samp.status': { request: Empty; response: SampStatus };
  /** Registers with the running SAMP hub, or starts the workbench's own when none runs. */
  'owb:samp.connect': { request: Empty; response: SampStatus };
  /** Sends a frame's sources (or all), a frame's image, or a sky position to `to` (a client name) or everyone. */
  'owb:samp.send': {
    request: { what: 'sources' | 'image' | 'sky'; frameId?: number; raDeg?: number; decDeg?: number; to?: string };
    response: { to: string[] };
  };
  /** The comparison stars picked for a target (empty: automatic). */
  'owb:lightcurve.comps': { request: { objectId: number }; response: ComparisonStars };
  /** Replaces the picked comparison stars of a target; an empty list returns it to the automatic choice. */
  'owb:lightcurve.setComps': { request: { objectId: number; compObjects: number[] }; response: ComparisonStars };
  /** The ensemble light curve of a target, with its stars' positions on `frameId` when given. */
  'owb:lightcurve.ensemble': { request: { objectId: number; frameId?: number }; response: EnsembleCurve };
  /** The catalog object detected nearest (x, y) of a frame, within `radiusPx` [5]; null when none. */
  'owb:frames.objectAt': {
    request: { frameId: number; x: number; y: number; radiusPx?: number };
    response: FrameObjectHit | null;
  };
  /** Training runs of the workspace (owb train), oldest first, with the active one of each task marked. */
  'owb:models.runs': { request: Empty; response: ModelRun[] };
  /** One run with its held-out ROC curve. */
  'owb:models.run': { request: { runId: string }; response: ModelRunDetail };
  /** Makes a finished run the active model of its task (what the pipeline and curation score with). */
  'owb:models.activate': { request: { runId: string }; response: ModelRun };
  /** New curated labels since the active model was trained, and whether retraining is suggested. */
  'owb:models.retrainHint': { request: { task: ModelTask }; response: RetrainHint };
  /**
   * The star catalog's stars (the densest astrometry.net index installed) on a frame, through the frame's
   * WCS or its plate solution, brightest first, at most `limit` [2000].
   */
  'owb:frames.catalogStars': { request: { frameId: number; limit?: number }; response: CatalogStars };
  /** The active realbogus model scores the transient candidates it has not scored yet (as owb score --db). */
  'owb:models.scoreCandidates': { request: Empty; response: ScoreCandidatesResult };
  /**
   * Forced photometry of a frame (full resolution, image HDU of the catalog) at the regions of `regions`
   * (DS9 text, image or sky coordinates): circles as exact apertures, other shapes over the pixels inside,
   * sky from an annulus around each; magnitudes with the frame's zero point when it has one.
   */
  'owb:frames.regionPhotometry': { request: { frameId: number; regions: string }; response: RegionPhotometry };
  /** Source extraction on a frame with the pixels inside `regions` (DS9 text; '' = none) masked. */
  'owb:frames.detectMasked': { request: { frameId: number; regions: string }; response: MaskedDetection };
  /** `frameId` registered onto `referenceId` by their stars (as `owb register`), for the RGB composite. */
  'owb:frames.registerStars': { request: { frameId: number; referenceId: number }; response: StarRegistration };
  /**
   * Starts training a model on the catalog's curated labels (realbogus: accept/reject transient candidates)
   * into the workspace's `ml/runs/NAME`, on worker threads; one run at a time. Poll `owb:models.training`.
   */
  'owb:models.train': { request: { task: ModelTask; epochs: number; name?: string }; response: TrainingStatus };
  /** The training run started from the view: progress and time left. */
  'owb:models.training': { request: Empty; response: TrainingStatus };
  /** Cancels it (a checkpoint is kept, so `owb train --resume` can finish it). */
  'owb:models.cancelTraining': { request: Empty; response: TrainingStatus };
}

export interface EventMap {
  'owb:jobs.changed': JobRow;
  'owb:sources.added': { frameId: number; count: number };
  'owb:frames.added': FrameRow;
  'owb:labels.changed': LabelRecord;
  'owb:synth.progress': SynthRunStatus;
  'owb:samp.selected': SampSelection;
}

export type InvokeChannel = keyof InvokeMap;
export type EventChannel = keyof EventMap;
export type InvokeRequest<K extends InvokeChannel> = InvokeMap[K]['request'];
export type InvokeResponse<K extends InvokeChannel> = InvokeMap[K]['response'];

/** Every invoke channel, listed once so that runtime code (handler registration, tests) can iterate them. */
export const INVOKE_CHANNELS = [
  'owb:workspace.info',
  'owb:frames.list',
  'owb:frames.get',
  'owb:frames.pixels',
  'owb:frames.thumbnail',
  'owb:frames.sources',
  'owb:sources.query',
  'owb:objects.cone',
  'owb:objects.query',
  'owb:objects.lightCurve',
  'owb:catalog.export',
  'owb:curation.queue',
  'owb:curation.stamps',
  'owb:labels.set',
  'owb:labels.undo',
  'owb:labels.history',
  'owb:labels.exportCsv',
  'owb:jobs.list',
  'owb:jobs.retry',
  'owb:pipeline.stats',
  'owb:watch.list',
  'owb:watch.add',
  'owb:watch.remove',
  'owb:watch.setPaused',
  'owb:watch.profiles',
  'owb:masters.list',
  'owb:synth.defaults',
  'owb:synth.validate',
  'owb:synth.preview',
  'owb:synth.run',
  'owb:synth.cancel',
  'owb:samp.status',
  'owb:samp.connect',
  'owb:samp.send',
  'owb:lightcurve.comps',
  'owb:lightcurve.setComps',
  'owb:lightcurve.ensemble',
  'owb:frames.objectAt',
  'owb:models.runs',
  'owb:models.run',
  'owb:models.activate',
  'owb:models.retrainHint',
  'owb:frames.catalogStars',
  'owb:models.scoreCandidates',
  'owb:frames.regionPhotometry',
  'owb:frames.detectMasked',
  'owb:frames.registerStars',
  'owb:models.train',
  'owb:models.training',
  'owb:models.cancelTraining',
] as const satisfies readonly InvokeChannel[];

export const EVENT_CHANNELS = [
  'owb:jobs.changed',
  'owb:sources.added',
  'owb:frames.added',
  'owb:labels.changed',
  'owb:synth.progress',
  'owb:samp.selected',
] as const satisfies readonly EventChannel[];

// Compile-time check that the lists above name every key of the maps.
type Missing<All, Listed> = Exclude<All, Listed>;
const _allInvokeListed: Missing<InvokeChannel, (typeof INVOKE_CHANNELS)[number]> extends never ? true : never = true;
const _allEventsListed: Missing<EventChannel, (typeof EVENT_CHANNELS)[number]> extends never ? true : never = true;
void _allInvokeListed;
void _allEventsListed;

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}

/** The one function both transports expose to the renderer. */
export type InvokeFn = <K extends InvokeChannel>(
  channel: K,
  request: InvokeRequest<K>,
) => Promise<Result<InvokeResponse<K>>>;

/** Subscribes to an event; returns the unsubscribe function. */
export type OnFn = <K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void) => () => void;

/** What the Electron preload exposes as `window.owb` (and what the WebSocket client implements). */
export interface OwbBridge {
  invoke: InvokeFn;
  on: OnFn;
}

/** WebSocket frames (JSON text, or the binary codec of `wire-codec.ts` when they carry typed arrays). */
export type WireMessage =
  | { type: 'invoke'; id: number; channel: string; request: unknown }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'subscribe'; channels: string[] }
  | { type: 'event'; channel: string; payload: unknown };
