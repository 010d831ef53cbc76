import type pg from 'pg';
import type { PgJobCommit } from '../catalog/postgres/job-queue.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import { TRIPLET_SELECT, tripletOf, type CandidateRow } from '../ml/candidate-stamps.js';
import type { LoadedModel } from '../ml/score-run.js';
import { JobFailure } from './job-failure.js';
import type { ActiveModelCache } from './score-job.js';

/**
 * Queues the scoring of a frame's transient candidates on a PostgreSQL catalog, inside the commit of the
 * job that precedes it; nothing when the frame has none (one job per frame: `UNIQUE (frame_id, kind)`).
 */
export async function queuePgScore(c: pg.PoolClient, frameId: number, profile: string): Promise<void> {
  await c.query(
    `INSERT INTO jobs (kind, frame_id, profile, state, max_attempts, created_at)
     SELECT 'score', $1, $2, 'queued', 3, $3
      WHERE EXISTS (SELECT 1 FROM candidates WHERE frame_id = $1 AND kind = 'transient')
     ON CONFLICT (frame_id, kind) DO NOTHING`,
    [frameId, profile, Date.now()],
  );
}

/**
 * A `score` job on a PostgreSQL catalog, as `runScoreJob` on SQLite: the workspace's active realbogus
 * model scores the frame's transient candidates that this model version has not scored yet (stamps cut
 * from the frames recorded with them, as curation shows them), on this thread; the commit stores them in
 * model_scores with the model version (a score of the same candidate and version is replaced). Without an
 * active model it commits nothing.
 */
export async function runPgScoreJob(models: ActiveModelCache, pool: pg.Pool, job: LeasedJob): Promise<PgJobCommit> {
  if (job.frameId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} has no frame`, false);
  const frameId = job.frameId;
  let model: LoadedModel | null;
  try {
    model = await models.get();
  } catch (error) {
    throw new JobFailure('MODEL_MISSING', error instanceof Error ? error.message : String(error), false);
  }
  if (!model) return async (): Promise<JobCommitSummary> => ({ frameId, scored: 0, model: null });
  const { scoreTriplets } = await import('../ml/score-run.js');
  const { rows } = await pool.query<CandidateRow>(
    `${TRIPLET_SELECT} WHERE c.kind = 'transient' AND c.frame_id = $1
       AND NOT EXISTS (SELECT 1 FROM model_scores m WHERE m.candidate_id = c.id AND m.model_version = $2)
     ORDER BY c.id`,
    [frameId, model.version],
  );
  const triplets = rows.map(tripletOf);
  let scores;
  try {
    scores = await scoreTriplets(model, triplets, 1);
  } catch (error) {
    throw new JobFailure('MODEL_TASK', error instanceof Error ? error.message : String(error), false);
  }
  const s = scores;
  return async (c): Promise<JobCommitSummary> => {
    const now = Date.now();
    for (let k = 0; k < s.rows.length; k += 500) {
      const part = s.rows.slice(k, k + 500);
      await c.query(
        `INSERT INTO model_scores (candidate_id, task, run_id, model_version, score, created_at)
         SELECT id, $3, $4, $5, score, $6 FROM unnest($1::bigint[], $2::float8[]) AS t(id, score)
         ON CONFLICT (candidate_id, model_version) DO UPDATE SET score = EXCLUDED.score, created_at = EXCLUDED.created_at`,
        [part.map((r) => r.id), part.map((r) => r.score), s.model.run.task, s.model.run.id, s.model.version, now],
      );
    }
    return { frameId, scored: s.rows.length, skipped: s.skipped, model: s.model.version };
  };
}
