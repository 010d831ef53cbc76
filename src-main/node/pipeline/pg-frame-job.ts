import { existsSync } from 'node:fs';
import type pg from 'pg';
import type { ProcessFrameOutput, ProcessFrameSteps } from '../../common/tasks/process-frame.js';
import type { PgJobHandler } from '../catalog/postgres/job-queue.js';
import { PgFrameResultWriter } from '../catalog/postgres/result-writer.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { JobDeferred } from '../jobs/index.js';
import { JobFailure } from './job-failure.js';
import { pgQueueDifference, runPgDifferenceJob } from './pg-difference-job.js';
import { pgQueueLiveStack, runPgLiveStack } from './pg-live-stack-job.js';
import { pgOutputsDir, runPgBuildMaster } from './pg-master-job.js';
import { pgFileCalibrationFrame, pgMastersForLight, pgPendingMasterWork } from './pg-masters.js';
import { needsWorker, type Profile } from './profile.js';
import { requireReadable } from './require-readable.js';
import { workspaceDir } from '../ml/run-store.js';
import { queuePgScore, runPgScoreJob } from './pg-score-job.js';
import { ActiveModelCache } from './score-job.js';

/** Worker codes another attempt could fix (as in frame-job.ts). */
const RETRYABLE_CODES = new Set(['PROCESS_FAILED', 'ENOMEM', 'EMFILE', 'EBUSY', 'EAGAIN']);

/**
 * Every job of a pipeline on a PostgreSQL catalog, as `createFrameJobHandler` runs them on SQLite, with the
 * same rows committed with the job. `process-frame`: calibration frames are filed as inputs of their masters
 * (queueing the masters' rebuilds); a light (or a frame of unknown type) goes to a worker for calibration by
 * its masters, statistics, detection, photometry and the plate solution, and its commit writes sources,
 * cross-matched objects and measurements (`PgFrameResultWriter`) and queues its live-stack and difference
 * jobs. `build-master`, `live-stack` and `difference` jobs run as on SQLite (pg-master-job.ts,
 * pg-live-stack-job.ts, pg-difference-job.ts), their outputs under `pgOutputsDir`; with the profile's `score`
 * step, a frame with transient candidates gets a `score` job, which the workspace's active realbogus model
 * runs (`runPgScoreJob`).
 */
export function createPgFrameJobHandler(ctx: {
  pool: pg.Pool;
  workers: WorkerPool | undefined;
  profile: Profile;
  /** The plate solver's cache folder, in the workspace. */
  solveCacheDir: string;
  /** The workspace: masters, stacks and difference images go there without an `outputs.dir`; its active
   * realbogus model runs the `score` step. */
  workspace: string;
}): PgJobHandler {
  let models: ActiveModelCache | undefined;
  const writer = new PgFrameResultWriter();
  const outputsDir = pgOutputsDir(ctx.profile, ctx.workspace);
  const markFiled = (frameId: number) => async (c: pg.PoolClient) => {
    await c.query(`UPDATE frames SET status = 'filed', processed_at = $1 WHERE id = $2`, [Date.now(), frameId]);
  };
  return async (job: LeasedJob, { signal }) => {
    const profile = ctx.profile;
    if (job.kind === 'build-master') return runPgBuildMaster(ctx.pool, outputsDir, job);
    if (job.kind === 'live-stack') return runPgLiveStack(ctx.pool, ctx.workers, outputsDir, profile, job, signal);
    if (job.kind === 'difference') return runPgDifferenceJob(ctx.pool, ctx.workers, outputsDir, profile, job, signal);
    if (job.kind === 'score')
      return runPgScoreJob((models ??= new ActiveModelCache(workspaceDir(ctx.workspace))), ctx.pool, job);
    if (job.kind !== 'process-frame')
      throw new JobFailure('JOB_UNSUPPORTED', `job ${job.id}: '${job.kind}' jobs do not run on PostgreSQL yet`, false);
    if (job.frameId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} has no frame`, false);
    const frameId = job.frameId;
    const frame = (
      await ctx.pool.query<{
        id: number;
        path: string;
        frameType: string;
        contentHash: string;
        width: number | null;
        height: number | null;
        filter: string | null;
        exposureSec: number | null;
      }>(
        `SELECT id, path, frame_type AS "frameType", content_hash AS "contentHash", width, height, filter,
                exposure_sec AS "exposureSec" FROM frames WHERE id = $1`,
        [frameId],
      )
    ).rows[0];
    if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${frameId} is gone`, false);
    if (frame.frameType === 'bias' || frame.frameType === 'dark' || frame.frameType === 'flat') {
      return async (c): Promise<JobCommitSummary> => {
        const masterId = await pgFileCalibrationFrame(c, frameId, job.profile);
        await markFiled(frameId)(c);
        return { frameId, filed: frame.frameType, masterId };
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
    if (profile.steps.calibrate) {
      // No dimensions means the ingester could not read the header: say that, not "no masters for null×null".
      if (frame.width === null || frame.height === null) await requireReadable(path);
      const masters = await pgMastersForLight(ctx.pool, frame);
      const builds = await pgPendingMasterWork(ctx.pool);
      const none = !masters.bias && !masters.dark && !masters.flat;
      if (profile.steps.calibrate.require && (masters.pending || none)) {
        if (builds > 0)
          throw new JobDeferred(
            500,
            `${frame.path}: waiting for its masters (calibration frames still to file or masters to build)`,
          );
        throw new JobFailure(
          'NO_MASTERS',
          `${frame.path}: the profile requires masters and none matches this ${frame.width}×${frame.height} ${frame.filter ?? ''} light`,
          false,
        );
      }
      const ready = (m: typeof masters.bias) =>
        m && m.status === 'ready' && m.path && existsSync(m.path) ? m.path : undefined;
      const calibrate = { bias: ready(masters.bias), dark: ready(masters.dark), flat: ready(masters.flat) };
      if (calibrate.bias || calibrate.dark || calibrate.flat) steps.calibrate = calibrate;
    }
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
      if (profile.steps.liveStack) await pgQueueLiveStack(c, frameId, job.profile);
      if (profile.steps.difference && frame.frameType === 'light') await pgQueueDifference(c, frameId, job.profile);
      // With differencing, the difference job queues the scoring once it has recorded candidates.
      if (profile.steps.score && !profile.steps.difference) await queueScore(c);
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
