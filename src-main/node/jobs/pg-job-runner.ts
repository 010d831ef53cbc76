import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { PgJobQueue } from '../catalog/postgres/job-queue.js';
import type { LeasedJob } from './job-queue.js';
import {
  classifyError,
  JobDeferred,
  type JobCommitSummary,
  type JobEvent,
  type JobRunnerOptions,
  type RunnerCounters,
} from './job-runner.js';

/**
 * A job's work on a PostgreSQL catalog: runs outside any transaction (in workers) and returns the writes to
 * commit, which the runner runs on the client of the transaction that also marks the job done.
 */
export type PgJobHandler = (
  job: LeasedJob,
  options: { signal: AbortSignal },
) => Promise<(client: pg.PoolClient) => Promise<JobCommitSummary | void>>;

/**
 * `JobRunner` for a PostgreSQL catalog, whose queue answers asynchronously: leases jobs with bounded
 * concurrency, commits each job's result with its state change, renews leases while jobs run, emits the
 * same `JobEvent`s. A crash leaves its leases to expire or to be reclaimed by the next process on the host.
 */
export class PgJobRunner {
  private readonly events = new EventEmitter();
  private readonly inFlight = new Map<number, AbortController>();
  private stopping = false;
  private started = false;
  private pumping: Promise<void> | undefined;
  private again = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  /** The first error of the queue itself (the database went away): `whenIdle` rejects with it. */
  private failure: Error | undefined;
  readonly counters: RunnerCounters = { running: 0, done: 0, failed: 0, retried: 0, startedAt: Date.now() };

  constructor(
    private readonly queue: PgJobQueue,
    private readonly handler: PgJobHandler,
    private readonly options: JobRunnerOptions,
  ) {
    this.events.setMaxListeners(100);
  }

  onDidChangeJob(listener: (event: JobEvent) => void): () => void {
    this.events.on('job', listener);
    return () => this.events.off('job', listener);
  }

  get runningCount(): number {
    return this.inFlight.size;
  }

  /** Starts leasing: reclaims jobs of dead processes on this host, then runs whatever is due. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.queue.reclaimFromDeadOwners();
    this.pollTimer = setInterval(() => this.wake(), this.options.pollMs ?? 250);
    this.heartbeat = setInterval(
      () => {
        if (this.inFlight.size) this.queue.renew([...this.inFlight.keys()]).catch((e: unknown) => this.fatal(e));
      },
      Math.max(50, Math.floor(this.queue.leaseMs / 3)),
    );
    this.wake();
  }

  /** Tells the runner that jobs may be waiting. */
  wake(): void {
    if (!this.started || this.stopping) return;
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
      this.idleWaiters.push(resolve);
      this.events.once('fatal', reject);
      void this.checkIdle();
    });
  }

  /** Stops leasing and waits for jobs in flight to commit (with `cancel`: aborts them, back to the queue). */
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
    this.emit({ jobId: job.id, frameId: job.frameId, kind: job.kind, state: 'running', attempt: job.attempt });
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
    let apply: (client: pg.PoolClient) => Promise<JobCommitSummary | void>;
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
    let committed: { value: JobCommitSummary | void } | undefined;
    try {
      committed = await this.queue.complete(job, apply, (summary) => summary ?? null);
    } catch (error) {
      // A connection lost mid-commit rolled the transaction back; the failure is recorded if the DB is back.
      return this.recordFailure(job, error);
    }
    if (!committed) return; // lease lost: another process owns the job now
    this.counters.done++;
    this.emit({ ...this.eventOf(job), state: 'done' });
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

  private fatal(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.stopping = true;
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
    for (const w of waiters) w();
  }
}
