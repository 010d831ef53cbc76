// The pipeline's `score` step on a PostgreSQL catalog (a real throwaway server): a processed frame that has
// transient candidates gets a `score` job, and the workspace's active realbogus model stores one score per
// candidate with the model version, as on SQLite. Truth: the SQLite scoring path (`scoreCandidates`,
// itself checked against `owb score --data` on the curation stamps in score-job.test.ts) on the SQLite
// catalog the PostgreSQL one was copied from gives the same scores (within 1e-6).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { openCatalogPool } from '../../../../src-main/node/catalog/postgres/connection.js';
import { copySqliteToPostgres } from '../../../../src-main/node/catalog/postgres/copy-catalog.js';
import { migratePostgres } from '../../../../src-main/node/catalog/postgres/migrate.js';
import { activateRun } from '../../../../src-main/node/ml/run-store.js';
import { loadModel, scoreCandidates } from '../../../../src-main/node/ml/score-run.js';
import { runTraining } from '../../../../src-main/node/ml/train-run.js';
import { writeTripletSet } from '../../../../src-main/node/ml/write-triplets.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { postgresWatchBackend } from '../../../../src-main/node/watch/pg-watch-service.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../catalog/postgres-server.js';

const missing = postgresMissing();
const root = mkdtempSync(join(tmpdir(), 'owb-pg-score-'));
const night = join(root, 'night');
const workspace = join(root, 'ws');
const sqlitePath = join(root, 'catalog.sqlite');
after(() => rmSync(root, { recursive: true, force: true }));

const scoring = parseProfile({
  name: 'transients',
  steps: { detect: true, score: true },
  stability: { intervalMs: 50 },
});

describe('score step on PostgreSQL', { skip: missing && `PostgreSQL not available: ${missing}` }, () => {
  let server: PostgresServer | undefined;
  let pool: pg.Pool;
  before(async () => {
    mkdirSync(night, { recursive: true });
    // Three drifting epochs of one field; two transients shine only in the last (as score-job.test.ts).
    for (let i = 0; i < 3; i++) {
      const { image } = simulateStarField({
        widthPx: 180,
        heightPx: 180,
        starCount: 60,
        fwhmPx: 2.8 + 0.2 * i,
        skyAdu: 200,
        gainEPerAdu: 2,
        minFluxAdu: 4000,
        maxFluxAdu: 8e4,
        seed: 77,
        noiseSeed: 100 + i,
        shiftPx: [1.7 * i, -1.2 * i],
        extraStars:
          i === 2
            ? [
                { x: 120.3, y: 70.6, fluxAdu: 20000, fwhmPx: 3 },
                { x: 50.2, y: 130.4, fluxAdu: 9000, fwhmPx: 3 },
              ]
            : [],
      });
      await writeFitsImage(join(night, `epoch${i}.fits`), image, {
        header: { IMAGETYP: 'Light Frame', FILTER: 'R', EXPTIME: 30, 'DATE-OBS': `2026-05-0${i + 1}T22:00:00` },
      });
    }
    const frame = simulateStarField({ widthPx: 200, heightPx: 200, starCount: 60, seed: 4 }).image;
    writeTripletSet(join(root, 'set'), [frame], 80, 25, 9);
    await runTraining({
      task: 'realbogus',
      dataDir: join(root, 'set'),
      outDir: join(root, 'rb'),
      workspace,
      settings: { epochs: 2, batchSize: 16, chunkSize: 8, learningRate: 2e-3, seed: 1, augment: true },
      threads: 1,
    });
    // The transient candidates come from differencing on SQLite (not run on PostgreSQL yet), copied over.
    const catalog = Catalog.open(sqlitePath);
    const differencing = parseProfile({
      name: 'transients',
      steps: { detect: true, difference: { threshSigma: 4 } },
      stability: { intervalMs: 50 },
    });
    const service = new WatchService({
      catalog,
      dirs: [night],
      profile: differencing,
      threads: 1,
      once: true,
      workspace,
    });
    await service.runOnce();
    await service.stop();
    catalog.close();
    server = await startPostgres();
    await migratePostgres(server.url);
    await copySqliteToPostgres(sqlitePath, server.url);
    pool = await openCatalogPool(server.url, 4);
  });
  after(async () => {
    await pool?.end();
    server?.stop();
  });

  /** Processes again, with the scoring profile, the frames that have transient candidates. */
  async function processWithScoring(): Promise<void> {
    await pool.query("DELETE FROM jobs WHERE kind = 'score'");
    await pool.query(
      `UPDATE jobs SET state = 'queued', attempts = 0, lease_owner = NULL, lease_expires_at = NULL, not_before = 0
        WHERE kind = 'process-frame' AND frame_id IN (SELECT frame_id FROM candidates WHERE kind = 'transient')`,
    );
    const service = new WatchService({
      catalog: postgresWatchBackend(pool),
      dirs: [night],
      profile: scoring,
      threads: 1,
      once: true,
      workspace,
    });
    await service.runOnce();
    await service.stop();
  }

  const scoreJobs = async () =>
    (
      await pool.query<{ f: string; state: string; r: string }>(
        "SELECT frame_id AS f, state, result_json AS r FROM jobs WHERE kind = 'score' ORDER BY frame_id",
      )
    ).rows;

  it('without an active model, score jobs commit nothing', async () => {
    await processWithScoring();
    const jobs = await scoreJobs();
    assert.ok(jobs.length >= 1, 'a score job for the frame with candidates');
    for (const j of jobs) {
      assert.equal(j.state, 'done', j.r);
      assert.equal((JSON.parse(j.r) as { scored: number }).scored, 0);
    }
    assert.equal(Number((await pool.query('SELECT count(*) AS n FROM model_scores')).rows[0].n), 0);
  });

  it('the active model scores every transient candidate, with its version, as the SQLite path does', async () => {
    activateRun(workspace, 'rb', 'realbogus');
    const model = loadModel(workspace, undefined, 'realbogus');
    await processWithScoring();
    const candidates = (
      await pool.query<{ id: string; frameId: string }>(
        `SELECT id, frame_id AS "frameId" FROM candidates WHERE kind = 'transient' ORDER BY id`,
      )
    ).rows;
    assert.ok(candidates.length >= 2, `${candidates.length} candidates`);
    const scores = (
      await pool.query<{ id: string; version: string; task: string; runId: string; score: number }>(
        `SELECT candidate_id AS id, model_version AS version, task, run_id AS "runId", score FROM model_scores ORDER BY candidate_id`,
      )
    ).rows;
    assert.deepEqual(
      scores.map((s) => Number(s.id)),
      candidates.map((c) => Number(c.id)),
    );
    assert.ok(scores.every((s) => s.version === model.version && s.task === 'realbogus' && s.runId === model.run.id));
    const jobs = await scoreJobs();
    assert.deepEqual(new Set(jobs.map((j) => Number(j.f))), new Set(candidates.map((c) => Number(c.frameId))));
    assert.ok(jobs.every((j) => j.state === 'done'));
    assert.equal(
      jobs.reduce((n, j) => n + (JSON.parse(j.r) as { scored: number }).scored, 0),
      candidates.length,
    );
    // Truth: the SQLite path on the catalog this one was copied from.
    const sqlite = Catalog.open(sqlitePath);
    const expected = await scoreCandidates(sqlite.db, model, 1);
    sqlite.close();
    assert.equal(expected.rows.length, scores.length);
    expected.rows.forEach((e, k) => {
      assert.equal(Number(scores[k].id), e.id);
      assert.ok(Math.abs(scores[k].score - e.score) <= 1e-6, `candidate ${e.id}: ${scores[k].score} vs ${e.score}`);
    });
    // Scores spread: not one value for all (so the comparison above means something).
    assert.ok(new Set(scores.map((s) => s.score)).size > 1);
  });

  it('a second pass of the same model version scores nothing again', async () => {
    await processWithScoring();
    const jobs = await scoreJobs();
    assert.ok(jobs.length >= 1);
    for (const j of jobs) assert.equal((JSON.parse(j.r) as { scored: number }).scored, 0, j.r);
  });
});
