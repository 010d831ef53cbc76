import { existsSync } from 'node:fs';
import type pg from 'pg';
import type { ProcessFrameOutput, ProcessFrameSteps } from '../../common/tasks/process-frame.js';
import type { PgJobHandler } from '../catalog/postgres/job-queue.js';
import { PgFrameResultWriter } from '../catalog/postgres/result-writer.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { workspaceDir } from '../ml/run-store.js';
import { JobFailure } from './job-failure.js';
import { queuePgScore, runPgScoreJob } from './pg-score-job.js';
import { needsWorker, type Profile } from './profile.js';
import { ActiveModelCache } from './score-job.js';

/** Worker codes another attempt could fix (as in frame-job.ts). */
const RETRYABLE_CODES = new Set(['PROCESS_FAILED', 'ENOMEM', 'EMFILE', 'EBUSY', 'EAGAIN']);

/**
 * Profile steps the PostgreSQL catalog does not run yet (they keep state in SQLite-only code: masters, live
 * stacks, difference images); a profile asking for one is refused up front, naming the step.
 */
export function unsupportedOnPostgres(profile: Profile): string | undefined {
  const s = profile.steps;
  if (s.calibrate) return 'calibrate (master frames)';
  if (s.liveStack) return 'liveStack';
  if (s.difference) return 'difference';
  return undefined;
}

/**
 * `process-frame` jobs on a PostgreSQL catalog, as `createFrameJobHandler` runs them on SQLite: a light (or a
 * frame of unknown type) goes to a worker for statistics, detection, photometry and the plate solution; its
 * commit writes sources, cross-matched objects and measurements (`PgFrameResultWriter`). Calibration frames
 * are filed (status `filed`); masters are not built from a PostgreSQL catalog yet. With the profile's `score`
 * step, a processed frame that has transient candidates gets a `score` job, which the workspace's active
 * realbogus model runs (`runPgScoreJob`).
 */
export function createPgFrameJobHandler(ctx: {
  pool: pg.Pool;
  workers: WorkerPool | undefined;
  profile: Profile;
  /** The plate solver's cache folder, in the workspace. */
  solveCacheDir: string;
  /** Workspace whose active realbogus model the `score` step uses [OWB_WORKSPACE, else the per-user one]. */
  workspace?: string;
}): PgJobHandler {
  let models: ActiveModelCache | undefined;
  const writer = new PgFrameResultWriter();
  const markFiled = (frameId: number) => async (c: pg.PoolClient) => {
    await c.query(`UPDATE frames SET status = 'filed', processed_at = $1 WHERE id = $2`, [Date.now(), frameId]);
  };
  return async (job: LeasedJob, { signal }) => {
    const profile = ctx.profile;
    if (job.kind === 'score')
      return runPgScoreJob((models ??= new ActiveModelCache(workspaceDir(ctx.workspace))), ctx.pool, job);
    if (job.kind !== 'process-frame')
      throw new JobFailure('JOB_UNSUPPORTED', `job ${job.id}: '${job.kind}' jobs do not run on PostgreSQL yet`, false);
    if (job.frameId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} has no frame`, false);
    const frameId = job.frameId;
    const frame = (
      await ctx.pool.query<{ id: number; path: string; frameType: string; contentHash: string }>(
        `SELECT id, path, frame_type AS "frameType", content_hash AS "contentHash" FROM frames WHERE id = $1`,
        [frameId],
      )
    ).rows[0];
    if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${frameId} is gone`, false);
    if (frame.frameType === 'bias' || frame.frameType === 'dark' || frame.frameType === 'flat') {
      return async (c): Promise<JobCommitSummary> => {
        await markFiled(frameId)(c);
        return { frameId, filed: frame.frameType, masters: 'not built on PostgreSQL catalogs yet' };
      };
    }
    // Scoring follows the processing of a light, in its commit (differencing does not run here yet, so the
    // candidates are those recorded before: copied from another catalog or written by another tool).
    const queueScore = async (c: pg.PoolClient): Promise<void> => {
      if (profile.steps.score) await queuePgScore(c, frameId, job.profile);
    };
    if (!needsWorker(profile) || !ctx.workers) {
      return async (c): Promise<JobCommitSummary> => {
        await markFiled(frameId)(c);
        await queueScore(c);
        return { frameId, sources: 0 };
      };
    }
    const others = await ctx.pool.query<{ path: string }>(
      'SELECT path FROM frame_paths WHERE frame_id = $1 ORDER BY seen_at DESC',
      [frameId],
    );
    const path = [frame.path, ...others.rows.map((r) => r.path)].find((p) => existsSync(p));
    if (!path) throw new JobFailure('FILE_GONE', `${frame.path}: the file (and every copy seen) is gone`, false);
    const steps: ProcessFrameSteps = {};
    if (profile.steps.detect) steps.detect = { ...profile.steps.detect };
    if (profile.steps.photometry)
      steps.photometry = { radiusPx: profile.steps.photometry.radiusPx, annulusPx: profile.steps.photometry.annulusPx };
    if (profile.steps.solve && profile.steps.detect)
      steps.solve = { ...profile.steps.solve, cacheDir: ctx.solveCacheDir };
    const result = await ctx.workers.run(
      'process-frame',
      { path, contentHash: frame.contentHash, steps },
      { signal, timeoutMs: profile.jobs.timeoutMs },
    );
    if (!result.ok)
      throw new JobFailure(result.error.code, result.error.message, RETRYABLE_CODES.has(result.error.code));
    const output: ProcessFrameOutput = result.value;
    return async (c): Promise<JobCommitSummary> => {
      const summary = await writer.write(c, frameId, output, { matchRadiusArcsec: profile.match.radiusArcsec });
      await queueScore(c);
      return {
        frameId,
        ...summary,
        ran: output.ran,
        skipped: output.skipped,
        ...(output.noSkyReason ? { noSkyReason: output.noSkyReason } : {}),
      };
    };
  };
}
