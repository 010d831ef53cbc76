import { join } from 'node:path';
import pg from 'pg';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { PgJobCommit } from '../catalog/postgres/job-queue.js';
import type { LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { JobFailure } from './job-failure.js';
import type { Profile } from './profile.js';

/** Advisory lock class (session scope, with the stack id) serialising the frames of one live stack. */
const STACK_LOCK = 0x6f777373; // 'owss'

/** Queues the live-stack step of a processed light, inside the light's commit (so exactly once per frame). */
export async function pgQueueLiveStack(c: pg.PoolClient, frameId: number, profile: string): Promise<void> {
  await c.query(
    `INSERT INTO jobs (kind, frame_id, profile, state, max_attempts, created_at)
     VALUES ('live-stack', $1, $2, 'queued', 3, $3) ON CONFLICT DO NOTHING`,
    [frameId, profile, Date.now()],
  );
}

/**
 * A session-level advisory lock on one stack, on a connection of its own (not one of the pool's, which the
 * commit needs): held from before the stack's frame count is read until the commit has run, so frames of one
 * stack are added one at a time by every process on the catalog; a process that dies drops it with its
 * connection. Returns the release function (idempotent).
 */
async function lockStack(pool: pg.Pool, stackId: number): Promise<() => void> {
  const client = new pg.Client(pool.options as pg.ClientConfig);
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [STACK_LOCK, stackId]);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Ending the session releases its advisory locks.
    void client.end().catch(() => undefined);
  };
}

/**
 * `runLiveStack` (live-stack-job.ts) on a PostgreSQL catalog: adds a light to the live stack of its profile,
 * filter and size (created with the first light that gets there as reference); registration and the running
 * mean in a worker, the commit records the frame in `stack_frames`. The returned commit carries `release`
 * (the stack's lock) for the runner.
 */
export async function runPgLiveStack(
  pool: pg.Pool,
  workers: WorkerPool | undefined,
  outputsDir: string,
  profile: Profile,
  job: LeasedJob,
  signal: AbortSignal,
): Promise<PgJobCommit & { release: () => void }> {
  if (!workers) throw new JobFailure('JOB_INVALID', `job ${job.id}: live stacking needs the worker pool`, false);
  const frame = (
    await pool.query<{ id: number; path: string; filter: string | null; width: number | null; height: number | null }>(
      'SELECT id, path, filter, width, height FROM frames WHERE id = $1',
      [job.frameId],
    )
  ).rows[0];
  if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${job.frameId} is gone`, false);
  const key = `${job.profile}|${frame.filter ?? ''}|${frame.width}x${frame.height}`;
  const dir = join(outputsDir, 'stacks');
  makeDirs(dir);
  await pool.query(
    `INSERT INTO stacks (stack_key, profile, filter, width, height, reference_frame_id, path, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, '', $7) ON CONFLICT (stack_key) DO NOTHING`,
    [key, job.profile, frame.filter, frame.width, frame.height, frame.id, Date.now()],
  );
  const stack = (
    await pool.query<{ id: number; referenceId: number }>(
      'SELECT id, reference_frame_id AS "referenceId" FROM stacks WHERE stack_key = $1',
      [key],
    )
  ).rows[0];
  const statePath = join(dir, `stack-${stack.id}.fits`);
  await pool.query(`UPDATE stacks SET path = $1 WHERE id = $2 AND path = ''`, [statePath, stack.id]);
  const release = await lockStack(pool, stack.id);
  try {
    const reference = (await pool.query<{ path: string }>('SELECT path FROM frames WHERE id = $1', [stack.referenceId]))
      .rows[0];
    const expectedFrames = (
      await pool.query<{ n: number }>('SELECT count(*) AS n FROM stack_frames WHERE stack_id = $1', [stack.id])
    ).rows[0].n;
    const result = await workers.run(
      'live-stack',
      { framePath: frame.path, referencePath: reference.path, statePath, expectedFrames, frameId: frame.id },
      { signal, timeoutMs: profile.jobs.timeoutMs },
    );
    if (!result.ok) throw new JobFailure(result.error.code, `${frame.path}: ${result.error.message}`, false);
    const out = result.value;
    const apply: PgJobCommit = async (c) => {
      if (out.included) {
        const now = Date.now();
        await c.query(
          `INSERT INTO stack_frames (stack_id, frame_id, method, rms_px, added_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [stack.id, frame.id, out.method ?? null, out.rmsPx ?? null, now],
        );
        await c.query(
          `UPDATE stacks SET frame_count = (SELECT count(*) FROM stack_frames WHERE stack_id = $1), updated_at = $2
            WHERE id = $1`,
          [stack.id, now],
        );
      }
      return { frameId: frame.id, stackId: stack.id, ...out };
    };
    return Object.assign(apply, { release });
  } catch (error) {
    release();
    throw error;
  }
}
