import { resolve } from 'node:path';
import type pg from 'pg';
import { PgFrameStore } from '../catalog/postgres/frame-store.js';
import { PgJobQueue } from '../catalog/postgres/job-queue.js';
import { PgJobRunner } from '../jobs/pg-job-runner.js';
import type { JobEvent } from '../jobs/index.js';
import { createPgFrameJobHandler } from '../pipeline/pg-frame-job.js';
import { solveCacheDir } from '../solve/cache-dir.js';
import { needsWorker, type Profile } from '../pipeline/profile.js';
import { defaultThreadCount, WorkerPool } from '../pool/worker-pool.js';
import { FolderWatcher, type FolderStatus } from './folder-watcher.js';
import { Ingester, type GiveUpEvent, type IngestEvent } from './ingester.js';
import type { WatchStatus } from './watch-service.js';

export interface PgWatchServiceOptions {
  /** A pool on the catalog (`openCatalogPool`); the caller ends it. */
  pool: pg.Pool;
  dirs: readonly string[];
  profile: Profile;
  threads?: number;
  leaseMs?: number;
  once?: boolean;
  strictChecksums?: boolean;
  mjdWindow?: readonly [number, number];
  files?: readonly string[];
  /** The workspace whose `cache/plate-solve` the plate solver uses [the per-user default workspace]. */
  workspaceDir?: string;
}

/**
 * `WatchService` on a PostgreSQL catalog for `owb watch --once`, `owb process` and `owb batch run`: the same
 * folder watcher and ingester (frame, path and job in one transaction, `PgFrameStore`), then `PgJobRunner`
 * leasing with `FOR UPDATE SKIP LOCKED`, so any number of these processes on any hosts share one catalog and
 * each frame is processed exactly once.
 */
export class PgWatchService {
  readonly queue: PgJobQueue;
  readonly runner: PgJobRunner;
  readonly ingester: Ingester;
  readonly watcher: FolderWatcher;
  private readonly workers: WorkerPool | undefined;
  private stopped = false;

  constructor(private readonly options: PgWatchServiceOptions) {
    const profile = options.profile;
    const threads = Math.max(1, options.threads ?? defaultThreadCount());
    this.workers = needsWorker(profile) ? new WorkerPool({ threads }) : undefined;
    this.queue = new PgJobQueue(options.pool, {
      leaseMs: options.leaseMs,
      mjdWindow: options.mjdWindow,
      framePaths: options.files?.map((f) => resolve(f)),
    });
    const handler = createPgFrameJobHandler({
      pool: options.pool,
      workers: this.workers,
      profile,
      solveCacheDir: solveCacheDir(options.workspaceDir),
    });
    this.runner = new PgJobRunner(this.queue, handler, {
      concurrency: this.workers ? this.workers.threads + 1 : 4,
    });
    this.ingester = new Ingester({
      store: new PgFrameStore(options.pool),
      profile,
      waitForIncomplete: !options.once,
      strictChecksums: options.strictChecksums,
    });
    this.ingester.onDidIngest((e) => {
      if (e.jobId !== undefined) this.runner.wake();
    });
    this.watcher = new FolderWatcher(
      options.dirs,
      profile.patterns,
      (path) => this.ingester.submit(path),
      () => undefined,
    );
  }

  folders(): FolderStatus[] {
    return this.watcher.status();
  }

  onDidGiveUp(listener: (event: GiveUpEvent) => void): () => void {
    return this.ingester.onDidGiveUp(listener);
  }

  onDidIngest(listener: (event: IngestEvent) => void): () => void {
    return this.ingester.onDidIngest(listener);
  }

  onDidChangeJob(listener: (event: JobEvent) => void): () => void {
    return this.runner.onDidChangeJob(listener);
  }

  /**
   * Ingests what is in the folders (or the given files) now, runs the jobs left, including those another
   * process still holds once its lease expires or it is found dead on this host, then resolves.
   */
  async runOnce(): Promise<WatchStatus> {
    await this.runner.start();
    await this.watcher.scan();
    for (const file of this.options.files ?? []) this.ingester.submit(resolve(file));
    await this.ingester.flush();
    this.runner.wake();
    await this.runner.whenIdle();
    while ((await this.queue.leasedElsewhere()) > 0) {
      await this.queue.reclaimFromDeadOwners();
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(50, this.queue.leaseMs / 10))));
      this.runner.wake();
      await this.runner.whenIdle();
    }
    return this.status();
  }

  async stop(options: { cancel?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.watcher.close();
    await this.ingester.stop();
    await this.runner.drain(options);
    await this.workers?.destroy();
  }

  async status(): Promise<WatchStatus> {
    const { rows } = await this.options.pool.query<{ state: string; n: number }>(
      'SELECT state, count(*) AS n FROM jobs GROUP BY state',
    );
    const n = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
    return {
      queued: n('queued'),
      running: n('running'),
      done: n('done'),
      failed: n('failed'),
      waitingFiles: this.ingester.backlog,
      ratePerSec: 0,
      gaveUpFiles: this.ingester.counters.gaveUp,
      failedFolders: this.watcher.status().filter((f) => f.state === 'failed').length,
    };
  }
}
