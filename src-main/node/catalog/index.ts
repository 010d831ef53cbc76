/**
 * The catalog's public surface (used by jobs, watch, the CLI and `owb serve`).
 *
 * Queries (`Catalog`): `stats()` · `jobCounts()` · `listFrames({offset, limit, sort, descending, frameType, status})` ·
 * `frame(id)` (header + every path seen) · `sourcesOfFrame(id, page)` / `listSources({frameId})` · `listObjects(page)` ·
 * `cone(raDeg, decDeg, radiusArcsec)` (nearest first) · `lightCurve(objectId)` · `listJobs({state})` / `job(id)` ·
 * `listMasters()` · `listStacks()`. Curation: `addCandidate` · `listCandidates({unlabelled, kind})` ·
 * `addLabel(id, label, {note, who})` · `undoLabel(id)` · `labelHistory(id)` · `exportLabels()`.
 * Live events come from `node/watch` `WatchService` (`onDidChangeJob`, `onDidAddSources`, `onDidIngest`).
 */
export { Catalog, COUNTED_TABLES, JOB_STATES } from './catalog.js';
export type {
  CatalogStats,
  CandidateRow,
  FrameRow,
  FrameSort,
  JobRow,
  JobState,
  LabelRow,
  MeasurementRow,
  Page,
  SourceRow,
} from './catalog.js';
export { openDatabase, migrate, schemaVersion } from './database.js';
export { CatalogLocationError, parseCatalogLocation, sqlitePathOf } from './catalog-location.js';
export type { CatalogLocation } from './catalog-location.js';
export type { OpenOptions, SqliteDatabase } from './database.js';
export { FrameStore } from './frame-store.js';
export type { FrameMeta, IngestRequest, IngestResult } from './frame-store.js';
export { FrameResultWriter } from './frame-results.js';
export type { CommitOptions, CommitSummary } from './frame-results.js';
export { SourceWriter } from './source-writer.js';
export { SpatialIndex } from './spatial-index.js';
export type { ConeHit, SkyObject } from './spatial-index.js';
export { angularDistanceArcsec, unitVector } from './sky.js';
