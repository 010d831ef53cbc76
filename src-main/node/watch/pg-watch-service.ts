import type pg from 'pg';
import { PgFrameStore } from '../catalog/postgres/frame-store.js';
import { PgJobQueue, type PgJobCommit } from '../catalog/postgres/job-queue.js';
import type { JobState } from '../catalog/index.js';
import { createPgFrameJobHandler } from '../pipeline/pg-frame-job.js';
import type { WatchBackendFactory } from './watch-service.js';
import { solveCacheDir } from '../solve/cache-dir.js';

/**
 * The watch service's backend on a PostgreSQL catalog (`new WatchService({ catalog: postgresWatchBackend(pool), … })`)
 * for `owb watch`, `owb process` and `owb batch run`: frame, path and job ingested in one transaction
 * (`PgFrameStore`), jobs leased with `FOR UPDATE SKIP LOCKED` (`PgJobQueue`), so any number of these
 * processes on any hosts share one catalog and each frame is processed exactly once. `pool` is a pool on the
 * catalog (`openCatalogPool`); the caller ends it.
 */
export function postgresWatchBackend(pool: pg.Pool): WatchBackendFactory<PgJobCommit> {
  return ({ workers, profile, queue, workspace }) => ({
    store: new PgFrameStore(pool),
    queue: new PgJobQueue(pool, queue),
    handler: createPgFrameJobHandler({
      pool,
      workers,
      profile,
      solveCacheDir: solveCacheDir(workspace),
      workspace,
    }),
    async jobCounts() {
      const { rows } = await pool.query<{ state: JobState; n: number }>(
        'SELECT state, count(*) AS n FROM jobs GROUP BY state',
      );
      const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const r of rows) counts[r.state] = Number(r.n);
      return counts;
    },
  });
}
