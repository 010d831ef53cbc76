import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import { activeRuns } from '../ml/run-store.js';
import type { LoadedModel } from '../ml/score-run.js';
import { JobFailure } from './job-failure.js';

/** Queues the scoring of a frame's new transient candidates (inside the difference job's commit). */
export function queueScore(catalog: Catalog, frameId: number, profile: string): void {
  catalog.db
    .prepare(
      `INSERT OR IGNORE INTO jobs (kind, frame_id, profile, state, max_attempts, created_at) VALUES ('score', ?, ?, 'queued', 3, ?)`,
    )
    .run(frameId, profile, Date.now());
}

/**
 * Queues the scoring of the transient candidates a frame already has, when the profile scores without
 * differencing (inside the frame's processing commit); nothing when it has none.
 */
export function queueScoreIfCandidates(catalog: Catalog, frameId: number, profile: string): void {
  const has = catalog.db
    .prepare(`SELECT 1 FROM candidates WHERE frame_id = ? AND kind = 'transient' LIMIT 1`)
    .get(frameId);
  if (has) queueScore(catalog, frameId, profile);
}

/**
 * The workspace's active realbogus model, loaded once and again only when `ml/active.json` or the
 * run's model changes (a curator may activate another run while the pipeline runs).
 */
export class ActiveModelCache {
  private key = '';
  private model: LoadedModel | null = null;

  constructor(private readonly workspace: string) {}

  async get(): Promise<LoadedModel | null> {
    const activeFile = join(this.workspace, 'ml', 'active.json');
    if (!existsSync(activeFile)) return null;
    const runId = activeRuns(this.workspace).realbogus;
    if (!runId) return null;
    const key = `${runId}:${statSync(activeFile).mtimeMs}`;
    if (key !== this.key) {
      // Loaded on first use: profiles without a score step never load the ML runtime.
      const { loadModel } = await import('../ml/score-run.js');
      this.model = loadModel(this.workspace, runId, 'realbogus');
      this.key = key;
    }
    return this.model;
  }
}

/**
 * A `score` job: the active realbogus model scores the frame's transient candidates that this model
 * version has not scored yet, on this thread (a frame brings tens of candidates, about a millisecond
 * each); the commit stores them in model_scores with the job. Without an active model it commits nothing
 * (`owb score --db` scores them later).
 */
export async function runScoreJob(
  models: ActiveModelCache,
  catalog: Catalog,
  job: LeasedJob,
): Promise<() => JobCommitSummary> {
  if (job.frameId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} has no frame`, false);
  const frameId = job.frameId;
  let model: LoadedModel | null;
  try {
    model = await models.get();
  } catch (error) {
    throw new JobFailure('MODEL_MISSING', error instanceof Error ? error.message : String(error), false);
  }
  if (!model) return () => ({ frameId, scored: 0, model: null });
  const { scoreCandidates, storeScores } = await import('../ml/score-run.js');
  const scores = await scoreCandidates(catalog.db, model, 1, 'c.frame_id = ?', [frameId]);
  return () => ({
    frameId,
    scored: storeScores(catalog.db, scores),
    skipped: scores.skipped,
    model: scores.model.version,
  });
}
