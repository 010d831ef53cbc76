// The pipeline's `score` step: after differencing, the workspace's active realbogus model scores each
// frame's new transient candidates, stored in model_scores with the model version in the job's commit.
// Truth: the same candidates' curation stamps (science, reference, difference) written as FITS cubes and
// scored through `owb score --data`'s path give the same scores.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cubeHdu, encodeFits } from '../../../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { stamp } from '../../../../src-main/node/api/frame-images.js';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { activateRun } from '../../../../src-main/node/ml/run-store.js';
import { loadModel, scoreFolder } from '../../../../src-main/node/ml/score-run.js';
import { runTraining } from '../../../../src-main/node/ml/train-run.js';
import { writeTripletSet } from '../../../../src-main/node/ml/write-triplets.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';

const root = mkdtempSync(join(tmpdir(), 'owb-scorejob-'));
const night = join(root, 'night');
const workspace = join(root, 'ws');
const SIZE = 25;
after(() => rmSync(root, { recursive: true, force: true }));

const profile = parseProfile({
  name: 'transients',
  steps: { detect: true, difference: { threshSigma: 4 }, score: true },
  stability: { intervalMs: 50 },
});

before(async () => {
  mkdirSync(night, { recursive: true });
  // Three drifting epochs of one field; two transients shine only in the last.
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
  writeTripletSet(join(root, 'set'), [frame], 80, SIZE, 9);
  const settings = { epochs: 2, batchSize: 16, chunkSize: 8, learningRate: 2e-3, seed: 1, augment: true };
  await runTraining({
    task: 'realbogus',
    dataDir: join(root, 'set'),
    outDir: join(root, 'rb'),
    workspace,
    settings,
    threads: 1,
  });
});

async function runPipeline(dbPath: string): Promise<Catalog> {
  const catalog = Catalog.open(dbPath);
  const service = new WatchService({ catalog, dirs: [night], profile, threads: 1, once: true, workspace });
  await service.runOnce();
  await service.stop();
  return catalog;
}

describe('score profile step', () => {
  it('without an active model, score jobs commit nothing', async () => {
    const catalog = await runPipeline(join(root, 'none.sqlite'));
    const jobs = catalog.db.prepare("SELECT state, result_json AS r FROM jobs WHERE kind = 'score'").all() as {
      state: string;
      r: string;
    }[];
    assert.ok(jobs.length >= 1, 'a score job for the frame with candidates');
    for (const j of jobs) {
      assert.equal(j.state, 'done');
      assert.equal((JSON.parse(j.r) as { scored: number }).scored, 0);
    }
    assert.equal((catalog.db.prepare('SELECT count(*) AS n FROM model_scores').get() as { n: number }).n, 0);
    catalog.close();
  });

  it('the active model scores every new transient candidate, as owb score --data scores its curation stamps', async () => {
    activateRun(workspace, 'rb', 'realbogus');
    const model = loadModel(workspace, undefined, 'realbogus');
    const catalog = await runPipeline(join(root, 'scored.sqlite'));
    const candidates = catalog.db
      .prepare(
        "SELECT c.id, c.frame_id AS frameId, c.details_json AS d FROM candidates c WHERE c.kind = 'transient' ORDER BY c.id",
      )
      .all() as { id: number; frameId: number; d: string }[];
    assert.ok(candidates.length >= 2, `${candidates.length} candidates`);
    const scores = catalog.db
      .prepare(
        'SELECT candidate_id AS id, model_version AS version, task, score FROM model_scores ORDER BY candidate_id',
      )
      .all() as { id: number; version: string; task: string; score: number }[];
    assert.deepEqual(
      scores.map((s) => s.id),
      candidates.map((c) => c.id),
    );
    assert.ok(scores.every((s) => s.version === model.version && s.task === 'realbogus'));
    const frames = new Set(candidates.map((c) => c.frameId));
    const jobs = catalog.db.prepare("SELECT frame_id AS f, state FROM jobs WHERE kind = 'score'").all() as {
      f: number;
      state: string;
    }[];
    assert.deepEqual(new Set(jobs.map((j) => j.f)), frames, 'one score job per frame with candidates');
    assert.ok(jobs.every((j) => j.state === 'done'));

    // Independent route: the curation view's stamps as FITS cubes, scored as a folder.
    const cubes = join(root, 'cubes');
    mkdirSync(cubes, { recursive: true });
    for (const c of candidates) {
      const d = JSON.parse(c.d) as Record<string, string | number>;
      const planes = await Promise.all(
        [d.sciencePath, d.referencePath, d.differencePath].map(
          async (p) => stamp((await readFitsImage(String(p))).image, Number(d.x), Number(d.y), SIZE).data,
        ),
      );
      writeFileSync(join(cubes, `c${String(c.id).padStart(4, '0')}.fits`), encodeFits([cubeHdu(SIZE, SIZE, planes)]));
    }
    const viaFolder = await scoreFolder(cubes, model, 1);
    viaFolder.files.forEach((f, k) => {
      const s = scores[k];
      assert.equal(f, `c${String(s.id).padStart(4, '0')}.fits`);
      assert.ok(Math.abs(s.score - viaFolder.scores[k]) <= 1e-6, `${f}: ${s.score} vs ${viaFolder.scores[k]}`);
    });
    catalog.close();
  });

  it('without the difference step, the processing of a frame that has transient candidates queues its scoring', async () => {
    const catalog = Catalog.open(join(root, 'scored.sqlite'));
    const model = loadModel(workspace, undefined, 'realbogus');
    const before = catalog.db.prepare('SELECT candidate_id AS id, score FROM model_scores ORDER BY candidate_id').all();
    catalog.db.exec("DELETE FROM model_scores; DELETE FROM jobs WHERE kind IN ('score', 'difference')");
    // As if recorded by owb diff --db before the frames were processed: their processing runs again.
    catalog.db
      .exec(`UPDATE jobs SET state = 'queued', attempts = 0, lease_owner = NULL, lease_expires_at = NULL, not_before = 0
      WHERE kind = 'process-frame' AND frame_id IN (SELECT frame_id FROM candidates WHERE kind = 'transient')`);
    const scoring = parseProfile({
      name: 'transients',
      steps: { detect: true, score: true },
      stability: { intervalMs: 50 },
    });
    const service = new WatchService({ catalog, dirs: [night], profile: scoring, threads: 1, once: true, workspace });
    await service.runOnce();
    await service.stop();
    const after = catalog.db
      .prepare('SELECT candidate_id AS id, score, model_version AS v FROM model_scores ORDER BY candidate_id')
      .all() as { id: number; score: number; v: string }[];
    assert.ok(before.length >= 2);
    assert.deepEqual(
      after.map(({ id, score }) => ({ id, score })),
      before,
    );
    assert.ok(after.every((r) => r.v === model.version));
    assert.equal(
      (catalog.db.prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'difference'").get() as { n: number }).n,
      0,
    );
    catalog.close();
  });

  it('takes true or false, with or without the difference step', () => {
    assert.equal(parseProfile({ steps: { detect: true, score: true } }, 'night.yaml').steps.score, true);
    assert.throws(
      () => parseProfile({ steps: { difference: true, score: 'yes' } }, 'night.yaml'),
      /steps\.score: must be true or false/,
    );
  });
});
