import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { insertTransientCandidates } from '../diff/record-candidates.js';
import { runDifference } from '../diff/run-difference.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { contentHash } from '../watch/content-hash.js';
import { JobFailure } from './job-failure.js';
import { mastersDir } from './master-job.js';
import { queueScore } from './score-job.js';
import type { Profile } from './profile.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

/** Queues the difference step of a processed light (inside the light's commit, so exactly once per frame). */
export function queueDifference(catalog: Catalog, frameId: number, profile: string): void {
  catalog.db
    .prepare(
      `INSERT OR IGNORE INTO jobs (kind, frame_id, profile, state, max_attempts, created_at) VALUES ('difference', ?, ?, 'queued', 3, ?)`,
    )
    .run(frameId, profile, Date.now());
}

interface FrameFacts {
  id: number;
  path: string;
  contentHash: string;
  filter: string | null;
  width: number | null;
  height: number | null;
}

/**
 * Differences a light against the profile's reference (a file) or the earliest light (by MJD) of the same
 * filter and size known to the catalog, in a worker; the commit records the residuals as `transient` candidates with the stamp
 * paths. The reference light itself commits with nothing to record.
 */
export async function runDifferenceJob(
  catalog: Catalog,
  pool: WorkerPool | undefined,
  profile: Profile,
  job: LeasedJob,
  signal: AbortSignal,
): Promise<() => JobCommitSummary> {
  const step = profile.steps.difference;
  if (!step) throw new JobFailure('JOB_INVALID', `job ${job.id}: the profile has no difference step`, false);
  if (!pool) throw new JobFailure('JOB_INVALID', `job ${job.id}: differencing needs the worker pool`, false);
  const db = catalog.db;
  const frame = db
    .prepare('SELECT id, path, content_hash AS contentHash, filter, width, height FROM frames WHERE id = ?')
    .get(job.frameId) as FrameFacts | undefined;
  if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${job.frameId} is gone`, false);
  let referencePath: string;
  let referenceKey: string;
  if (step.reference) {
    referencePath = step.reference;
    if (!existsSync(referencePath))
      throw new JobFailure('REFERENCE_GONE', `${referencePath}: the profile's reference is gone`, false);
    referenceKey = await contentHash(referencePath, statSync(referencePath).size);
  } else {
    const first = db
      .prepare(
        `SELECT id, path, content_hash AS contentHash FROM frames
          WHERE frame_type = 'light' AND status <> 'failed' AND filter IS ? AND width IS ? AND height IS ?
          ORDER BY COALESCE(mjd, 1e9), id LIMIT 1`,
      )
      .get(frame.filter, frame.width, frame.height) as { id: number; path: string; contentHash: string } | undefined;
    if (!first || first.id === frame.id) return () => ({ frameId: frame.id, reference: true });
    referencePath = first.path;
    referenceKey = first.contentHash;
  }
  const dir = join(dirname(mastersDir(catalog, profile)), 'diff');
  makeDirs(dir);
  const stem = `${frame.id}_${basename(frame.path).replace(/\.(fits?|fts)(\.gz|\.fz)?$/i, '')}`;
  let run;
  try {
    run = await runDifference(
      pool,
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
  return () => {
    const added = insertTransientCandidates(db, frame.id, referenceKey, run);
    if (added > 0 && profile.steps.score) queueScore(catalog, frame.id, job.profile);
    return { frameId: frame.id, candidates: added };
  };
}
