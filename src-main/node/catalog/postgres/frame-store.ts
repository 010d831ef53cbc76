import type pg from 'pg';
import type { IngestRequest, IngestResult } from '../frame-store.js';
import { inTransaction } from './connection.js';

/**
 * Frame ingest on PostgreSQL, the same contract as the SQLite `FrameStore`: frame, path and job in one
 * transaction; known content adds a path, never a second frame or job. Several processes ingesting the same
 * file at once meet at the `content_hash` unique key (`ON CONFLICT DO NOTHING` waits for the other
 * transaction, then finds its frame), so each frame and its job are created exactly once.
 */
export class PgFrameStore {
  constructor(private readonly pool: pg.Pool) {}

  /** The frame already ingested from `path` when its size and modification time are unchanged. */
  async knownUnchanged(path: string, sizeBytes: number, mtimeMs: number): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ frameId: number; sizeBytes: number; mtimeMs: number }>(
      'SELECT frame_id AS "frameId", size_bytes AS "sizeBytes", mtime_ms AS "mtimeMs" FROM frame_paths WHERE path = $1',
      [path],
    );
    const row = rows[0];
    return row && row.sizeBytes === sizeBytes && row.mtimeMs === mtimeMs ? row.frameId : undefined;
  }

  async ingest(r: IngestRequest): Promise<IngestResult> {
    return inTransaction(this.pool, async (c) => {
      const now = Date.now();
      const m = r.meta;
      const inserted = await c.query<{ id: number }>(
        `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec,
           date_obs, mjd, width, height, ra_center, dec_center, status, created_at, checksum_state, checksum_note,
           mjd_start, bjd_tdb, time_source, time_note, wcs_json, airmass)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
         ON CONFLICT (content_hash) DO NOTHING RETURNING id`,
        [
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
        ],
      );
      const isNew = inserted.rows.length === 1;
      const frameId = isNew
        ? inserted.rows[0].id
        : (await c.query<{ id: number }>('SELECT id FROM frames WHERE content_hash = $1', [r.contentHash])).rows[0].id;
      await c.query(
        `INSERT INTO frame_paths (path, frame_id, size_bytes, mtime_ms, seen_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (path) DO UPDATE SET frame_id = excluded.frame_id, size_bytes = excluded.size_bytes,
           mtime_ms = excluded.mtime_ms, seen_at = excluded.seen_at`,
        [r.path, frameId, r.sizeBytes, r.mtimeMs, now],
      );
      if (!isNew || !r.job) return { frameId, isNew };
      const job = await c.query<{ id: number }>(
        `INSERT INTO jobs (kind, frame_id, profile, state, max_attempts, created_at) VALUES ($1, $2, $3, 'queued', $4, $5)
         RETURNING id`,
        [r.job.kind, frameId, r.job.profile, r.job.maxAttempts, now],
      );
      return { frameId, isNew, jobId: job.rows[0].id };
    });
  }
}
