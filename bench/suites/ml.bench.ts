// Classifiers (issue 21): `owb train` on real/bogus triplets injected into the real frames (PSF stars as
// reals; cosmic rays, hot pixels, subtraction dipoles and empty places as bogus; 63×63×3) and on
// owb synth's physical lens set, timed end to end; inference throughput of the trained model on the
// shared stamp buffer (1 and 2 threads); side by side with scikit-learn's RandomForest (and logistic
// regression) on the same pixels, the same split and the same normalisation. Sizes are modest (a few
// minutes in all); the goals (10k/2k triplets) are noted beside the rows.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Image } from '../../src-workers/core/image/image.js';
import { simulateStarField } from '../../src-workers/core/simulate/index.js';
import { readFitsImage } from '../../src-workers/io/fits-file.js';
import { readStamps, listStampFiles } from '../../src-main/node/ml/dataset.js';
import { createEngine } from '../../src-main/node/ml/ml-threads.js';
import { loadModel } from '../../src-main/node/ml/score-run.js';
import { writeTripletSet } from '../../src-main/node/ml/write-triplets.js';
import type { BenchContext } from '../harness.js';

const SKLEARN = `
import json, sys, time, numpy as np
from astropy.io import fits
from PIL import Image
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
cfg = json.load(open(sys.argv[1]))
def load(files):
    out = []
    for f in files:
        path = cfg['root'] + '/' + f
        x = fits.getdata(path).astype(np.float64) if not f.endswith('.png') else np.asarray(Image.open(path), np.float64)
        x = x.reshape((-1,) + x.shape[-2:])
        med = np.median(x, axis=(1, 2), keepdims=True)
        mad = 1.4826 * np.median(np.abs(x - med), axis=(1, 2), keepdims=True)
        out.append(np.arcsinh((x - med) / np.where(mad > 0, mad, 1)).ravel())
    return np.array(out)
Xtr, Xte = load(cfg['train']), load(cfg['test'])
ytr, yte = np.array(cfg['train_labels']), np.array(cfg['test_labels'])
res = {}
for name, model in [('rf', RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)),
                    ('lr', LogisticRegression(max_iter=3000, C=0.1))]:
    t = time.perf_counter()
    model.fit(Xtr, ytr)
    fit = time.perf_counter() - t
    t = time.perf_counter()
    p = model.predict_proba(Xte)[:, 1]
    pred = time.perf_counter() - t
    fpr, tpr, _ = roc_curve(yte, p)
    res[name] = {'auc': roc_auc_score(yte, p), 'tpr1': float(tpr[fpr <= 0.01].max()), 'fit': fit, 'rate': len(yte) / pred}
print(json.dumps(res))
`;

function realFrames(ctx: BenchContext): string[] {
  // OWB_BENCH_SHARED: the shared kit when it is not beside the checkout (a git worktree elsewhere).
  const dir = join(process.env.OWB_BENCH_SHARED ?? ctx.shared, 'data', 'real');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.fits$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

async function loadFrames(ctx: BenchContext): Promise<{ frames: Image[]; note: string }> {
  const frames: Image[] = [];
  for (const path of realFrames(ctx)) {
    try {
      const { image } = await readFitsImage(path);
      if (image.width >= 128 && image.height >= 128) frames.push(image);
    } catch {
      // A frame our reader refuses is skipped (the bench is about the classifier).
    }
  }
  if (frames.length) return { frames, note: `${frames.length} real frames` };
  return {
    frames: [1, 2, 3].map((seed) => simulateStarField({ widthPx: 512, heightPx: 512, seed }).image),
    note: 'simulated frames (shared/data/real missing)',
  };
}

interface Held {
  files: string[];
  labels: number[];
  scores: number[];
}

async function trainAndCompare(
  ctx: BenchContext,
  task: 'realbogus' | 'lens',
  data: string,
  epochs: number,
  label: string,
  goal: string,
): Promise<void> {
  const run = join(ctx.dataDir, `ml-${task}-run`);
  const ws = join(ctx.dataDir, 'ml-workspace');
  rmSync(run, { recursive: true, force: true });
  const m = ctx.owb([
    'train',
    '--task',
    task,
    '--data',
    data,
    '--out',
    run,
    '--epochs',
    String(epochs),
    '--threads',
    '2',
    '--workspace',
    ws,
    '--json',
  ]);
  if (m.status !== 0) throw new Error(`owb train failed: ${m.stderr.slice(-500)}`);
  const record = JSON.parse(m.stdout) as {
    heldOut: { auc: number; tprAtFpr1: number; count: number };
    dataset: { split: Record<string, number> };
  };
  ctx.row({
    suite: 'ml',
    task: `${label} train ${record.dataset.split.train}+${record.dataset.split.val}, test ${record.heldOut.count}`,
    tool: 'owb train (CNN)',
    wallSec: m.wallSec,
    peakMB: m.peakMB,
    metrics: { AUC: record.heldOut.auc, 'TPR@1%FPR': record.heldOut.tprAtFpr1, epochs },
    note: goal,
  });
  // Inference throughput: the model on the loaded, normalised stamps (file reading excluded), on 1 thread
  // and on 2 (both cores); the goal is wall time, so the row says whether the 2-thread wall rate met it.
  const model = loadModel(ws, run, task);
  const files = listStampFiles(data);
  const { set } = await readStamps(data, files, task, model.spec);
  const all = Int32Array.from({ length: set.count }, (_, i) => i);
  for (const threads of [1, 2]) {
    const engine = createEngine(model.spec, { ...set, labels: new Uint8Array(set.count) }, threads);
    await engine.predict(model.params, all.subarray(0, 64));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await engine.predict(model.params, all);
    const sec = (performance.now() - t0) / 1000;
    // CPU time of the whole process, worker threads included: what the rate would be on idle cores.
    const cpu = process.cpuUsage(cpu0);
    const cpuSec = (cpu.user + cpu.system) / 1e6;
    await engine.close();
    const wallRate = set.count / sec;
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    ctx.row({
      suite: 'ml',
      task: `${label} inference ${set.count} stamps`,
      tool: `owb CNN, ${threads} thread${threads > 1 ? 's' : ''}`,
      wallSec: sec,
      metrics: { 'stamps/s': wallRate, 'stamps/CPU-s': set.count / cpuSec },
      note:
        threads > 1
          ? `goal ≥ 2000 triplets/s wall: ${wallRate >= 2000 ? 'met' : 'NOT met'} (load ${load})`
          : `load ${load}`,
    });
  }
  // The same split for scikit-learn: the run's held-out files, every other stamp to train on.
  const held = JSON.parse(readFileSync(join(run, 'heldout.json'), 'utf8')) as Held;
  const test = new Set(held.files);
  const labelOf = (f: string): number => (/(^|\/)(real|lens)\//.test(f) ? 1 : 0);
  const train = files.map((f) => f.slice(data.length + 1)).filter((f) => !test.has(f));
  const cfgFile = join(ctx.dataDir, `ml-${task}-sklearn.json`);
  writeFileSync(
    cfgFile,
    JSON.stringify({ root: data, train, train_labels: train.map(labelOf), test: held.files, test_labels: held.labels }),
  );
  const py = spawnSync(ctx.python, ['-c', SKLEARN, cfgFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (py.status !== 0) {
    ctx.row({
      suite: 'ml',
      task: label,
      tool: 'scikit-learn',
      note: `failed: ${py.stderr.split('\n').slice(-2).join(' ')}`,
    });
    return;
  }
  const r = JSON.parse(py.stdout) as Record<'rf' | 'lr', { auc: number; tpr1: number; fit: number; rate: number }>;
  for (const [key, tool] of [
    ['rf', 'sklearn RandomForest'],
    ['lr', 'sklearn LogisticRegr.'],
  ] as const)
    ctx.row({
      suite: 'ml',
      task: `${label} same split`,
      tool,
      wallSec: r[key].fit,
      metrics: { AUC: r[key].auc, 'TPR@1%FPR': r[key].tpr1, 'pred/s': r[key].rate },
      ratio: `ΔAUC(owb − ${key}) ${(record.heldOut.auc - r[key].auc).toFixed(4)}`,
      note: 'fit time; same pixels, same normalisation',
    });
}

export default async function mlBench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 1000 : 4000;
  // The goal's size for real/bogus: 10 000 to train on (train + validation) and 2 500 held out.
  const nTriplets = ctx.quick ? 1000 : 12_500;
  const rb = join(ctx.dataDir, `ml-triplets-${nTriplets}`);
  const { frames, note } = await loadFrames(ctx);
  if (!existsSync(join(rb, 'truth.csv'))) {
    rmSync(rb, { recursive: true, force: true });
    writeTripletSet(rb, frames, nTriplets, 63, 21);
  }
  await trainAndCompare(
    ctx,
    'realbogus',
    rb,
    ctx.quick ? 4 : 8,
    `real/bogus 63×63×3 (${note})`,
    'goals: AUC ≥ 0.99, TPR@1%FPR ≥ 0.97',
  );

  const lens = join(ctx.dataDir, `ml-lens-physical-${n}`);
  if (!existsSync(join(lens, 'test.csv'))) {
    const config = join(ctx.dataDir, 'ml-physical.yaml');
    const text = readFileSync(join(ctx.root, 'configs', 'physical.yaml'), 'utf8')
      .replace(/n_train: \d+/, `n_train: ${Math.round(n * 0.8)}`)
      .replace(/n_test: \d+/, `n_test: ${Math.round(n * 0.2)}`);
    writeFileSync(config, text);
    rmSync(lens, { recursive: true, force: true });
    const s = ctx.owb(['synth', '--config', config, '--out', lens, '--log-level', 'error']);
    if (s.status !== 0) throw new Error(`owb synth failed: ${s.stderr.slice(-300)}`);
  }
  await trainAndCompare(ctx, 'lens', lens, ctx.quick ? 4 : 8, 'lens physical 64×64', 'goal: AUC ≥ 0.98');
}
