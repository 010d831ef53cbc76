import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type pg from 'pg';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { PgJobCommit } from '../catalog/postgres/job-queue.js';
import { transientCandidateRows } from '../diff/record-candidates.js';
import { runDifference, type DifferenceRun } from '../diff/run-difference.js';
import type { LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { contentHash } from '../watch/content-hash.js';
import { JobFailure } from './job-failure.js';
import { queuePgScore } from './pg-score-job.js';
import type { Profile } from './profile.js';

/** Queues the difference step of a processed light, inside the light's commit (so exactly once per frame). */
export async function pgQueueDifference(c: pg.PoolClient, frameId: number, profile: string): Promise<void> {
  await c.query(
    `INSERT INTO jobs (kind, frame_id, profile, state, max_attempts, created_at)
     VALUES ('difference', $1, $2, 'queued', 3, $3) ON CONFLICT DO NOTHING`,
    [frameId, profile, Date.now()],
  );
}

/**
 * `insertTransientCandidates` (diff/record-candidates.ts) on PostgreSQL, inside the job's transaction: the
 * run's candidates as `transient` candidates of the frame, unless candidates of this frame against the same
 * reference are already there. Returns how many were added.
 */
export async function pgInsertTransientCandidates(
  c: pg.PoolClient,
  frameId: number,
  referenceKey: string,
  run: DifferenceRun,
): Promise<number> {
  const already = await c.query<{ n: number }>(
    `SELECT count(*) AS n FROM candidates
      WHERE kind = 'transient' AND frame_id = $1 AND (details_json::jsonb ->> 'referenceHash') = $2`,
    [frameId, referenceKey],
  );
  if (already.rows[0].n > 0) return 0;
  const rows = transientCandidateRows(run, referenceKey);
  if (rows.length === 0) return 0;
  await c.query(
    `INSERT INTO candidates (kind, object_id, frame_id, source_id, score, details_json, created_at)
     SELECT 'transient', NULL, $1, NULL, s, d, $2 FROM unnest($3::float8[], $4::text[]) WITH ORDINALITY AS u(s, d, n)
      ORDER BY n`,
    [frameId, Date.now(), rows.map((r) => r.score), rows.map((r) => r.detailsJson)],
  );
  return rows.length;
}

/**
 * `runDifferenceJob` (difference-job.ts) on a PostgreSQL catalog: differences a light against the profile's
 * reference (a file) or the earliest light (by MJD) of the same filter and size, in a worker; the commit
 * records the residuals as `transient` candidates with the stamp paths. The reference light itself commits
 * with nothing to record.
 */
export async function runPgDifferenceJob(
  pool: pg.Pool,
  workers: WorkerPool | undefined,
  outputsDir: string,
  profile: Profile,
  job: LeasedJob,
  signal: AbortSignal,
): Promise<PgJobCommit> {
  const step = profile.steps.difference;
  if (!step) throw new JobFailure('JOB_INVALID', `job ${job.id}: the profile has no difference step`, false);
  if (!workers) throw new JobFailure('JOB_INVALID', `job ${job.id}: differencing needs the worker pool`, false);
  const frame = (
    await pool.query<{ id: number; path: string; filter: string | null; width: number | null; height: number | null }>(
      'SELECT id, path, filter, width, height FROM frames WHERE id = $1',
      [job.frameId],
    )
  ).rows[0];
  if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${job.frameId} is gone`, false);
  let referencePath: string;
  let referenceKey: string;
  if (step.reference) {
    referencePath = step.reference;
    if (!existsSync(referencePath))
      throw new JobFailure('REFERENCE_GONE', `${referencePath}: the profile's reference is gone`, false);
    referenceKey = await contentHash(referencePath, statSync(referencePath).size);
  } else {
    const first = (
      await pool.query<{ id: number; path: string; contentHash: string }>(
        `SELECT id, path, content_hash AS "contentHash" FROM frames
          WHERE frame_type = 'light' AND status <> 'failed' AND filter IS NOT DISTINCT FROM $1
            AND width IS NOT DISTINCT FROM $2::bigint AND height IS NOT DISTINCT FROM $3::bigint
          ORDER BY COALESCE(mjd, 1e9), id LIMIT 1`,
        [frame.filter, frame.width, frame.height],
      )
    ).rows[0];
    if (!first || first.id === frame.id) return async () => ({ frameId: frame.id, reference: true });
    referencePath = first.path;
    referenceKey = first.contentHash;
  }
  const dir = join(outputsDir, 'diff');
  makeDirs(dir);
  const stem = `${frame.id}_${basename(frame.path).replace(/\.(fits?|fts)(\.gz|\.fz)?$/i, '')}`;
  let run: DifferenceRun;
  try {
    run = await runDifference(
      workers,
      {
        sciencePath: frame.path,
        referencePath,
        differencePath: join(dir, `${stem}_diff.fits`),
        alignedReferencePath: join(dir, `${stem}_ref.fits`),
        threshSigma: step.threshSigma,
        minAreaPx: step.minAreaPx,
      },
      signal,
    );
  } catch (error) {
    const e = error as { code?: string; message?: string };
    // Frames that cannot be registered or have no stars are the data's fault: fail without retrying.
    throw new JobFailure(
      e.code ?? 'DIFFERENCE_FAILED',
      e.message ?? String(error),
      !e.code || e.code === 'DIFFERENCE_FAILED',
    );
  }
  return async (c) => {
    const added = await pgInsertTransientCandidates(c, frame.id, referenceKey, run);
    // As on SQLite: the candidates get scored once they are recorded, in the same commit.
    if (added > 0 && profile.steps.score) await queuePgScore(c, frame.id, job.profile);
    return { frameId: frame.id, candidates: added };
  };
}
