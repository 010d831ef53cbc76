import { join } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { JobFailure } from './job-failure.js';
import { mastersDir } from './master-job.js';
import type { Profile } from './profile.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

/** One promise chain per stack: its frames are added one at a time, in lease order. */
const stackLocks = new Map<number, Promise<void>>();

async function lockStack(stackId: number): Promise<() => void> {
  const previous = stackLocks.get(stackId) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const chained = previous.then(() => mine);
  stackLocks.set(stackId, chained);
  await previous;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    release();
    if (stackLocks.get(stackId) === chained) stackLocks.delete(stackId);
  };
}

/** Queues the live-stack step of a processed light (inside the light's commit, so exactly once per frame). */
export function queueLiveStack(catalog: Catalog, frameId: number, profile: string): void {
  catalog.db
    .prepare(
      `INSERT OR IGNORE INTO jobs (kind, frame_id, profile, state, max_attempts, created_at) VALUES ('live-stack', ?, ?, 'queued', 3, ?)`,
    )
    .run(frameId, profile, Date.now());
}

/**
 * Adds a light to the live stack of its profile, filter and size (created with this light as reference):
 * registration and the running mean happen in a worker; the commit records the frame in `stack_frames`.
 * Frames of one stack are serialised in this process; the returned commit carries `release` for the runner.
 */
export async function runLiveStack(
  catalog: Catalog,
  pool: WorkerPool | undefined,
  profile: Profile,
  job: LeasedJob,
  signal: AbortSignal,
): Promise<(() => JobCommitSummary) & { release: () => void }> {
  if (!pool) throw new JobFailure('JOB_INVALID', `job ${job.id}: live stacking needs the worker pool`, false);
  const db = catalog.db;
  const frame = db.prepare('SELECT id, path, filter, width, height FROM frames WHERE id = ?').get(job.frameId) as
    { id: number; path: string; filter: string | null; width: number | null; height: number | null } | undefined;
  if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${job.frameId} is gone`, false);
  const key = `${job.profile}|${frame.filter ?? ''}|${frame.width}x${frame.height}`;
  const dir = join(mastersDir(catalog, profile), '..', 'stacks');
  makeDirs(dir);
  db.prepare(
    `INSERT OR IGNORE INTO stacks (stack_key, profile, filter, width, height, reference_frame_id, path, created_at)
     VALUES (?, ?, ?, ?, ?, ?, '', ?)`,
  ).run(key, job.profile, frame.filter, frame.width, frame.height, frame.id, Date.now());
  const stack = db.prepare('SELECT id, reference_frame_id AS referenceId FROM stacks WHERE stack_key = ?').get(key) as {
    id: number;
    referenceId: number;
  };
  const statePath = join(dir, `stack-${stack.id}.fits`);
  db.prepare(`UPDATE stacks SET path = ? WHERE id = ? AND path = ''`).run(statePath, stack.id);
  const release = await lockStack(stack.id);
  try {
    const reference = db.prepare('SELECT path FROM frames WHERE id = ?').get(stack.referenceId) as { path: string };
    const expectedFrames = (
      db.prepare('SELECT count(*) AS n FROM stack_frames WHERE stack_id = ?').get(stack.id) as { n: number }
    ).n;
    const result = await pool.run(
      'live-stack',
      { framePath: frame.path, referencePath: reference.path, statePath, expectedFrames, frameId: frame.id },
      { signal, timeoutMs: profile.jobs.timeoutMs },
    );
    if (!result.ok) throw new JobFailure(result.error.code, `${frame.path}: ${result.error.message}`, false);
    const out = result.value;
    const apply = (): JobCommitSummary => {
      try {
        if (out.included) {
          db.prepare(
            'INSERT OR IGNORE INTO stack_frames (stack_id, frame_id, method, rms_px, added_at) VALUES (?, ?, ?, ?, ?)',
          ).run(stack.id, frame.id, out.method ?? null, out.rmsPx ?? null, Date.now());
          db.prepare(
            'UPDATE stacks SET frame_count = (SELECT count(*) FROM stack_frames WHERE stack_id = ?), updated_at = ? WHERE id = ?',
          ).run(stack.id, Date.now(), stack.id);
        }
        return { frameId: frame.id, stackId: stack.id, ...out };
      } finally {
        release();
      }
    };
    return Object.assign(apply, { release });
  } catch (error) {
    release();
    throw error;
  }
}
