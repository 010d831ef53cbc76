import { EventEmitter } from 'node:events';
import type { FailOutcome, JobError, LeasedJob } from './job-queue.js';

/** What a job's commit reports back (for events and the job's `result_json`). */
export interface JobCommitSummary {
  frameId?: number;
  sources?: number;
  [key: string]: unknown;
}

/** A value now (SQLite answers synchronously) or later (PostgreSQL). */
export type MaybePromise<T> = T | Promise<T>;

/** A job's result writes on a SQLite catalog: run inside the immediate transaction that marks the job done. */
export type SqliteJobCommit = () => JobCommitSummary | void;

/**
 * Runs one job's work outside any transaction (in workers) and returns the writes to commit (`Commit`, in the
 * form the catalog's queue runs inside its completing transaction); the runner commits them together with
 * the job's `done` state. A commit may carry `release()`, called once it ran or failed (a live stack's lock).
 */
export type JobHandlerOf<Commit> = (job: LeasedJob, options: { signal: AbortSignal }) => Promise<Commit>;

/** A job handler on a SQLite catalog. */
export type JobHandler = JobHandlerOf<SqliteJobCommit>;

/**
 * What the runner needs of a catalog's job queue: SQLite's `JobQueue` answers synchronously, PostgreSQL's
 * `PgJobQueue` asynchronously; both give the same lease semantics (a job is committed at most once, only
 * under a lease still held, and a dead process's jobs are leased again).
 */
export interface RunnerQueue<Commit> {
  readonly leaseMs: number;
  lease(limit: number): MaybePromise<LeasedJob[]>;
  /** Runs `apply` and marks the job done in one transaction while the lease is ours; `undefined` when it was lost. */
  complete(
    job: LeasedJob,
    apply: Commit,
    resultSummary: (value: JobCommitSummary | void) => unknown,
  ): MaybePromise<{ value: JobCommitSummary | void } | undefined>;
  fail(job: LeasedJob, error: JobError): MaybePromise<FailOutcome>;
  defer(job: LeasedJob, delayMs: number, reason: string): MaybePromise<boolean>;
  renew(jobIds: number[]): MaybePromise<void>;
  releaseJobs(jobIds: number[]): MaybePromise<void>;
  reclaimFromDeadOwners(): MaybePromise<number>;
  /** Jobs this process could still have to run. */
  outstanding(): MaybePromise<number>;
}

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
 * state change together, on either catalog backend (`RunnerQueue`). Emits `onDidChangeJob` for every
 * transition and `onDidAddSources` after a commit that wrote sources. Renews leases while jobs run; a crash
 * leaves their leases to expire (or to be reclaimed at once by the next process on this host). An error of
 * the queue itself (the database went away) stops the runner: `whenIdle` rejects with it and `onDidFail`
 * reports it.
 */
export class JobRunner<Commit = SqliteJobCommit> {
  private readonly events = new EventEmitter();
  private readonly inFlight = new Map<number, AbortController>();
  private stopping = false;
  private started = false;
  private pumping: Promise<void> | undefined;
  private again = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private idleWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private failure: Error | undefined;
  readonly counters: RunnerCounters = { running: 0, done: 0, failed: 0, retried: 0, startedAt: Date.now() };

  constructor(
    private readonly queue: RunnerQueue<Commit>,
    private readonly handler: JobHandlerOf<Commit>,
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

  /** After the queue itself failed (the runner has stopped leasing). */
  onDidFail(listener: (error: Error) => void): () => void {
    this.events.on('fatal', listener);
    return () => this.events.off('fatal', listener);
  }

  get runningCount(): number {
    return this.inFlight.size;
  }

  /** Starts leasing: reclaims jobs of dead processes on this host, then runs whatever is due. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await this.queue.reclaimFromDeadOwners();
    } catch (error) {
      this.fatal(error);
      throw error;
    }
    this.pollTimer = setInterval(() => this.wake(), this.options.pollMs ?? 250);
    this.heartbeat = setInterval(
      () => {
        if (this.inFlight.size) this.guard(() => this.queue.renew([...this.inFlight.keys()]));
      },
      Math.max(50, Math.floor(this.queue.leaseMs / 3)),
    );
    this.wake();
  }

  /** Tells the runner that jobs may be waiting (after an ingest). */
  wake(): void {
    if (!this.started || this.stopping) return void this.checkIdle();
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((e: unknown) => this.fatal(e))
      .finally(() => {
        this.pumping = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.checkIdle();
      });
  }

  /** Resolves when nothing is in flight and nothing is waiting in the queue (retries included). */
  whenIdle(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.idleWaiters.push({ resolve, reject });
      void this.checkIdle();
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
    await this.pumping;
    while (this.inFlight.size) await new Promise<void>((resolve) => this.events.once('settled', resolve));
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  private async pump(): Promise<void> {
    while (!this.stopping && this.inFlight.size < this.options.concurrency) {
      const jobs = await this.queue.lease(this.options.concurrency - this.inFlight.size);
      if (jobs.length === 0) break;
      for (const job of jobs) this.launch(job);
    }
  }

  private launch(job: LeasedJob): void {
    const controller = new AbortController();
    this.inFlight.set(job.id, controller);
    this.counters.running = this.inFlight.size;
    this.emit({ ...this.eventOf(job), state: 'running' });
    void this.execute(job, controller)
      .catch((e: unknown) => this.fatal(e))
      .finally(() => {
        this.inFlight.delete(job.id);
        this.counters.running = this.inFlight.size;
        this.events.emit('settled');
        this.wake();
      });
  }

  private async execute(job: LeasedJob, controller: AbortController): Promise<void> {
    let apply: Commit;
    try {
      apply = await this.handler(job, { signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted && this.stopping) return void (await this.queue.releaseJobs([job.id]));
      if (error instanceof JobDeferred) {
        if (await this.queue.defer(job, error.delayMs, error.message))
          this.emit({ ...this.eventOf(job), state: 'queued', error: error.message });
        return;
      }
      return this.recordFailure(job, error);
    }
    // A handler may hold a resource until its commit (a live stack's lock); it is freed whatever happens.
    const release = (apply as { release?: () => void }).release;
    let committed: { value: JobCommitSummary | void } | undefined;
    try {
      committed = await this.queue.complete(job, apply, (summary) => summary ?? null);
    } catch (error) {
      // The commit's writes threw, or the connection was lost mid-commit: the transaction rolled back.
      return this.recordFailure(job, error);
    } finally {
      release?.();
    }
    if (!committed) return; // lease lost: another process owns the job now
    this.counters.done++;
    this.emit({ ...this.eventOf(job), state: 'done' });
    const summary = committed.value;
    if (summary && summary.sources && summary.frameId !== undefined)
      this.events.emit('sources', { jobId: job.id, frameId: summary.frameId, count: summary.sources });
  }

  private async recordFailure(job: LeasedJob, error: unknown): Promise<void> {
    const classified = classifyError(error);
    const outcome = await this.queue.fail(job, classified);
    if (outcome === 'lost') return;
    if (outcome === 'requeued') this.counters.retried++;
    else this.counters.failed++;
    this.emit({
      ...this.eventOf(job),
      state: outcome === 'requeued' ? 'queued' : 'failed',
      error: classified.message,
    });
  }

  private eventOf(job: LeasedJob): Omit<JobEvent, 'state'> {
    return { jobId: job.id, frameId: job.frameId, kind: job.kind, attempt: job.attempt };
  }

  private emit(event: JobEvent): void {
    this.events.emit('job', event);
  }

  /** Runs a queue call whose answer nobody waits for; its failure is the runner's. */
  private guard(call: () => MaybePromise<unknown>): void {
    try {
      const r = call();
      if (r instanceof Promise) r.catch((e: unknown) => this.fatal(e));
    } catch (error) {
      this.fatal(error);
    }
  }

  private fatal(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.reject(this.failure);
    this.events.emit('fatal', this.failure);
  }

  private async checkIdle(): Promise<void> {
    if (!this.idleWaiters.length || this.inFlight.size || this.pumping) return;
    let outstanding: number;
    try {
      outstanding = await this.queue.outstanding();
    } catch (error) {
      return this.fatal(error);
    }
    if (outstanding > 0 || this.inFlight.size || this.pumping) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w.resolve();
  }
}
