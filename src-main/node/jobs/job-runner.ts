import { EventEmitter } from 'node:events';
import type { JobError, JobQueue, LeasedJob } from './job-queue.js';

/** What a job's commit reports back (for events and the job's `result_json`). */
export interface JobCommitSummary {
  frameId?: number;
  sources?: number;
  [key: string]: unknown;
}

/**
 * Runs one job's work outside any transaction (in workers) and returns the writes to commit; the runner
 * commits them together with the job's `done` state.
 */
export type JobHandler = (job: LeasedJob, options: { signal: AbortSignal }) => Promise<() => JobCommitSummary | void>;

export interface JobEvent {
  jobId: number;
  frameId: number | null;
  kind: string;
  state: 'running' | 'done' | 'queued' | 'failed';
  attempt: number;
  error?: string;
}

export interface RunnerCounters {
  running: number;
  done: number;
  failed: number;
  retried: number;
  startedAt: number;
}

export interface JobRunnerOptions {
  /** Jobs in flight at once [pool threads + 1]: the rest wait in the database, so memory stays bounded. */
  concurrency: number;
  /** How often to look for due retries and expired leases when idle [250]. */
  pollMs?: number;
}

/** Thrown by a handler whose job cannot run yet (its inputs are not ready): the job waits, uncounted. */
export class JobDeferred extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'JobDeferred';
  }
}

/** Errors another attempt cannot fix: bad input (`InputError` and codes like `FITS_*`). */
export function classifyError(error: unknown): JobError {
  const e = error as { message?: unknown; code?: unknown; name?: unknown; retryable?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const retryable =
    typeof e?.retryable === 'boolean'
      ? e.retryable
      : !(e?.name === 'InputError' || (code !== undefined && /^(FITS_|BAD_|INPUT_|PROFILE_)/.test(code)));
  return { message, code, retryable };
}

/**
 * Leases jobs from the queue and runs them with bounded concurrency, committing each job's result and
 * state change together. Emits `onDidChangeJob` for every transition and `onDidAddSources` after a
 * commit that wrote sources. Renews leases while jobs run; a crash leaves their leases to expire (or to be
 * reclaimed at once by the next process on this host).
 */
export class JobRunner {
  private readonly events = new EventEmitter();
  private readonly inFlight = new Map<number, AbortController>();
  private stopping = false;
  private started = false;
  private pumping = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  readonly counters: RunnerCounters = { running: 0, done: 0, failed: 0, retried: 0, startedAt: Date.now() };

  constructor(
    private readonly queue: JobQueue,
    private readonly handler: JobHandler,
    private readonly options: JobRunnerOptions,
  ) {
    this.events.setMaxListeners(100);
  }

  onDidChangeJob(listener: (event: JobEvent) => void): () => void {
    this.events.on('job', listener);
    return () => this.events.off('job', listener);
  }

  onDidAddSources(listener: (event: { jobId: number; frameId: number; count: number }) => void): () => void {
    this.events.on('sources', listener);
    return () => this.events.off('sources', listener);
  }

  get runningCount(): number {
    return this.inFlight.size;
  }

  /** Starts leasing: reclaims jobs of dead processes, then runs whatever is due. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.queue.reclaimFromDeadOwners();
    const poll = this.options.pollMs ?? 250;
    this.pollTimer = setInterval(() => this.wake(), poll);
    this.heartbeat = setInterval(
      () => {
        if (this.inFlight.size) this.queue.renew(this.inFlight.keys());
      },
      Math.max(50, Math.floor(this.queue.leaseMs / 3)),
    );
    this.wake();
  }

  /** Tells the runner that jobs may be waiting (after an ingest). */
  wake(): void {
    if (!this.started || this.stopping || this.pumping) {
      this.checkIdle();
      return;
    }
    this.pumping = true;
    try {
      while (!this.stopping && this.inFlight.size < this.options.concurrency) {
        const jobs = this.queue.lease(this.options.concurrency - this.inFlight.size);
        if (jobs.length === 0) break;
        for (const job of jobs) this.launch(job);
      }
    } finally {
      this.pumping = false;
    }
    this.checkIdle();
  }

  /** Resolves when nothing is in flight and nothing is waiting in the queue (retries included). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /**
   * Stops leasing and waits for jobs in flight to commit. With `cancel`, aborts them instead and puts them
   * back in the queue uncounted.
   */
  async drain(options: { cancel?: boolean } = {}): Promise<void> {
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (options.cancel) for (const c of this.inFlight.values()) c.abort(new Error('shutting down'));
    while (this.inFlight.size) await new Promise<void>((resolve) => this.events.once('settled', resolve));
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  private launch(job: LeasedJob): void {
    const controller = new AbortController();
    this.inFlight.set(job.id, controller);
    this.counters.running = this.inFlight.size;
    this.emit({ jobId: job.id, frameId: job.frameId, kind: job.kind, state: 'running', attempt: job.attempt });
    void this.execute(job, controller).finally(() => {
      this.inFlight.delete(job.id);
      this.counters.running = this.inFlight.size;
      this.events.emit('settled');
      this.wake();
    });
  }

  private async execute(job: LeasedJob, controller: AbortController): Promise<void> {
    let apply: () => JobCommitSummary | void;
    try {
      apply = await this.handler(job, { signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted && this.stopping) {
        this.queue.releaseJobs([job.id]);
        return;
      }
      if (error instanceof JobDeferred) {
        if (this.queue.defer(job, error.delayMs, error.message)) {
          this.emit({
            jobId: job.id,
            frameId: job.frameId,
            kind: job.kind,
            state: 'queued',
            attempt: job.attempt,
            error: error.message,
          });
        }
        return;
      }
      this.recordFailure(job, error);
      return;
    }
    // A handler may hold a resource until its commit (a live stack's lock); it is freed whatever happens.
    const release = (apply as { release?: () => void }).release;
    try {
      const committed = this.queue.complete(job, apply, (summary) => summary ?? null);
      if (!committed) return; // lease lost: another process owns the job now
      this.counters.done++;
      this.emit({ jobId: job.id, frameId: job.frameId, kind: job.kind, state: 'done', attempt: job.attempt });
      const summary = committed.value;
      if (summary && summary.sources && summary.frameId !== undefined) {
        this.events.emit('sources', { jobId: job.id, frameId: summary.frameId, count: summary.sources });
      }
    } catch (error) {
      this.recordFailure(job, error);
    } finally {
      release?.();
    }
  }

  private recordFailure(job: LeasedJob, error: unknown): void {
    const classified = classifyError(error);
    const outcome = this.queue.fail(job, classified);
    if (outcome === 'lost') return;
    if (outcome === 'requeued') this.counters.retried++;
    else this.counters.failed++;
    this.emit({
      jobId: job.id,
      frameId: job.frameId,
      kind: job.kind,
      state: outcome === 'requeued' ? 'queued' : 'failed',
      attempt: job.attempt,
      error: classified.message,
    });
  }

  private emit(event: JobEvent): void {
    this.events.emit('job', event);
  }

  private checkIdle(): void {
    if (!this.idleWaiters.length || this.inFlight.size || this.pumping) return;
    if (this.queue.outstanding() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
