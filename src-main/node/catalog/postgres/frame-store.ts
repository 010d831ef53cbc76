import type pg from 'pg';
import { FRAME_INSERT_COLUMNS, frameInsertValues, type IngestRequest, type IngestResult } from '../frame-store.js';
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
      const inserted = await c.query<{ id: number }>(
        `INSERT INTO frames (${FRAME_INSERT_COLUMNS.join(', ')})
         VALUES (${FRAME_INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT (content_hash) DO NOTHING RETURNING id`,
        frameInsertValues(r, now),
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
