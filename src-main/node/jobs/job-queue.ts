import type { Statement } from 'better-sqlite3';
import type { JobState, SqliteDatabase } from '../catalog/index.js';
import { retryDelayMs } from './backoff.js';
import type { RunnerQueue, SqliteJobCommit } from './job-runner.js';
import { newOwnerId, ownerIsDead } from './owner.js';

/** A job this process holds a lease on. */
export interface LeasedJob {
  id: number;
  kind: string;
  frameId: number | null;
  /** For `build-master` jobs: the master to rebuild. */
  masterId: number | null;
  profile: string;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

export interface JobQueueOptions {
  /** Lease length; a lease not renewed within it lets another process take the job [60000]. */
  leaseMs?: number;
  owner?: string;
  /** Delay before the first retry; it doubles with every further attempt, with jitter (`retryDelayMs`) [500]. */
  retryBackoffMs?: number;
  /** Cap of the retry delay before jitter [300000]. */
  retryMaxBackoffMs?: number;
  /** Uniform [0, 1) source of the jitter [Math.random]. */
  random?: () => number;
  /** Lease only jobs queued under these profile names [all] (several services with different profiles on one catalog). */
  profiles?: readonly string[];
  /**
   * Lease only frame jobs whose frame was observed in [since, until] (MJD, UTC, inclusive) [all]: batches by
   * time window (`owb process --since --until`). Frames without an observation time are outside every window;
   * jobs without a frame (masters, stacks) are always in.
   */
  mjdWindow?: readonly [number, number];
  /**
   * Lease only frame jobs of frames seen at one of these absolute paths (`frame_paths`) [all]: one shard
   * of a batch plan (`owb batch run`). Jobs without a frame are always in, as with `mjdWindow`.
   */
  framePaths?: readonly string[];
}

export interface JobError {
  message: string;
  code?: string;
  /** False for errors that another attempt cannot fix (a corrupt file). */
  retryable: boolean;
}

export type FailOutcome = 'requeued' | 'failed' | 'lost';

/**
 * The job queue lives in the catalog: queued → running (leased, with expiry) → done / failed. Completion
 * runs the caller's result writes and the state change in one immediate transaction, and only while this
 * process still holds the lease, so a job is committed at most once whatever is killed when.
 */
export class JobQueue implements RunnerQueue<SqliteJobCommit> {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly retryBackoffMs: number;
  private readonly retryMaxBackoffMs: number;
  private readonly random: () => number;
  private readonly profilesJson: string | undefined;
  /** Named parameters of the filters (profiles, frame paths) every filtered statement takes. */
  private readonly filterArgs: Record<string, string>;
  private readonly selectLeasable: Statement;
  private readonly markRunning: Statement;
  private readonly failExhausted: Statement;
  private readonly ownedRow: Statement;
  private readonly markDone: Statement;
  private readonly renewStmt: Statement;
  private readonly requeue: Statement;
  private readonly markFailed: Statement;
  private readonly failFrame: Statement;
  private readonly release: Statement;
  private readonly runningOwners: Statement;
  private readonly expireOwner: Statement;
  private readonly waitingCount: Statement;
  private readonly nextDue: Statement;
  private readonly elsewhere: Statement;
  private readonly deferStmt: Statement;

  constructor(
    private readonly db: SqliteDatabase,
    options: JobQueueOptions = {},
  ) {
    this.owner = options.owner ?? newOwnerId();
    this.leaseMs = options.leaseMs ?? 60_000;
    this.retryBackoffMs = options.retryBackoffMs ?? 500;
    this.retryMaxBackoffMs = options.retryMaxBackoffMs ?? 300_000;
    this.random = options.random ?? Math.random;
    this.profilesJson = options.profiles ? JSON.stringify(options.profiles) : undefined;
    const w = options.mjdWindow;
    const inWindow =
      (w
        ? `AND (frame_id IS NULL OR frame_id IN (SELECT id FROM frames WHERE mjd BETWEEN ${Number(w[0])} AND ${Number(w[1])}))`
        : '') +
      (options.framePaths
        ? ` AND (frame_id IS NULL OR frame_id IN (SELECT frame_id FROM frame_paths WHERE path IN (SELECT value FROM json_each(@paths))))`
        : '');
    this.filterArgs = {
      ...(this.profilesJson ? { profiles: this.profilesJson } : {}),
      ...(options.framePaths ? { paths: JSON.stringify(options.framePaths) } : {}),
    };
    this.selectLeasable = db.prepare(
      `SELECT id, kind, frame_id AS frameId, master_id AS masterId, profile, attempts, max_attempts AS maxAttempts, state, error FROM jobs
        WHERE ((state = 'queued' AND not_before <= @now) OR (state = 'running' AND lease_expires_at < @now))
          ${options.profiles ? `AND profile IN (SELECT value FROM json_each(@profiles))` : ''} ${inWindow}
        ORDER BY id LIMIT @limit`,
    );
    this.markRunning = db.prepare(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?,
         started_at = ? WHERE id = ?`,
    );
    this.failExhausted = db.prepare(
      `UPDATE jobs SET state = 'failed', error = ?, error_code = 'WORKER_LOST', lease_owner = NULL, lease_expires_at = NULL,
         finished_at = ? WHERE id = ?`,
    );
    this.ownedRow = db.prepare(`SELECT attempts, max_attempts AS maxAttempts, frame_id AS frameId FROM jobs
                                 WHERE id = ? AND state = 'running' AND lease_owner = ?`);
    this.markDone = db.prepare(
      `UPDATE jobs SET state = 'done', error = NULL, error_code = NULL, lease_owner = NULL, lease_expires_at = NULL,
         finished_at = ?, result_json = ? WHERE id = ?`,
    );
    this.renewStmt = db.prepare(
      `UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    );
    this.requeue = db.prepare(
      `UPDATE jobs SET state = 'queued', error = ?, error_code = ?, lease_owner = NULL, lease_expires_at = NULL, not_before = ?
        WHERE id = ?`,
    );
    this.markFailed = db.prepare(
      `UPDATE jobs SET state = 'failed', error = ?, error_code = ?, lease_owner = NULL, lease_expires_at = NULL, finished_at = ?
        WHERE id = ?`,
    );
    this.failFrame = db.prepare(`UPDATE frames SET status = 'failed', error = ? WHERE id = ?`);
    this.release = db.prepare(
      `UPDATE jobs SET state = 'queued', attempts = max(0, attempts - 1), lease_owner = NULL, lease_expires_at = NULL
        WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    );
    this.runningOwners = db.prepare(
      `SELECT DISTINCT lease_owner AS owner FROM jobs WHERE state = 'running' AND lease_owner IS NOT NULL`,
    );
    this.expireOwner = db.prepare(`UPDATE jobs SET lease_expires_at = 0 WHERE state = 'running' AND lease_owner = ?`);
    this.waitingCount = db.prepare(
      `SELECT count(*) AS n FROM jobs WHERE (state = 'queued' OR (state = 'running' AND (lease_owner = @owner OR lease_expires_at < @now)))
         ${options.profiles ? `AND profile IN (SELECT value FROM json_each(@profiles))` : ''} ${inWindow}`,
    );
    this.deferStmt = db.prepare(
      `UPDATE jobs SET state = 'queued', attempts = max(0, attempts - 1), error = ?, error_code = 'DEFERRED', lease_owner = NULL,
         lease_expires_at = NULL, not_before = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    );
    this.nextDue = db.prepare(`SELECT min(not_before) AS t FROM jobs WHERE state = 'queued'`);
    this.elsewhere = db.prepare(
      `SELECT count(*) AS n FROM jobs WHERE state = 'running' AND lease_owner IS NOT @owner AND lease_expires_at >= @now
         ${options.profiles ? `AND profile IN (SELECT value FROM json_each(@profiles))` : ''} ${inWindow}`,
    );
  }

  /**
   * Leases up to `limit` jobs: queued ones that are due, and running ones whose lease expired (their process
   * died). A job that already used all its attempts is failed instead of leased again.
   */
  lease(limit: number): LeasedJob[] {
    if (limit <= 0) return [];
    return this.db
      .transaction(() => {
        const now = Date.now();
        const rows = this.selectLeasable.all({ now, limit, ...this.filterArgs }) as Array<{
          id: number;
          kind: string;
          frameId: number | null;
          masterId: number | null;
          profile: string;
          attempts: number;
          maxAttempts: number;
          state: JobState;
          error: string | null;
        }>;
        const leased: LeasedJob[] = [];
        for (const r of rows) {
          if (r.attempts >= r.maxAttempts) {
            const message = `worker lost (the process running it died) after ${r.attempts} attempt(s)${r.error ? `; last error: ${r.error}` : ''}`;
            this.failExhausted.run(message, now, r.id);
            if (r.frameId !== null) this.failFrame.run(message, r.frameId);
            continue;
          }
          this.markRunning.run(this.owner, now + this.leaseMs, now, r.id);
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
        return leased;
      })
      .immediate();
  }

  /**
   * Commits `apply` (the job's result writes) and the job's `done` state in one transaction, only while this
   * process holds the lease. Returns `undefined` when the lease was lost (nothing is written).
   */
  complete<T>(job: LeasedJob, apply: () => T, resultSummary?: (value: T) => unknown): { value: T } | undefined {
    return this.db
      .transaction(() => {
        if (!this.ownedRow.get(job.id, this.owner)) return undefined;
        const value = apply();
        const summary = resultSummary ? resultSummary(value) : value;
        this.markDone.run(Date.now(), summary === undefined ? null : JSON.stringify(summary), job.id);
        return { value };
      })
      .immediate();
  }

  /** Records a failed attempt: back to the queue (exponential backoff with jitter) while attempts remain and it is worth it, else failed. */
  fail(job: LeasedJob, error: JobError): FailOutcome {
    return this.db
      .transaction((): FailOutcome => {
        const row = this.ownedRow.get(job.id, this.owner) as
          { attempts: number; maxAttempts: number; frameId: number | null } | undefined;
        if (!row) return 'lost';
        const now = Date.now();
        if (error.retryable && row.attempts < row.maxAttempts) {
          const delay = retryDelayMs(row.attempts, {
            baseMs: this.retryBackoffMs,
            maxMs: this.retryMaxBackoffMs,
            random: this.random,
          });
          this.requeue.run(error.message, error.code ?? null, now + delay, job.id);
          return 'requeued';
        }
        this.markFailed.run(error.message, error.code ?? null, now, job.id);
        if (row.frameId !== null) this.failFrame.run(error.message, row.frameId);
        return 'failed';
      })
      .immediate();
  }

  /**
   * Puts a job back to wait (e.g. a light waiting for its masters) without counting the attempt; it is due
   * again after `delayMs`.
   */
  defer(job: LeasedJob, delayMs: number, reason: string): boolean {
    return this.deferStmt.run(reason, Date.now() + delayMs, job.id, this.owner).changes === 1;
  }

  /** Extends the leases of jobs still in progress (call well within `leaseMs`). */
  renew(jobIds: Iterable<number>): void {
    const expires = Date.now() + this.leaseMs;
    this.db.transaction(() => {
      for (const id of jobIds) this.renewStmt.run(expires, id, this.owner);
    })();
  }

  /** Puts jobs back in the queue without counting the attempt (a clean shutdown that cancelled them). */
  releaseJobs(jobIds: Iterable<number>): void {
    this.db.transaction(() => {
      for (const id of jobIds) this.release.run(id, this.owner);
    })();
  }

  /** Expires the leases held by processes of this host that no longer exist. Returns how many owners. */
  reclaimFromDeadOwners(): number {
    let n = 0;
    for (const { owner } of this.runningOwners.all() as Array<{ owner: string }>) {
      if (owner !== this.owner && ownerIsDead(owner)) {
        this.expireOwner.run(owner);
        n++;
      }
    }
    return n;
  }

  /** Jobs this process could still have to run: queued, or running under our lease or an expired one. */
  outstanding(): number {
    const args = { owner: this.owner, now: Date.now(), ...this.filterArgs };
    return (this.waitingCount.get(args) as { n: number }).n;
  }

  /**
   * Running jobs (of our profiles) under another owner's lease that has not expired yet: another live
   * process's work, or a crashed one's that becomes ours when the lease runs out.
   */
  leasedElsewhere(): number {
    const args = { owner: this.owner, now: Date.now(), ...this.filterArgs };
    return (this.elsewhere.get(args) as { n: number }).n;
  }

  /** When the earliest queued job becomes due (ms since epoch), if any is queued. */
  nextDueAt(): number | undefined {
    const t = (this.nextDue.get() as { t: number | null }).t;
    return t ?? undefined;
  }
}
