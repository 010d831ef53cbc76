import { existsSync } from 'node:fs';
import type { ProcessFrameOutput, ProcessFrameSteps } from '../../common/tasks/process-frame.js';
import { FrameResultWriter, type Catalog } from '../catalog/index.js';
import type { JobCommitSummary, JobHandler, LeasedJob } from '../jobs/index.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { JobDeferred } from '../jobs/index.js';
import { JobFailure } from './job-failure.js';
import { queueDifference, runDifferenceJob } from './difference-job.js';
import { queueLiveStack, runLiveStack } from './live-stack-job.js';
import { workspaceDir } from '../ml/run-store.js';
import { ActiveModelCache, queueScoreIfCandidates, runScoreJob } from './score-job.js';
import { runBuildMaster } from './master-job.js';
import { fileCalibrationFrame, mastersForLight } from './masters.js';
import { needsWorker, type Profile } from './profile.js';
import { requireReadable } from './require-readable.js';
import { PENDING_MASTER_WORK_SQL } from './pending-master-work.js';

/** Worker codes another attempt could fix (everything else is the file's fault). */
const RETRYABLE_CODES = new Set(['PROCESS_FAILED', 'ENOMEM', 'EMFILE', 'EBUSY', 'EAGAIN']);

export interface FrameJobContext {
  catalog: Catalog;
  pool: WorkerPool | undefined;
  /** Profiles by name (jobs remember the name of the profile that queued them). */
  profiles: ReadonlyMap<string, Profile>;
  fallbackProfile: Profile;
  /** Workspace whose active realbogus model the `score` step uses [OWB_WORKSPACE, else the per-user one]. */
  workspace?: string;
  /** The plate solver's cache folder (`solveCacheDir(workspace)`), in the workspace. */
  solveCacheDir: string;
}

/**
 * What a `process-frame` job does per profile: calibration frames are filed as masters' inputs; lights (and
 * frames of unknown type) go to a worker for statistics, detection and photometry; the returned commit
 * writes the results, cross-matches objects and records light-curve points.
 */
export function createFrameJobHandler(ctx: FrameJobContext): JobHandler {
  const writer = new FrameResultWriter(ctx.catalog.db);
  const frameRow = ctx.catalog.db.prepare(
    `SELECT id, path, frame_type AS frameType, content_hash AS contentHash, width, height, filter, exposure_sec AS exposureSec
       FROM frames WHERE id = ?`,
  );
  const pendingBuilds = ctx.catalog.db.prepare(PENDING_MASTER_WORK_SQL);
  const otherPaths = ctx.catalog.db.prepare('SELECT path FROM frame_paths WHERE frame_id = ? ORDER BY seen_at DESC');
  const markFiled = ctx.catalog.db.prepare(`UPDATE frames SET status = 'filed', processed_at = ? WHERE id = ?`);

  let models: ActiveModelCache | undefined;

  return async (job: LeasedJob, { signal }) => {
    const profile = ctx.profiles.get(job.profile) ?? ctx.fallbackProfile;
    if (job.kind === 'score')
      return runScoreJob((models ??= new ActiveModelCache(workspaceDir(ctx.workspace))), ctx.catalog, job);
    if (job.kind === 'build-master') return runBuildMaster(ctx.catalog, profile, job);
    if (job.kind === 'live-stack') return runLiveStack(ctx.catalog, ctx.pool, profile, job, signal);
    if (job.kind === 'difference') return runDifferenceJob(ctx.catalog, ctx.pool, profile, job, signal);
    if (job.frameId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} has no frame`, false);
    const frame = frameRow.get(job.frameId) as
      | {
          id: number;
          path: string;
          frameType: string;
          contentHash: string;
          width: number | null;
          height: number | null;
          filter: string | null;
          exposureSec: number | null;
        }
      | undefined;
    if (!frame) throw new JobFailure('JOB_INVALID', `job ${job.id}: frame ${job.frameId} is gone`, false);

    if (frame.frameType === 'bias' || frame.frameType === 'dark' || frame.frameType === 'flat') {
      return (): JobCommitSummary => {
        const masterId = fileCalibrationFrame(ctx.catalog.db, frame.id, job.profile);
        markFiled.run(Date.now(), frame.id);
        return { frameId: frame.id, filed: frame.frameType, masterId };
      };
    }
    if (!needsWorker(profile) || !ctx.pool) {
      return (): JobCommitSummary => {
        markFiled.run(Date.now(), frame.id);
        return { frameId: frame.id, sources: 0 };
      };
    }
    const candidates = [frame.path, ...(otherPaths.all(frame.id) as Array<{ path: string }>).map((r) => r.path)];
    const path = candidates.find((p) => existsSync(p));
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
      const masters = mastersForLight(ctx.catalog.db, frame);
      const builds = (pendingBuilds.get() as { n: number }).n;
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
    const result = await ctx.pool.run(
      'process-frame',
      { path, contentHash: frame.contentHash, steps },
      { signal, timeoutMs: profile.jobs.timeoutMs },
    );
    if (!result.ok)
      throw new JobFailure(result.error.code, result.error.message, RETRYABLE_CODES.has(result.error.code));
    const output: ProcessFrameOutput = result.value;
    return (): JobCommitSummary => {
      const summary = writer.write(frame.id, output, { matchRadiusArcsec: profile.match.radiusArcsec });
      if (profile.steps.liveStack) queueLiveStack(ctx.catalog, frame.id, job.profile);
      if (profile.steps.difference && frame.frameType === 'light') queueDifference(ctx.catalog, frame.id, job.profile);
      if (profile.steps.score && !profile.steps.difference) queueScoreIfCandidates(ctx.catalog, frame.id, job.profile);
      return {
        frameId: frame.id,
        ...summary,
        ran: output.ran,
        skipped: output.skipped,
        ...(output.noSkyReason ? { noSkyReason: output.noSkyReason } : {}),
      };
    };
  };
}
