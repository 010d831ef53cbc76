import type pg from 'pg';
import { retryDelayMs } from '../../jobs/backoff.js';
import type { FailOutcome, JobError, JobQueueOptions, LeasedJob } from '../../jobs/job-queue.js';
import type { JobCommitSummary, JobHandlerOf, RunnerQueue } from '../../jobs/job-runner.js';
import { newOwnerId, ownerIsDead } from '../../jobs/owner.js';
import { inTransaction } from './connection.js';

const LEASED_COLUMNS = `id, kind, frame_id AS "frameId", master_id AS "masterId", profile, attempts,
  max_attempts AS "maxAttempts", state, error`;

/** A job's result writes on a PostgreSQL catalog, run on the client of the transaction that marks it done. */
export type PgJobCommit = (client: pg.PoolClient) => Promise<JobCommitSummary | void>;

/** A job handler on a PostgreSQL catalog (the runner is the one `JobRunner`). */
export type PgJobHandler = JobHandlerOf<PgJobCommit>;

/**
 * The job queue of a PostgreSQL catalog, with the SQLite `JobQueue`'s states and semantics (queued → running
 * under a lease with expiry → done / failed; retries with backoff; a crashed process's jobs taken back) for
 * many processes on many hosts at once. Leasing takes rows with `SELECT … FOR UPDATE SKIP LOCKED`, so two
 * processes never lease the same job and neither waits for the other; completion locks the job row, checks
 * the lease is still ours, and commits the results with the `done` state in one transaction: a job is
 * committed at most once whatever is killed when, and a job whose process died is leased again.
 */
export class PgJobQueue implements RunnerQueue<PgJobCommit> {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly retryBackoffMs: number;
  private readonly retryMaxBackoffMs: number;
  private readonly random: () => number;
  /** SQL filter on `jobs` (profiles, time window, frame paths) and its parameters from $3 on. */
  private readonly filter: string;
  private readonly filterArgs: unknown[];

  constructor(
    private readonly pool: pg.Pool,
    options: JobQueueOptions = {},
  ) {
    this.owner = options.owner ?? newOwnerId();
    this.leaseMs = options.leaseMs ?? 60_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 500;
    this.retryMaxBackoffMs = options.retryMaxBackoffMs ?? 300_000;
    this.random = options.random ?? Math.random;
    const parts: string[] = [];
    const args: unknown[] = [];
    const next = (v: unknown): string => {
      args.push(v);
      return `$${args.length + 2}`;
    };
    if (options.profiles) parts.push(`AND profile = ANY(${next(options.profiles)}::text[])`);
    const w = options.mjdWindow;
    if (w)
      parts.push(
        `AND (frame_id IS NULL OR frame_id IN (SELECT id FROM frames WHERE mjd BETWEEN ${next(w[0])}::float8 AND ${next(w[1])}::float8))`,
      );
    if (options.framePaths)
      parts.push(
        `AND (frame_id IS NULL OR frame_id IN (SELECT frame_id FROM frame_paths WHERE path = ANY(${next(options.framePaths)}::text[])))`,
      );
    this.filter = parts.join(' ');
    this.filterArgs = args;
  }

  /**
   * Leases up to `limit` jobs: queued ones that are due and running ones whose lease expired. Rows another
   * process is leasing or completing right now are skipped, not waited for. A job that used all its attempts
   * is failed instead (its frame too).
   */
  async lease(limit: number): Promise<LeasedJob[]> {
    if (limit <= 0) return [];
    return inTransaction(this.pool, async (c) => {
      const now = Date.now();
      const { rows } = await c.query<{
        id: number;
        kind: string;
        frameId: number | null;
        masterId: number | null;
        profile: string;
        attempts: number;
        maxAttempts: number;
        error: string | null;
      }>(
        `SELECT ${LEASED_COLUMNS} FROM jobs
          WHERE ((state = 'queued' AND not_before <= $1) OR (state = 'running' AND lease_expires_at < $1)) ${this.filter}
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit, ...this.filterArgs],
      );
      const leased: LeasedJob[] = [];
      for (const r of rows) {
        if (r.attempts >= r.maxAttempts) {
          const message = `worker lost (the process running it died) after ${r.attempts} attempt(s)${r.error ? `; last error: ${r.error}` : ''}`;
          await c.query(
            `UPDATE jobs SET state = 'failed', error = $1, error_code = 'WORKER_LOST', lease_owner = NULL,
               lease_expires_at = NULL, finished_at = $2 WHERE id = $3`,
            [message, now, r.id],
          );
          if (r.frameId !== null)
            await c.query(`UPDATE frames SET status = 'failed', error = $1 WHERE id = $2`, [message, r.frameId]);
          continue;
        }
        leased.push({
          id: r.id,
          kind: r.kind,
          frameId: r.frameId,
          masterId: r.masterId,
          profile: r.profile,
          attempt: r.attempts + 1,
          maxAttempts: r.maxAttempts,
        });
      }
      if (leased.length)
        await c.query(
          `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2,
             started_at = $3 WHERE id = ANY($4::bigint[])`,
          [this.owner, now + this.leaseMs, now, leased.map((j) => j.id)],
        );
      return leased;
    });
  }

  /**
   * Commits `apply` (the job's result writes, on the transaction's client) and the job's `done` state in one
   * transaction, only while this process holds the lease (the job row stays locked until the commit).
   * Returns `undefined` when the lease was lost (nothing is written).
   */
  async complete<T>(
    job: LeasedJob,
    apply: (client: pg.PoolClient) => Promise<T>,
    resultSummary?: (value: T) => unknown,
  ): Promise<{ value: T } | undefined> {
    return inTransaction(this.pool, async (c) => {
      const owned = await c.query(
        `SELECT id FROM jobs WHERE id = $1 AND state = 'running' AND lease_owner = $2 FOR UPDATE`,
        [job.id, this.owner],
      );
      if (owned.rows.length === 0) return undefined;
      const value = await apply(c);
      const summary = resultSummary ? resultSummary(value) : value;
      await c.query(
        `UPDATE jobs SET state = 'done', error = NULL, error_code = NULL, lease_owner = NULL, lease_expires_at = NULL,
           finished_at = $1, result_json = $2 WHERE id = $3`,
        [Date.now(), summary === undefined ? null : JSON.stringify(summary), job.id],
      );
      return { value };
    });
  }

  /** Records a failed attempt: requeued with backoff while attempts remain and it is worth it, else failed. */
  async fail(job: LeasedJob, error: JobError): Promise<FailOutcome> {
    return inTransaction(this.pool, async (c): Promise<FailOutcome> => {
      const { rows } = await c.query<{ attempts: number; maxAttempts: number; frameId: number | null }>(
        `SELECT attempts, max_attempts AS "maxAttempts", frame_id AS "frameId" FROM jobs
          WHERE id = $1 AND state = 'running' AND lease_owner = $2 FOR UPDATE`,
        [job.id, this.owner],
      );
      const row = rows[0];
      if (!row) return 'lost';
      const now = Date.now();
      if (error.retryable && row.attempts < row.maxAttempts) {
        const delay = retryDelayMs(row.attempts, {
          baseMs: this.retryBackoffMs,
          maxMs: this.retryMaxBackoffMs,
          random: this.random,
        });
        await c.query(
          `UPDATE jobs SET state = 'queued', error = $1, error_code = $2, lease_owner = NULL, lease_expires_at = NULL,
             not_before = $3 WHERE id = $4`,
          [error.message, error.code ?? null, now + delay, job.id],
        );
        return 'requeued';
      }
      await c.query(
        `UPDATE jobs SET state = 'failed', error = $1, error_code = $2, lease_owner = NULL, lease_expires_at = NULL,
           finished_at = $3 WHERE id = $4`,
        [error.message, error.code ?? null, now, job.id],
      );
      if (row.frameId !== null)
        await c.query(`UPDATE frames SET status = 'failed', error = $1 WHERE id = $2`, [error.message, row.frameId]);
      return 'failed';
    });
  }

  /** Puts a job back to wait without counting the attempt; due again after `delayMs`. */
  async defer(job: LeasedJob, delayMs: number, reason: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE jobs SET state = 'queued', attempts = greatest(0, attempts - 1), error = $1, error_code = 'DEFERRED',
         lease_owner = NULL, lease_expires_at = NULL, not_before = $2 WHERE id = $3 AND state = 'running' AND lease_owner = $4`,
      [reason, Date.now() + delayMs, job.id, this.owner],
    );
    return r.rowCount === 1;
  }

  /** Extends the leases of jobs still in progress. */
  async renew(jobIds: Iterable<number>): Promise<void> {
    const ids = [...jobIds];
    if (!ids.length) return;
    await this.pool.query(
      `UPDATE jobs SET lease_expires_at = $1 WHERE id = ANY($2::bigint[]) AND state = 'running' AND lease_owner = $3`,
      [Date.now() + this.leaseMs, ids, this.owner],
    );
  }

  /** Puts jobs back in the queue without counting the attempt (a clean shutdown that cancelled them). */
  async releaseJobs(jobIds: Iterable<number>): Promise<void> {
    const ids = [...jobIds];
    if (!ids.length) return;
    await this.pool.query(
      `UPDATE jobs SET state = 'queued', attempts = greatest(0, attempts - 1), lease_owner = NULL, lease_expires_at = NULL
        WHERE id = ANY($1::bigint[]) AND state = 'running' AND lease_owner = $2`,
      [ids, this.owner],
    );
  }

  /** Expires the leases held by processes of this host that no longer exist. Returns how many owners. */
  async reclaimFromDeadOwners(): Promise<number> {
    const { rows } = await this.pool.query<{ owner: string }>(
      `SELECT DISTINCT lease_owner AS owner FROM jobs WHERE state = 'running' AND lease_owner IS NOT NULL`,
    );
    let n = 0;
    for (const { owner } of rows) {
      if (owner !== this.owner && ownerIsDead(owner)) {
        await this.pool.query(`UPDATE jobs SET lease_expires_at = 0 WHERE state = 'running' AND lease_owner = $1`, [
          owner,
        ]);
        n++;
      }
    }
    return n;
  }

  /** Jobs this process could still have to run: queued, or running under our lease or an expired one. */
  async outstanding(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*) AS n FROM jobs
        WHERE (state = 'queued' OR (state = 'running' AND (lease_owner = $1 OR lease_expires_at < $2))) ${this.filter}`,
      [this.owner, Date.now(), ...this.filterArgs],
    );
    return rows[0].n;
  }

  /** Running jobs (of our filters) under another owner's lease that has not expired yet. */
  async leasedElsewhere(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*) AS n FROM jobs
        WHERE state = 'running' AND lease_owner IS DISTINCT FROM $1 AND lease_expires_at >= $2 ${this.filter}`,
      [this.owner, Date.now(), ...this.filterArgs],
    );
    return rows[0].n;
  }
}
