import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { Catalog, FrameStore } from '../catalog/index.js';
import { JobQueue, JobRunner, type JobEvent } from '../jobs/index.js';
import { createFrameJobHandler } from '../pipeline/frame-job.js';
import { solveCacheDir } from '../solve/cache-dir.js';
import { needsWorker, type Profile } from '../pipeline/profile.js';
import { defaultThreadCount, WorkerPool } from '../pool/worker-pool.js';
import { FolderWatcher, type FolderStatus } from './folder-watcher.js';
import { Ingester, type GiveUpEvent, type IngestEvent } from './ingester.js';

export interface WatchServiceOptions {
  catalog: Catalog;
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
   * The workspace whose `cache/plate-solve` holds the plate solver's derived index structures [the per-user
   * default workspace, `OWB_WORKSPACE` when set]; never the catalog's folder, which may be anywhere.
   */
  workspaceDir?: string;
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
 * jobs → runner on the worker pool → results committed with the job. `owb watch` and `owb serve` drive it.
 */
export class WatchService {
  readonly catalog: Catalog;
  readonly queue: JobQueue;
  readonly runner: JobRunner;
  readonly ingester: Ingester;
  readonly watcher: FolderWatcher;
  private readonly pool: WorkerPool | undefined;
  private readonly ownsPool: boolean;
  private readonly events = new EventEmitter();
  private readonly startedAt = Date.now();
  /** (time, jobs done) samples for the recent rate. */
  private readonly rateSamples: Array<[number, number]> = [];
  private stopped = false;

  constructor(private readonly options: WatchServiceOptions) {
    this.catalog = options.catalog;
    const profile = options.profile;
    const threads = Math.max(1, options.threads ?? defaultThreadCount());
    this.ownsPool = !options.pool && needsWorker(profile);
    this.pool = options.pool ?? (this.ownsPool ? new WorkerPool({ threads }) : undefined);
    this.queue = new JobQueue(this.catalog.db, {
      leaseMs: options.leaseMs,
      profiles: options.onlyOwnProfile ? [profile.name] : undefined,
      mjdWindow: options.mjdWindow,
      framePaths: options.files?.map((f) => resolve(f)),
    });
    const handler = createFrameJobHandler({
      catalog: this.catalog,
      pool: this.pool,
      profiles: new Map([[profile.name, profile]]),
      fallbackProfile: profile,
      solveCacheDir: solveCacheDir(options.workspaceDir),
    });
    // Pool threads + 1 in flight keeps every worker busy while one result commits; the rest wait in the DB.
    this.runner = new JobRunner(this.queue, handler, { concurrency: this.pool ? this.pool.threads + 1 : 4 });
    this.ingester = new Ingester({
      store: new FrameStore(this.catalog.db),
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
    this.runner.start();
    await this.watcher.scan();
    for (const file of this.options.files ?? []) this.ingester.submit(resolve(file));
    await this.ingester.flush();
    await this.runner.whenIdle();
    // Jobs another process holds: a live one finishes them; a crashed one's lease runs out and the runner
    // takes them over. Either way --once leaves no job orphaned in 'running' behind it.
    while (this.queue.leasedElsewhere() > 0) {
      this.queue.reclaimFromDeadOwners();
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, this.queue.leaseMs / 10))));
      this.runner.wake();
      await this.runner.whenIdle();
    }
    return this.status();
  }

  /** Scans, then watches until `stop()`. Never rejects for a folder: a failing one is marked failed. */
  async start(): Promise<void> {
    this.runner.start();
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

  status(): WatchStatus {
    const jobs = this.catalog.jobCounts();
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
