import type { SqliteDatabase } from './database.js';
import { openDatabase, schemaVersion, type OpenOptions } from './database.js';
import { SpatialIndex, type ConeHit } from './spatial-index.js';
import { validRaDec } from './sky.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'failed'];

/** Tables counted by `stats()` (and `owb db stats`). */
export const COUNTED_TABLES = [
  'frames',
  'frame_paths',
  'masters',
  'sources',
  'objects',
  'measurements',
  'candidates',
  'labels',
  'jobs',
  'datasets',
  'stacks',
] as const;

export interface CatalogStats {
  schemaVersion: number;
  tables: Record<(typeof COUNTED_TABLES)[number], number>;
  jobs: Record<JobState, number>;
  /** The newest failed jobs with their errors (at most 20). */
  failures: Array<{
    jobId: number;
    frameId: number | null;
    path: string | null;
    attempts: number;
    error: string | null;
    errorCode: string | null;
  }>;
}

export interface Page {
  offset?: number;
  /** [100], at most 10 000. */
  limit?: number;
}

export interface FrameRow {
  id: number;
  contentHash: string;
  path: string;
  fileName: string;
  sizeBytes: number;
  frameType: string;
  filter: string | null;
  exposureSec: number | null;
  dateObs: string | null;
  /** Mid-exposure MJD (UTC). */
  mjd: number | null;
  /** Start of the exposure, MJD (UTC). */
  mjdStart: number | null;
  /** Mid-exposure BJD_TDB (Julian date); null without a sky position and an observatory position. */
  bjdTdb: number | null;
  /** Mid-exposure HJD (UTC), Julian date (migration 011); null where `bjdTdb` is. */
  hjdUtc: number | null;
  /** Keywords the times came from. */
  timeSource: string | null;
  /** Why a time or BJD_TDB is missing. */
  timeNote: string | null;
  /** sec z at mid-exposure, computed at ingest from the site and the target. */
  airmass: number | null;
  width: number | null;
  height: number | null;
  sourceCount: number | null;
  status: string;
  error: string | null;
  createdAt: number;
  processedAt: number | null;
  quality: Record<string, number> | null;
  /** CHECKSUM/DATASUM verdict at ingest (`ok`, `bad`, `absent`), null when not verified (migration 005). */
  checksumState: 'ok' | 'bad' | 'absent' | null;
  /** The mismatch (HDU and keyword) when `checksumState` is `bad`. */
  checksumNote: string | null;
}

export type FrameSort = 'id' | 'date_obs' | 'file_name' | 'source_count' | 'exposure_sec' | 'created_at';
const FRAME_SORTS = new Set<FrameSort>(['id', 'date_obs', 'file_name', 'source_count', 'exposure_sec', 'created_at']);

export interface SourceRow {
  id: number;
  frameId: number;
  idx: number;
  x: number;
  y: number;
  xErr: number | null;
  yErr: number | null;
  ra: number | null;
  dec: number | null;
  flux: number | null;
  fluxErr: number | null;
  fluxAuto: number | null;
  mag: number | null;
  magErr: number | null;
  a: number | null;
  b: number | null;
  theta: number | null;
  fwhm: number | null;
  snr: number | null;
  flags: number;
  objectId: number | null;
  /** Instrumental magnitude, when `mag` was calibrated by a plate-solve zero point. */
  magInst: number | null;
  /** Calibrated magnitude (mag_inst + the frame's phot_zp), its error with the zero point's, and provenance. */
  magCal: number | null;
  magCalErr: number | null;
  zpSource: string | null;
}

export interface MeasurementRow {
  frameId: number;
  sourceId: number | null;
  mjd: number | null;
  filter: string | null;
  flux: number | null;
  fluxErr: number | null;
  mag: number | null;
  magErr: number | null;
}

export interface JobRow {
  id: number;
  kind: string;
  frameId: number | null;
  masterId: number | null;
  path: string | null;
  profile: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  errorCode: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface CandidateRow {
  id: number;
  kind: string;
  objectId: number | null;
  frameId: number | null;
  sourceId: number | null;
  score: number | null;
  createdAt: number;
  label: string | null;
  labelNote: string | null;
}

export interface LabelRow {
  id: number;
  candidateId: number;
  label: string;
  note: string | null;
  who: string;
  createdAt: number;
  undoneAt: number | null;
}

// Calibrated magnitudes of solved frames (issue 19): mag_inst under the frame's plate-solve zero point, its error
// with the zero point's, and where the zero point came from; NULL for frames without one.
const CALIBRATED_COLUMNS = `mag_inst AS magInst,
  mag_inst + (SELECT phot_zp FROM frames WHERE frames.id = sources.frame_id) AS magCal,
  CASE WHEN mag_inst IS NULL THEN NULL ELSE (SELECT CASE WHEN phot_zp IS NULL THEN NULL
    ELSE sqrt(coalesce(sources.mag_err * sources.mag_err, 0) + coalesce(phot_zp_err * phot_zp_err, 0)) END
    FROM frames WHERE frames.id = sources.frame_id) END AS magCalErr,
  CASE WHEN mag_inst IS NULL THEN NULL ELSE (SELECT CASE WHEN phot_zp IS NULL THEN NULL
    ELSE 'owb plate solve, ' || coalesce(phot_zp_band, 'MAG_VT') END FROM frames WHERE frames.id = sources.frame_id) END AS zpSource`;
/** The sources query behind `iterateSources` and the exports' array path (export-source.ts), one text for both. */
export const SOURCE_SELECT = `SELECT id, frame_id AS frameId, idx, x, y, x_err AS xErr, y_err AS yErr, ra, dec, flux,
  flux_err AS fluxErr, flux_auto AS fluxAuto, mag, mag_err AS magErr, a, b, theta, fwhm, snr, flags, object_id AS objectId,
  ${CALIBRATED_COLUMNS}
  FROM sources`;
const FRAME_SELECT = `SELECT id, content_hash AS contentHash, path, file_name AS fileName, size_bytes AS sizeBytes,
  frame_type AS frameType, filter, exposure_sec AS exposureSec, date_obs AS dateObs, mjd, mjd_start AS mjdStart,
  bjd_tdb AS bjdTdb, hjd_utc AS hjdUtc, time_source AS timeSource, time_note AS timeNote, airmass, width, height, source_count AS sourceCount, status, error, created_at AS createdAt, processed_at AS processedAt, quality_json,
  checksum_state AS checksumState, checksum_note AS checksumNote
  FROM frames`;
const JOB_SELECT = `SELECT j.id, j.kind, j.frame_id AS frameId, j.master_id AS masterId, f.path, j.profile, j.state, j.attempts, j.max_attempts AS maxAttempts,
  j.error, j.error_code AS errorCode, j.lease_owner AS leaseOwner, j.lease_expires_at AS leaseExpiresAt,
  j.created_at AS createdAt, j.started_at AS startedAt, j.finished_at AS finishedAt
  FROM jobs j LEFT JOIN frames f ON f.id = j.frame_id`;

function page(p: Page = {}): [number, number] {
  const limit = Math.min(10_000, Math.max(0, Math.floor(p.limit ?? 100)));
  const offset = Math.max(0, Math.floor(p.offset ?? 0));
  return [limit, offset];
}

function frameFromRow(r: FrameRow & { quality_json?: string | null }): FrameRow {
  const { quality_json, ...rest } = r;
  return { ...rest, quality: quality_json ? (JSON.parse(quality_json) as Record<string, number>) : null };
}

/**
 * The workbench catalog: frames, sources, cross-matched objects, light curves, curation and jobs in one
 * SQLite file. Query methods for the CLI and `owb serve`; writes go through the job queue and ingest.
 */
export class Catalog {
  readonly spatial: SpatialIndex;

  constructor(readonly db: SqliteDatabase) {
    this.spatial = new SpatialIndex(db);
  }

  static open(path: string, options: OpenOptions = {}): Catalog {
    return new Catalog(openDatabase(path, options));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Row counts per table, jobs per state and the newest failures with their errors. */
  stats(): CatalogStats {
    const tables = {} as CatalogStats['tables'];
    for (const t of COUNTED_TABLES)
      tables[t] = (this.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    const jobs = this.jobCounts();
    const failures = this.db
      .prepare(
        `SELECT j.id AS jobId, j.frame_id AS frameId, f.path, j.attempts, j.error, j.error_code AS errorCode
           FROM jobs j LEFT JOIN frames f ON f.id = j.frame_id WHERE j.state = 'failed' ORDER BY j.id DESC LIMIT 20`,
      )
      .all() as CatalogStats['failures'];
    return { schemaVersion: schemaVersion(this.db), tables, jobs, failures };
  }

  /** Jobs per state (cheap: uses the state index). */
  jobCounts(): Record<JobState, number> {
    const jobs = { queued: 0, running: 0, done: 0, failed: 0 } as Record<JobState, number>;
    for (const r of this.db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as Array<{
      state: JobState;
      n: number;
    }>) {
      jobs[r.state] = r.n;
    }
    return jobs;
  }

  /** Frames with paging and sorting; filters on type and status. */
  listFrames(
    options: Page & { sort?: FrameSort; descending?: boolean; frameType?: string; status?: string } = {},
  ): FrameRow[] {
    const sort = options.sort ?? 'id';
    if (!FRAME_SORTS.has(sort)) throw new Error(`cannot sort frames by '${String(sort)}'`);
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.frameType) {
      where.push('frame_type = ?');
      args.push(options.frameType);
    }
    if (options.status) {
      where.push('status = ?');
      args.push(options.status);
    }
    const [limit, offset] = page(options);
    const sql = `${FRAME_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${sort} ${options.descending ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...args, limit, offset) as FrameRow[]).map(frameFromRow);
  }

  frame(id: number): (FrameRow & { header: Record<string, unknown> | null; paths: string[] }) | undefined {
    const row = this.db.prepare(`${FRAME_SELECT} WHERE id = ?`).get(id) as FrameRow | undefined;
    if (!row) return undefined;
    const header = (
      this.db.prepare('SELECT header_json FROM frames WHERE id = ?').get(id) as { header_json: string | null }
    ).header_json;
    const paths = (
      this.db.prepare('SELECT path FROM frame_paths WHERE frame_id = ? ORDER BY seen_at, path').all(id) as Array<{
        path: string;
      }>
    ).map((r) => r.path);
    return { ...frameFromRow(row), header: header ? (JSON.parse(header) as Record<string, unknown>) : null, paths };
  }

  /** Master frames with their state ('stale' while a rebuild is due) and input counts. */
  listMasters(): Array<{
    id: number;
    kind: string;
    filter: string | null;
    exposureSec: number | null;
    width: number | null;
    height: number | null;
    path: string | null;
    inputCount: number;
    status: string;
    builtAt: number | null;
  }> {
    return this.db
      .prepare(
        `SELECT id, kind, filter, exposure_sec AS exposureSec, width, height, path, input_count AS inputCount, status, built_at AS builtAt
                  FROM masters ORDER BY kind, filter, exposure_sec, id`,
      )
      .all() as ReturnType<Catalog['listMasters']>;
  }

  /** Live stacks of watched folders with their files and frame counts. */
  listStacks(): Array<{
    id: number;
    profile: string;
    filter: string | null;
    width: number | null;
    height: number | null;
    path: string;
    frameCount: number;
    referenceFrameId: number;
    updatedAt: number | null;
  }> {
    return this.db
      .prepare(
        `SELECT id, profile, filter, width, height, path, frame_count AS frameCount, reference_frame_id AS referenceFrameId,
                       updated_at AS updatedAt FROM stacks ORDER BY id`,
      )
      .all() as ReturnType<Catalog['listStacks']>;
  }

  countFrames(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM frames').get() as { n: number }).n;
  }

  /** Sources of one frame in detection order. */
  sourcesOfFrame(frameId: number, p: Page = {}): SourceRow[] {
    const [limit, offset] = page(p);
    return this.db
      .prepare(`${SOURCE_SELECT} WHERE frame_id = ? ORDER BY idx LIMIT ? OFFSET ?`)
      .all(frameId, limit, offset) as SourceRow[];
  }

  /**
   * Every source (or one frame's) from `offset` on, at most `limit` [all], by frame then detection order, read
   * as the consumer iterates: one statement walking the (frame_id, idx) index, so a 10⁷-row export neither
   * holds the rows nor re-skips an OFFSET per page. The connection is busy until the iteration ends.
   */
  iterateSources(options: { frameId?: number; limit?: number; offset?: number } = {}): IterableIterator<SourceRow> {
    const limit =
      options.limit === undefined || !Number.isFinite(options.limit) ? -1 : Math.max(0, Math.floor(options.limit));
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    return options.frameId === undefined
      ? (this.db
          .prepare(`${SOURCE_SELECT} ORDER BY frame_id, idx LIMIT ? OFFSET ?`)
          .iterate(limit, offset) as IterableIterator<SourceRow>)
      : (this.db
          .prepare(`${SOURCE_SELECT} WHERE frame_id = ? ORDER BY idx LIMIT ? OFFSET ?`)
          .iterate(options.frameId, limit, offset) as IterableIterator<SourceRow>);
  }

  /** Sources of every frame (or one), by frame then detection order. */
  listSources(options: Page & { frameId?: number } = {}): SourceRow[] {
    if (options.frameId !== undefined) return this.sourcesOfFrame(options.frameId, options);
    const [limit, offset] = page(options);
    return this.db
      .prepare(`${SOURCE_SELECT} ORDER BY frame_id, idx LIMIT ? OFFSET ?`)
      .all(limit, offset) as SourceRow[];
  }

  listObjects(
    p: Page = {},
  ): Array<{ id: number; ra: number; dec: number; nObs: number; firstMjd: number | null; lastMjd: number | null }> {
    const [limit, offset] = page(p);
    return this.db
      .prepare(
        'SELECT id, ra, dec, n_obs AS nObs, first_mjd AS firstMjd, last_mjd AS lastMjd FROM objects ORDER BY id LIMIT ? OFFSET ?',
      )
      .all(limit, offset) as ReturnType<Catalog['listObjects']>;
  }

  /** Objects within `radiusArcsec` of (ra, dec) degrees, nearest first. */
  cone(raDeg: number, decDeg: number, radiusArcsec: number): ConeHit[] {
    const problem = validRaDec(raDeg, decDeg);
    if (problem) throw new RangeError(problem);
    if (!(radiusArcsec > 0) || !Number.isFinite(radiusArcsec))
      throw new RangeError(`'radiusArcsec' must be a positive finite number, got ${radiusArcsec}`);
    return this.spatial.cone(raDeg, decDeg, radiusArcsec);
  }

  /** Light curve of an object: its measurements in time order. */
  lightCurve(objectId: number): MeasurementRow[] {
    return this.db
      .prepare(
        `SELECT frame_id AS frameId, source_id AS sourceId, mjd, filter, flux, flux_err AS fluxErr, mag, mag_err AS magErr
           FROM measurements WHERE object_id = ? ORDER BY mjd, frame_id`,
      )
      .all(objectId) as MeasurementRow[];
  }

  /** Jobs, optionally of one state, newest first. */
  listJobs(options: Page & { state?: JobState } = {}): JobRow[] {
    const [limit, offset] = page(options);
    if (options.state) {
      return this.db
        .prepare(`${JOB_SELECT} WHERE j.state = ? ORDER BY j.id DESC LIMIT ? OFFSET ?`)
        .all(options.state, limit, offset) as JobRow[];
    }
    return this.db.prepare(`${JOB_SELECT} ORDER BY j.id DESC LIMIT ? OFFSET ?`).all(limit, offset) as JobRow[];
  }

  job(id: number): JobRow | undefined {
    return this.db.prepare(`${JOB_SELECT} WHERE j.id = ?`).get(id) as JobRow | undefined;
  }

  // ── curation ────────────────────────────────────────────────────────────────────────────────

  addCandidate(c: {
    kind: string;
    objectId?: number;
    frameId?: number;
    sourceId?: number;
    score?: number;
    details?: unknown;
  }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO candidates (kind, object_id, frame_id, source_id, score, details_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          c.kind,
          c.objectId ?? null,
          c.frameId ?? null,
          c.sourceId ?? null,
          c.score ?? null,
          c.details === undefined ? null : JSON.stringify(c.details),
          Date.now(),
        ).lastInsertRowid,
    );
  }

  /** The curation queue: candidates with their current label; `unlabelled` keeps only those without one. */
  listCandidates(options: Page & { unlabelled?: boolean; kind?: string } = {}): CandidateRow[] {
    const [limit, offset] = page(options);
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.kind) {
      where.push('c.kind = ?');
      args.push(options.kind);
    }
    if (options.unlabelled) where.push('l.id IS NULL');
    return this.db
      .prepare(
        `SELECT c.id, c.kind, c.object_id AS objectId, c.frame_id AS frameId, c.source_id AS sourceId, c.score,
                c.created_at AS createdAt, l.label, l.note AS labelNote
           FROM candidates c
           LEFT JOIN labels l ON l.id = (SELECT max(id) FROM labels WHERE candidate_id = c.id AND undone_at IS NULL)
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY c.score DESC NULLS LAST, c.id LIMIT ? OFFSET ?`,
      )
      .all(...args, limit, offset) as CandidateRow[];
  }

  /** Records a label (the previous one stays in the history). Returns the label row id. */
  addLabel(candidateId: number, label: string, options: { note?: string; who?: string } = {}): number {
    if (!label.trim()) throw new RangeError("'label' must not be empty");
    const exists = this.db.prepare('SELECT 1 FROM candidates WHERE id = ?').get(candidateId);
    if (!exists) throw new RangeError(`no candidate ${candidateId}`);
    return Number(
      this.db
        .prepare('INSERT INTO labels (candidate_id, label, note, who, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(candidateId, label, options.note ?? null, options.who ?? 'unknown', Date.now()).lastInsertRowid,
    );
  }

  /** Undoes the current label of a candidate (the one before it becomes current). Returns the undone row or undefined. */
  undoLabel(candidateId: number): LabelRow | undefined {
    return this.db
      .transaction(() => {
        const current = this.db
          .prepare('SELECT id FROM labels WHERE candidate_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1')
          .get(candidateId) as { id: number } | undefined;
        if (!current) return undefined;
        this.db.prepare('UPDATE labels SET undone_at = ? WHERE id = ?').run(Date.now(), current.id);
        return this.labelRow(current.id);
      })
      .immediate();
  }

  labelHistory(candidateId: number): LabelRow[] {
    return this.db
      .prepare(
        `SELECT id, candidate_id AS candidateId, label, note, who, created_at AS createdAt, undone_at AS undoneAt
                  FROM labels WHERE candidate_id = ? ORDER BY id`,
      )
      .all(candidateId) as LabelRow[];
  }

  /** Current labels of every labelled candidate, for export. */
  exportLabels(): Array<CandidateRow & { who: string; labelledAt: number }> {
    return this.db
      .prepare(
        `SELECT c.id, c.kind, c.object_id AS objectId, c.frame_id AS frameId, c.source_id AS sourceId, c.score,
                c.created_at AS createdAt, l.label, l.note AS labelNote, l.who, l.created_at AS labelledAt
           FROM candidates c
           JOIN labels l ON l.id = (SELECT max(id) FROM labels WHERE candidate_id = c.id AND undone_at IS NULL)
          ORDER BY c.id`,
      )
      .all() as Array<CandidateRow & { who: string; labelledAt: number }>;
  }

  private labelRow(id: number): LabelRow {
    return this.db
      .prepare(
        `SELECT id, candidate_id AS candidateId, label, note, who, created_at AS createdAt, undone_at AS undoneAt FROM labels WHERE id = ?`,
      )
      .get(id) as LabelRow;
  }
}
