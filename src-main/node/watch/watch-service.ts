import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { Catalog, FrameStore, type JobState } from '../catalog/index.js';
import {
  JobQueue,
  JobRunner,
  type JobEvent,
  type JobHandlerOf,
  type JobQueueOptions,
  type MaybePromise,
  type RunnerQueue,
  type SqliteJobCommit,
} from '../jobs/index.js';
import { createFrameJobHandler } from '../pipeline/frame-job.js';
import { solveCacheDir } from '../solve/cache-dir.js';
import { needsWorker, type Profile } from '../pipeline/profile.js';
import { defaultThreadCount, WorkerPool } from '../pool/worker-pool.js';
import { FolderWatcher, type FolderStatus } from './folder-watcher.js';
import { Ingester, type GiveUpEvent, type IngestEvent, type IngestStore } from './ingester.js';

/** A catalog as the watch service uses it: where frames are ingested, its job queue, and how a job runs. */
export interface WatchBackend<Commit> {
  store: IngestStore;
  queue: RunnerQueue<Commit> & {
    /** Running jobs (of this queue's filters) under another live process's lease. */
    leasedElsewhere(): MaybePromise<number>;
  };
  handler: JobHandlerOf<Commit>;
  jobCounts(): MaybePromise<Record<JobState, number>>;
}

/** Makes a backend once the service knows its worker pool, profile and queue filters. */
export type WatchBackendFactory<Commit> = (ctx: {
  workers: WorkerPool | undefined;
  profile: Profile;
  queue: JobQueueOptions;
  /** Workspace whose active models and caches the pipeline's steps use [OWB_WORKSPACE, else per-user]. */
  workspace: string | undefined;
}) => WatchBackend<Commit>;

/** The SQLite catalog's backend: `FrameStore`, `JobQueue` and every pipeline step (`createFrameJobHandler`). */
export function sqliteWatchBackend(catalog: Catalog): WatchBackendFactory<SqliteJobCommit> {
  return ({ workers, profile, queue, workspace }) => ({
    store: new FrameStore(catalog.db),
    queue: new JobQueue(catalog.db, queue),
    handler: createFrameJobHandler({
      catalog,
      pool: workers,
      profiles: new Map([[profile.name, profile]]),
      fallbackProfile: profile,
      workspace,
      solveCacheDir: solveCacheDir(workspace),
    }),
    jobCounts: () => catalog.jobCounts(),
  });
}

export interface WatchServiceOptions<Commit = SqliteJobCommit> {
  /** A SQLite catalog, or another catalog's backend (`postgresWatchBackend`). */
  catalog: Catalog | WatchBackendFactory<Commit>;
  dirs: readonly string[];
  profile: Profile;
  /** Worker threads [cores − 1, at least 1]. */
  threads?: number;
  /** Lease length of a job [60000]. */
  leaseMs?: number;
  /** `--once`: take an incomplete FITS at once (its job fails) instead of waiting for the copy to finish. */
  once?: boolean;
  /** `--strict`: refuse FITS files whose CHECKSUM/DATASUM does not match (see `IngesterOptions`) [false]. */
  strictChecksums?: boolean;
  /** A pool shared with other services (not destroyed by `stop()`); default: one of its own when needed. */
  pool?: WorkerPool;
  /**
   * Run only jobs queued under this service's profile [false: run every job, using this profile for jobs of
   * unknown profiles]. Set it when several services with different profiles share one catalog.
   */
  onlyOwnProfile?: boolean;
  /** Run only the jobs of frames observed in [since, until], MJD (see `JobQueueOptions.mjdWindow`) [all]. */
  mjdWindow?: readonly [number, number];
  /**
   * Files to ingest and process instead of scanning folders, and the only frames whose jobs this service
   * runs (one shard of a batch plan, `owb batch run`) [none: the folders' files, every job].
   */
  files?: readonly string[];
  /**
   * The workspace whose active realbogus model the profile's `score` step uses and whose `cache/plate-solve`
   * holds the plate solver's derived index structures [OWB_WORKSPACE, else the per-user default workspace];
   * never the catalog's folder, which may be anywhere.
   */
  workspace?: string;
}

export interface WatchStatus {
  queued: number;
  running: number;
  done: number;
  failed: number;
  /** Files seen but not yet ingested (waiting to be stable, or being hashed). */
  waitingFiles: number;
  /** Jobs finished per second over the last ten seconds or so. */
  ratePerSec: number;
  /** Files given up on (empty, never complete, unreadable): see `Ingester.gaveUp` for which and why. */
  gaveUpFiles: number;
  /** Watched folders that failed (see `folders()` for the reasons); the others keep running. */
  failedFolders: number;
}

/**
 * The watched-folder automation: folder watcher → ingester (stable, complete, hashed) → catalog frames +
 * jobs → runner on the worker pool → results committed with the job, on a SQLite or PostgreSQL catalog.
 * `owb watch`, `owb process`, `owb batch run` and `owb serve` drive it.
 */
export class WatchService<Commit = SqliteJobCommit> {
  readonly queue: WatchBackend<Commit>['queue'];
  readonly runner: JobRunner<Commit>;
  private readonly backend: WatchBackend<Commit>;
  /** The last job counts an asynchronous backend gave (`status()` between two `currentStatus()`). */
  private lastCounts: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  private countsPending = false;
  readonly ingester: Ingester;
  readonly watcher: FolderWatcher;
  private readonly pool: WorkerPool | undefined;
  private readonly ownsPool: boolean;
  private readonly events = new EventEmitter();
  private readonly startedAt = Date.now();
  /** (time, jobs done) samples for the recent rate. */
  private readonly rateSamples: Array<[number, number]> = [];
  private stopped = false;

  constructor(private readonly options: WatchServiceOptions<Commit>) {
    const profile = options.profile;
    const threads = Math.max(1, options.threads ?? defaultThreadCount());
    this.ownsPool = !options.pool && needsWorker(profile);
    this.pool = options.pool ?? (this.ownsPool ? new WorkerPool({ threads }) : undefined);
    const factory =
      options.catalog instanceof Catalog
        ? (sqliteWatchBackend(options.catalog) as unknown as WatchBackendFactory<Commit>)
        : options.catalog;
    this.backend = factory({
      workers: this.pool,
      profile,
      workspace: options.workspace,
      queue: {
        leaseMs: options.leaseMs,
        profiles: options.onlyOwnProfile ? [profile.name] : undefined,
        mjdWindow: options.mjdWindow,
        framePaths: options.files?.map((f) => resolve(f)),
      },
    });
    this.queue = this.backend.queue;
    // Pool threads + 1 in flight keeps every worker busy while one result commits; the rest wait in the DB.
    this.runner = new JobRunner(this.queue, this.backend.handler, {
      concurrency: this.pool ? this.pool.threads + 1 : 4,
    });
    this.ingester = new Ingester({
      store: this.backend.store,
      profile,
      waitForIncomplete: !options.once,
      strictChecksums: options.strictChecksums,
    });
    this.ingester.onDidIngest((e) => {
      if (e.jobId !== undefined) this.runner.wake();
      this.events.emit('ingest', e);
    });
    this.watcher = new FolderWatcher(
      options.dirs,
      profile.patterns,
      (path) => this.ingester.submit(path),
      (status) => this.events.emit('folder', status),
    );
  }

  /** Per watched folder: ok or failed with the reason. */
  folders(): FolderStatus[] {
    return this.watcher.status();
  }

  /** After a watched folder failed (the service keeps running the others). */
  onDidFailFolder(listener: (status: FolderStatus) => void): () => void {
    this.events.on('folder', listener);
    return () => this.events.off('folder', listener);
  }

  /** After a file was given up on (empty, never complete, unreadable). */
  onDidGiveUp(listener: (event: GiveUpEvent) => void): () => void {
    return this.ingester.onDidGiveUp(listener);
  }

  onDidIngest(listener: (event: IngestEvent) => void): () => void {
    this.events.on('ingest', listener);
    return () => this.events.off('ingest', listener);
  }

  onDidChangeJob(listener: (event: JobEvent) => void): () => void {
    return this.runner.onDidChangeJob(listener);
  }

  /** After a job committed sources for a frame (the catalog already holds them). */
  onDidAddSources(listener: (event: { jobId: number; frameId: number; count: number }) => void): () => void {
    return this.runner.onDidAddSources(listener);
  }

  /**
   * Processes what is in the folders now and the jobs left from earlier runs, including those a crashed
   * process still holds (taken over when their lease expires), then resolves.
   */
  async runOnce(): Promise<WatchStatus> {
    await this.runner.start();
    await this.watcher.scan();
    for (const file of this.options.files ?? []) this.ingester.submit(resolve(file));
    await this.ingester.flush();
    this.runner.wake();
    await this.runner.whenIdle();
    // Jobs another process holds: a live one finishes them; a crashed one's lease runs out and the runner
    // takes them over. Either way --once leaves no job orphaned in 'running' behind it.
    while ((await this.queue.leasedElsewhere()) > 0) {
      await this.queue.reclaimFromDeadOwners();
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, this.queue.leaseMs / 10))));
      this.runner.wake();
      await this.runner.whenIdle();
    }
    return this.currentStatus();
  }

  /**
   * Scans, then watches until `stop()`. Never rejects for a folder: a failing one is marked failed. Rejects
   * when the catalog cannot be reached; a catalog lost later is reported by `runner.onDidFail`.
   */
  async start(): Promise<void> {
    await this.runner.start();
    await this.watcher.watch();
    await this.watcher.scan();
  }

  /** Stops taking files and drains: jobs in flight commit (or, with `cancel`, go back to the queue). */
  async stop(options: { cancel?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.watcher.close();
    await this.ingester.stop();
    await this.runner.drain(options);
    if (this.ownsPool) await this.pool?.destroy();
  }

  /** The status with the catalog's job counts as they are now. */
  async currentStatus(): Promise<WatchStatus> {
    this.lastCounts = await this.backend.jobCounts();
    return this.status();
  }

  /**
   * The status now; on a catalog that answers asynchronously (PostgreSQL) the job counts are those of the
   * last `currentStatus()`, and a fresh count is asked for in the background.
   */
  status(): WatchStatus {
    if (!this.countsPending) {
      const counts = this.backend.jobCounts();
      if (counts instanceof Promise) {
        this.countsPending = true;
        counts
          .then(
            (c) => (this.lastCounts = c),
            () => undefined,
          )
          .finally(() => (this.countsPending = false));
      } else this.lastCounts = counts;
    }
    const jobs = this.lastCounts;
    const now = Date.now();
    const done = this.runner.counters.done;
    this.rateSamples.push([now, done]);
    while (this.rateSamples.length > 2 && now - this.rateSamples[1][0] >= 10_000) this.rateSamples.shift();
    const [t0, d0] = this.rateSamples[0] ?? [this.startedAt, 0];
    const ratePerSec = now - t0 >= 500 ? ((done - d0) * 1000) / (now - t0) : 0;
    return {
      ...jobs,
      waitingFiles: this.ingester.backlog,
      ratePerSec,
      gaveUpFiles: this.ingester.counters.gaveUp,
      failedFolders: this.watcher.status().filter((f) => f.state === 'failed').length,
    };
  }
}
