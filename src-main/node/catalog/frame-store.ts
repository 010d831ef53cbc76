import type { SqliteDatabase } from './database.js';

/** What ingest learned from a frame's header (all optional: a corrupt header leaves them empty). */
export interface FrameMeta {
  header?: Record<string, unknown>;
  frameType?: string;
  filter?: string;
  exposureSec?: number;
  dateObs?: string;
  /** Mid-exposure MJD (UTC). */
  mjd?: number;
  /** Start of the exposure, MJD (UTC) (migration 004). */
  mjdStart?: number;
  /** Mid-exposure BJD_TDB, Julian date (migration 004); absent without a sky position and a site. */
  bjdTdb?: number;
  /** Mid-exposure HJD (UTC), Julian date, beside BJD_TDB (migration 011); absent where BJD_TDB is. */
  hjdUtc?: number;
  /** Keywords the times came from (migration 004). */
  timeSource?: string;
  /** Why a time or BJD_TDB is missing (migration 004). */
  timeNote?: string;
  /** sec z at mid-exposure from the site and the target (migration 004). */
  airmass?: number;
  width?: number;
  height?: number;
  raCenter?: number;
  decCenter?: number;
  /** CHECKSUM/DATASUM verdict (FITS only; see migration 005). */
  checksumState?: 'ok' | 'bad' | 'absent';
  /** Which HDU and keyword did not match, when `checksumState` is `bad`. */
  checksumNote?: string;
  /** WCS summary: projection, frame, distortion, footprint [[ra, dec] × 4] (ICRS), pixelScaleArcsec, rotationDeg, parity. */
  wcs?: Record<string, unknown>;
}

export interface IngestRequest {
  contentHash: string;
  path: string;
  fileName: string;
  sizeBytes: number;
  mtimeMs: number;
  meta: FrameMeta;
  /** The job to queue for a new frame; omitted = file the frame only. */
  job?: { kind: string; profile: string; maxAttempts: number };
}

/** The `frames` columns a new frame is inserted with, in the order of `frameInsertValues` (both backends). */
export const FRAME_INSERT_COLUMNS = [
  'content_hash',
  'path',
  'file_name',
  'size_bytes',
  'header_json',
  'frame_type',
  'filter',
  'exposure_sec',
  'date_obs',
  'mjd',
  'width',
  'height',
  'ra_center',
  'dec_center',
  'status',
  'created_at',
  'checksum_state',
  'checksum_note',
  'mjd_start',
  'bjd_tdb',
  'time_source',
  'time_note',
  'wcs_json',
  'airmass',
  'hjd_utc',
] as const;

/** The values of `FRAME_INSERT_COLUMNS` for an ingest request at time `now` (ms). */
export function frameInsertValues(r: IngestRequest, now: number): Array<string | number | null> {
  const m = r.meta;
  return [
    r.contentHash,
    r.path,
    r.fileName,
    r.sizeBytes,
    m.header ? JSON.stringify(m.header) : null,
    m.frameType ?? 'unknown',
    m.filter ?? null,
    m.exposureSec ?? null,
    m.dateObs ?? null,
    m.mjd ?? null,
    m.width ?? null,
    m.height ?? null,
    m.raCenter ?? null,
    m.decCenter ?? null,
    r.job ? 'queued' : 'filed',
    now,
    m.checksumState ?? null,
    m.checksumNote ?? null,
    m.mjdStart ?? null,
    m.bjdTdb ?? null,
    m.timeSource ?? null,
    m.timeNote ?? null,
    m.wcs ? JSON.stringify(m.wcs) : null,
    m.airmass ?? null,
    m.hjdUtc ?? null,
  ];
}

export interface IngestResult {
  frameId: number;
  /** False when the content was already known (a copy, rename or rescan). */
  isNew: boolean;
  jobId?: number;
}

/**
 * Frame ingest in one transaction: the frame, the path it was seen at and its job commit together, so a
 * crash leaves either all three or none. Known content adds a path, never a second frame or job.
 */
export class FrameStore {
  private readonly byPath;
  private readonly byHash;
  private readonly insertFrame;
  private readonly upsertPath;
  private readonly insertJob;
  private readonly ingestTx;

  constructor(private readonly db: SqliteDatabase) {
    this.byPath = db.prepare(
      'SELECT frame_id AS frameId, size_bytes AS sizeBytes, mtime_ms AS mtimeMs FROM frame_paths WHERE path = ?',
    );
    this.byHash = db.prepare('SELECT id FROM frames WHERE content_hash = ?');
    this.insertFrame = db.prepare(
      `INSERT INTO frames (${FRAME_INSERT_COLUMNS.join(', ')}) VALUES (${FRAME_INSERT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.upsertPath = db.prepare(
      `INSERT INTO frame_paths (path, frame_id, size_bytes, mtime_ms, seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET frame_id = excluded.frame_id, size_bytes = excluded.size_bytes,
         mtime_ms = excluded.mtime_ms, seen_at = excluded.seen_at`,
    );
    this.insertJob = db.prepare(
      "INSERT INTO jobs (kind, frame_id, profile, state, max_attempts, created_at) VALUES (?, ?, ?, 'queued', ?, ?)",
    );
    this.ingestTx = db.transaction((r: IngestRequest): IngestResult => {
      const now = Date.now();
      const known = this.byHash.get(r.contentHash) as { id: number } | undefined;
      if (known) {
        this.upsertPath.run(r.path, known.id, r.sizeBytes, r.mtimeMs, now);
        return { frameId: known.id, isNew: false };
      }
      const frameId = Number(this.insertFrame.run(...frameInsertValues(r, now)).lastInsertRowid);
      this.upsertPath.run(r.path, frameId, r.sizeBytes, r.mtimeMs, now);
      const jobId = r.job
        ? Number(this.insertJob.run(r.job.kind, frameId, r.job.profile, r.job.maxAttempts, now).lastInsertRowid)
        : undefined;
      return { frameId, isNew: true, jobId };
    });
  }

  /**
   * The frame already ingested from `path` when its size and modification time are unchanged (a start-up
   * rescan then costs one lookup instead of a hash).
   */
  knownUnchanged(path: string, sizeBytes: number, mtimeMs: number): number | undefined {
    const row = this.byPath.get(path) as { frameId: number; sizeBytes: number; mtimeMs: number } | undefined;
    return row && row.sizeBytes === sizeBytes && row.mtimeMs === mtimeMs ? row.frameId : undefined;
  }

  ingest(request: IngestRequest): IngestResult {
    return this.ingestTx.immediate(request);
  }
}
