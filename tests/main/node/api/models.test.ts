// The Models view's calls and the curation queue's score order: runs read from what owb train recorded
// (run.json, heldout.json), "make active" as owb runs activate, the queue ordered by the active model's
// score or by uncertainty |score − 0.5| (unscored last), and the retraining hint after N new labels.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { createHandlers, dispatch, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { RETRAIN_AFTER_LABELS } from '../../../../src-main/node/api/models.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { activeRuns, type RunRecord } from '../../../../src-main/node/ml/run-store.js';
import { loadModel, scoreFolder } from '../../../../src-main/node/ml/score-run.js';
import { runTraining } from '../../../../src-main/node/ml/train-run.js';
import { writeTripletSet } from '../../../../src-main/node/ml/write-triplets.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-api-models-'));
let services: WorkbenchServices;
let handlers: Handlers;
const runs: RunRecord[] = [];
/** Candidate ids by the score the active model gave them (undefined: unscored). */
const ids: number[] = [];
const SCORES = [0.9, 0.1, 0.55, 0.3, undefined, 0.47];

before(async () => {
  services = openWorkspace(join(dir, 'ws'), { pollChanges: false });
  handlers = createHandlers(services);
  const frame = simulateStarField({ widthPx: 200, heightPx: 200, starCount: 60, seed: 4 }).image;
  writeTripletSet(join(dir, 'set'), [frame], 80, 25, 9);
  for (const [name, seed] of [
    ['rb-a', 1],
    ['rb-b', 2],
  ] as const)
    runs.push(
      await runTraining({
        task: 'realbogus',
        dataDir: join(dir, 'set'),
        outDir: join(dir, name),
        workspace: services.root,
        settings: { epochs: 2, batchSize: 16, chunkSize: 8, learningRate: 2e-3, seed, augment: true },
        threads: 1,
      }),
    );
  const insert = services.db.prepare(
    'INSERT INTO candidates (kind, score, details_json, created_at) VALUES (\'transient\', 5, \'{"x":1,"y":2}\', 0)',
  );
  const score = services.db.prepare(
    'INSERT INTO model_scores (candidate_id, task, run_id, model_version, score, created_at) VALUES (?, ?, ?, ?, ?, 0)',
  );
  for (const s of SCORES) {
    const id = Number(insert.run().lastInsertRowid);
    ids.push(id);
    if (s !== undefined) score.run(id, 'realbogus', runs[0].id, runs[0].modelVersion, s);
    // Another model's scores must not leak into the order.
    score.run(id, 'realbogus', runs[1].id, runs[1].modelVersion, 1 - (s ?? 0.5));
  }
});
after(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('models API', () => {
  it('lists the runs with their epochs and held-out metrics; one run carries its ROC from heldout.json', async () => {
    const list = await handlers['owb:models.runs']({});
    assert.deepEqual(
      list.map((r) => [r.name, r.status, r.active, r.epochs.length]),
      [
        ['rb-a', 'finished', false, 2],
        ['rb-b', 'finished', false, 2],
      ],
    );
    assert.equal(list[0].heldOut?.auc, runs[0].heldOut?.auc);
    assert.equal(list[0].modelVersion, runs[0].modelVersion);
    const detail = await handlers['owb:models.run']({ runId: 'rb-a' });
    const held = JSON.parse(readFileSync(join(dir, 'rb-a', 'heldout.json'), 'utf8')) as {
      roc: { fpr: number; tpr: number }[];
    };
    assert.deepEqual(
      detail.roc.map((p) => [p.fpr, p.tpr]),
      held.roc.map((p) => [p.fpr, p.tpr]),
    );
  });

  it('makes a run active as owb runs activate does, and names a missing run', async () => {
    const made = await handlers['owb:models.activate']({ runId: runs[0].id });
    assert.equal(made.active, true);
    assert.equal(activeRuns(services.root).realbogus, runs[0].id);
    const list = await handlers['owb:models.runs']({});
    assert.deepEqual(
      list.map((r) => r.active),
      [true, false],
    );
    const missing = await dispatch(handlers, 'owb:models.activate', { runId: 'nope' });
    assert.equal(missing.ok ? '' : missing.error.code, 'RUN_MISSING');
    const bad = await dispatch(handlers, 'owb:models.retrainHint', { task: 'stars' });
    assert.equal(bad.ok ? '' : bad.error.code, 'BAD_PAYLOAD');
  });

  it("orders the candidate queue by the active model's score or uncertainty, unscored last", async () => {
    const order = async (o: 'id' | 'score' | 'scoreAscending' | 'uncertainty', extra = {}): Promise<number[]> =>
      (await handlers['owb:curation.queue']({ kind: 'candidate', order: o, ...extra })).map((it) => ids.indexOf(it.id));
    assert.deepEqual(await order('id'), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(await order('score'), [0, 2, 5, 3, 1, 4]);
    assert.deepEqual(await order('scoreAscending'), [1, 3, 5, 2, 0, 4]);
    // |s − 0.5|: 0.47 → 0.03, 0.55 → 0.05, 0.3 → 0.2, 0.9 and 0.1 → 0.4 (tie: by id), then the unscored one.
    assert.deepEqual(await order('uncertainty'), [5, 2, 3, 0, 1, 4]);
    assert.deepEqual(await order('score', { minScore: 0.3, maxScore: 0.6 }), [2, 5, 3]);
    const items = await handlers['owb:curation.queue']({ kind: 'candidate' });
    assert.deepEqual(
      items.map((it) => it.modelScore ?? null),
      SCORES.map((s) => s ?? null),
    );
    const bad = await dispatch(handlers, 'owb:curation.queue', { kind: 'candidate', minScore: 2 });
    assert.equal(bad.ok ? '' : bad.error.code, 'BAD_PAYLOAD');
  });

  it(`suggests retraining after ${RETRAIN_AFTER_LABELS} new accept/reject labels since the active model finished`, async () => {
    const label = services.db.prepare(
      'INSERT INTO labels (candidate_id, label, note, who, created_at, undone_at) VALUES (?, ?, NULL, ?, ?, ?)',
    );
    const ended = runs[0].endedMs!;
    // Before the model finished, a class label and an undone one: none counts.
    label.run(ids[0], 'accept', 't', ended - 1000, null);
    label.run(ids[1], 'class:3', 't', ended + 1000, null);
    label.run(ids[2], 'reject', 't', ended + 1000, ended + 2000);
    for (let k = 0; k < RETRAIN_AFTER_LABELS - 1; k++)
      label.run(ids[k % ids.length], k % 2 ? 'accept' : 'reject', 't', ended + 1000 + k, null);
    const before = await handlers['owb:models.retrainHint']({ task: 'realbogus' });
    assert.equal(before.active?.id, runs[0].id);
    assert.equal(before.newLabels, RETRAIN_AFTER_LABELS - 1);
    assert.equal(before.suggest, false);
    label.run(ids[3], 'accept', 't', ended + 5000, null);
    const after = await handlers['owb:models.retrainHint']({ task: 'realbogus' });
    assert.equal(after.newLabels, RETRAIN_AFTER_LABELS);
    assert.equal(after.suggest, true);
  });
});

describe('models API: score candidates on demand', () => {
  it('the active model scores the unscored candidates as owb score --data scores their stamps', async () => {
    // Triplet 0 of the training set pasted into three frames, recorded as a transient candidate.
    const file = join(dir, 'one', 'real', 'c.fits');
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(join(dir, 'set', 'real', readdirSync(join(dir, 'set', 'real')).sort()[0]), file);
    const planes = await Promise.all([0, 1, 2].map(async (plane) => (await readFitsImage(file, { plane })).image.data));
    const paths = ['science', 'reference', 'difference'].map((name, k) => {
      const data = new Float32Array(90 * 90);
      for (let y = 0; y < 25; y++) data.set(planes[k].subarray(y * 25, (y + 1) * 25), (20 + y) * 90 + 50);
      const path = join(dir, `${name}.fits`);
      writeFileSync(path, encodeFits([imageHdu({ width: 90, height: 90, data })]));
      return path;
    });
    const id = Number(
      services.db
        .prepare("INSERT INTO candidates (kind, score, details_json, created_at) VALUES ('transient', 5, ?, 0)")
        .run(JSON.stringify({ x: 62, y: 32, sciencePath: paths[0], referencePath: paths[1], differencePath: paths[2] }))
        .lastInsertRowid,
    );
    const r = await handlers['owb:models.scoreCandidates']({});
    // The new candidate, and the one the model had not scored (it has no frames: skipped).
    assert.deepEqual(r, { modelVersion: runs[0].modelVersion, scored: 1, skipped: 1 });
    const stored = services.db
      .prepare('SELECT score FROM model_scores WHERE candidate_id = ? AND model_version = ?')
      .get(id, runs[0].modelVersion) as { score: number };
    const model = loadModel(services.root, undefined, 'realbogus');
    const viaFile = await scoreFolder(join(dir, 'one'), model, 1);
    assert.ok(Math.abs(stored.score - viaFile.scores[0]) <= 1e-6, `${stored.score} vs ${viaFile.scores[0]}`);
    const again = await handlers['owb:models.scoreCandidates']({});
    assert.equal(again.scored, 0);
  });
});
