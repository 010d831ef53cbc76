// owb train end to end on a generated real/bogus set with truth (PSF injections as reals; cosmic rays,
// hot pixels, subtraction dipoles and empty places as bogus): the held-out AUC beats scikit-learn's
// logistic regression on the same pixels; our AUC equals scikit-learn's roc_auc_score on our scores;
// the result is identical with 1 or 2 threads and after a cancel + resume; the tracking files follow
// MLflow's file-store layout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancelledError } from '../../../../src-workers/core/errors.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { runTraining, type TrainRunOptions } from '../../../../src-main/node/ml/train-run.js';
import { writeTripletSet } from '../../../../src-main/node/ml/write-triplets.js';
import type { RunRecord } from '../../../../src-main/node/ml/run-store.js';
import { PYTHON } from '../../../workers/fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-ml-train-'));
const data = join(dir, 'set');
const workspace = join(dir, 'ws');
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn, astropy'], { encoding: 'utf8' }).status === 0;

const settings = { epochs: 6, batchSize: 32, chunkSize: 8, learningRate: 2e-3, seed: 5, augment: true };
const options = (out: string, extra: Partial<TrainRunOptions> = {}): TrainRunOptions => ({
  task: 'realbogus',
  dataDir: data,
  outDir: join(dir, out),
  workspace,
  settings,
  threads: 2,
  ...extra,
});

/** What must be identical between two runs of the same seed: weights and every metric but timings. */
function outcome(run: RunRecord): { params: string; epochs: unknown[]; heldOut: unknown } {
  const model = JSON.parse(readFileSync(join(run.dir, 'model.json'), 'utf8')) as { params: string };
  return {
    params: model.params,
    epochs: run.epochs.map(({ seconds: _s, timestampMs: _t, ...m }) => m),
    heldOut: run.heldOut,
  };
}

let first: RunRecord;

before(async () => {
  const frames = [11, 12].map(
    (seed) => simulateStarField({ widthPx: 320, heightPx: 320, starCount: 120, seed, skyAdu: 800 }).image,
  );
  writeTripletSet(data, frames, 480, 33, 3);
  first = await runTraining(options('a'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('owb train (realbogus, 480 generated 33×33 triplets, 6 epochs)', () => {
  it('records the dataset, the split and a finished run with held-out metrics', () => {
    assert.equal(first.status, 'finished');
    assert.deepEqual(first.dataset.counts, { bogus: 240, real: 240 });
    assert.deepEqual(first.dataset.split, { train: 336, val: 48, test: 96 });
    assert.match(first.dataset.hash, /^[0-9a-f]{64}$/);
    assert.equal(first.epochs.length, 6);
    const h = first.heldOut!;
    assert.equal(h.confusion.tp + h.confusion.fp + h.confusion.tn + h.confusion.fn, 96);
    // The artefact is the network and its weights only (a spread StampSet once put every stamp in it).
    const model = JSON.parse(readFileSync(join(first.dir, 'model.json'), 'utf8')) as { spec: object; params: string };
    assert.deepEqual(model.spec, { channels: 3, height: 33, width: 33, filters: [8, 16, 16], hidden: 32 });
    assert.ok(statSync(join(first.dir, 'model.json')).size < 200_000);
  });

  it(
    'beats logistic regression on the same pixels (scikit-learn) by more than 0.005 in held-out AUC',
    { skip: !hasSklearn && 'needs /usr/bin/python3 with scikit-learn and astropy (python3-sklearn)' },
    () => {
      const held = JSON.parse(readFileSync(join(first.dir, 'heldout.json'), 'utf8')) as {
        files: string[];
        scores: number[];
        labels: number[];
      };
      const truth = readFileSync(join(data, 'truth.csv'), 'utf8').trim().split('\n').slice(1);
      const test = new Set(held.files);
      const train = truth.map((l) => l.split(',')[0]).filter((f) => !test.has(f));
      // The same per-plane normalisation as ours (median, 1.4826 MAD, asinh), then a plain L2 logistic
      // regression; trained on every non-test stamp (train and validation), so the baseline sees more data.
      const script = `
import json, sys, numpy as np
from astropy.io import fits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
cfg = json.load(sys.stdin)
def load(files):
    out = []
    for f in files:
        x = fits.getdata(cfg['root'] + '/' + f).astype(np.float64)
        med = np.median(x, axis=(1, 2), keepdims=True)
        mad = 1.4826 * np.median(np.abs(x - med), axis=(1, 2), keepdims=True)
        out.append(np.arcsinh((x - med) / np.where(mad > 0, mad, 1)).ravel())
    return np.array(out)
label = lambda files: np.array([1 if f.startswith('real/') else 0 for f in files])
lr = LogisticRegression(max_iter=3000, C=0.1).fit(load(cfg['train']), label(cfg['train']))
p = lr.predict_proba(load(cfg['test']))[:, 1]
print(json.dumps({'lr': roc_auc_score(label(cfg['test']), p), 'ours': roc_auc_score(cfg['labels'], cfg['scores'])}))
`;
      const r = spawnSync(PYTHON, ['-c', script], {
        input: JSON.stringify({ root: data, train, test: held.files, labels: held.labels, scores: held.scores }),
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const { lr, ours } = JSON.parse(r.stdout) as { lr: number; ours: number };
      // Our rank-based AUC is the same number scikit-learn computes from our scores.
      assert.ok(Math.abs(ours - first.heldOut!.auc) < 1e-12, `ours ${first.heldOut!.auc} vs sklearn ${ours}`);
      assert.ok(first.heldOut!.auc > lr + 0.005, `CNN AUC ${first.heldOut!.auc} vs logistic regression ${lr}`);
    },
  );

  it('gives identical weights and metrics with the same seed on 1 thread instead of 2', async () => {
    const single = await runTraining(options('b', { threads: 1 }));
    assert.deepEqual(outcome(single), outcome(first));
  });

  it('resumes a run cancelled mid-epoch to the same weights as the uninterrupted one', async () => {
    const stop = new AbortController();
    // 11 batches per epoch: stop after the 16th batch, in the middle of epoch 2.
    await assert.rejects(
      runTraining(
        options('c', {
          signal: stop.signal,
          onProgress: (done, _t, label) => label.startsWith('epoch') && done === 16 && stop.abort(),
        }),
      ),
      CancelledError,
    );
    const interrupted = JSON.parse(readFileSync(join(dir, 'c', 'run.json'), 'utf8')) as RunRecord;
    assert.equal(interrupted.status, 'interrupted');
    assert.equal(interrupted.epochs.length, 1);
    const resumed = await runTraining(options('c', { resume: true }));
    assert.deepEqual(outcome(resumed), outcome(first));
  });

  it('writes the run in MLflow file-store layout under the workspace', () => {
    const root = join(workspace, 'mlruns');
    const experiments = readdirSync(root).filter((d) => existsSync(join(root, d, 'meta.yaml')));
    const exp = experiments.find((d) =>
      /^name: owb-realbogus$/m.test(readFileSync(join(root, d, 'meta.yaml'), 'utf8')),
    );
    assert.ok(exp, `no owb-realbogus experiment in ${experiments.join(', ')}`);
    const run = join(root, exp, first.id);
    const meta = readFileSync(join(run, 'meta.yaml'), 'utf8');
    assert.match(meta, new RegExp(`^run_id: ${first.id}$`, 'm'));
    assert.match(meta, /^status: 3$/m);
    assert.match(meta, new RegExp(`^experiment_id: '${exp}'$`, 'm'));
    assert.match(meta, /^artifact_uri: file:\/\/\/.+\/artifacts$/m);
    assert.equal(readFileSync(join(run, 'params', 'seed'), 'utf8'), '5');
    assert.equal(readFileSync(join(run, 'params', 'dataset_hash'), 'utf8'), first.dataset.hash);
    const lines = readFileSync(join(run, 'metrics', 'val_auc'), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(' ').map(Number)),
      first.epochs.map((e) => [e.timestampMs, e.valAuc, e.epoch]),
    );
    assert.equal(Number(readFileSync(join(run, 'metrics', 'test_auc'), 'utf8').split(' ')[1]), first.heldOut!.auc);
    assert.equal(readFileSync(join(run, 'tags', 'mlflow.runName'), 'utf8'), 'a');
    assert.ok(existsSync(join(run, 'artifacts', 'model.json')));
  });

  const mlflowPython = [
    process.env.OWB_MLFLOW_PYTHON,
    join(process.env.HOME ?? '/tmp', '.cache/owb-mlflow-venv/bin/python'),
    PYTHON,
  ].find((p) => p && existsSync(p) && spawnSync(p, ['-c', 'import mlflow'], { encoding: 'utf8' }).status === 0);
  it(
    "is read back by MLflow's own Python client",
    {
      skip:
        !mlflowPython && 'mlflow is not installed (.ci/run installs mlflow-skinny in a venv when PyPI is reachable)',
    },
    () => {
      const script = `
import json, sys
from mlflow.tracking import MlflowClient
c = MlflowClient(tracking_uri='file:' + sys.argv[1])
e = c.get_experiment_by_name('owb-realbogus')
r = c.get_run(sys.argv[2])
h = c.get_metric_history(sys.argv[2], 'val_auc')
print(json.dumps({'exp': e.experiment_id, 'status': r.info.status, 'seed': r.data.params['seed'], 'auc': r.data.metrics['test_auc'], 'steps': [m.step for m in h]}))
`;
      const r = spawnSync(mlflowPython!, ['-c', script, join(workspace, 'mlruns'), first.id], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout) as { status: string; seed: string; auc: number; steps: number[] };
      assert.equal(got.status, 'FINISHED');
      assert.equal(got.seed, '5');
      assert.equal(got.auc, first.heldOut!.auc);
      assert.deepEqual(got.steps, [1, 2, 3, 4, 5, 6]);
    },
  );
});

describe('owb train (lens, owb synth physical layout as it is)', () => {
  it("takes train/ and test/ class folders, synth's test/ as the held-out set", async () => {
    const config = join(dir, 'phys.yaml');
    const yaml = readFileSync(new URL('../../../../configs/physical.yaml', import.meta.url), 'utf8')
      .replace(/n_train: \d+/, 'n_train: 120')
      .replace(/n_test: \d+/, 'n_test: 40');
    writeFileSync(config, yaml);
    const lenses = join(dir, 'lenses');
    const synth = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'synth', '--config', config, '--out', lenses, '--log-level', 'error'],
      { cwd: new URL('../../../..', import.meta.url), encoding: 'utf8' },
    );
    assert.equal(synth.status, 0, synth.stderr);
    const run = await runTraining({
      ...options('lens'),
      task: 'lens',
      dataDir: lenses,
      settings: { ...settings, epochs: 2 },
    });
    assert.equal(run.dataset.layout, 'train-test');
    assert.equal(run.dataset.split.test, 40);
    assert.equal(run.dataset.split.train + run.dataset.split.val, 120);
    assert.deepEqual(run.input, { channels: 1, height: 64, width: 64 });
    const held = JSON.parse(readFileSync(join(run.dir, 'heldout.json'), 'utf8')) as {
      files: string[];
      labels: number[];
    };
    assert.ok(
      held.files.every((f, i) => f.startsWith(held.labels[i] ? 'test/lens/' : 'test/nonlens/')),
      held.files.join(' '),
    );
  });
});
