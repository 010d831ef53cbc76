import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { decodeModel, normalizeStamp, type CnnSpec, type StampSet } from '../../../src-workers/ml/index.js';
import type { SqliteDatabase } from '../catalog/index.js';
import { listStampFiles, readStamps, type MlTask } from './dataset.js';
import { createEngine } from './ml-threads.js';
import { activeRuns, findRun, type RunRecord } from './run-store.js';

/** A trained model ready to score: its run record, network and weights. */
export interface LoadedModel {
  run: RunRecord;
  spec: CnnSpec;
  params: Float32Array;
  version: string;
}

/** The model of `ref` (run id, name or folder), or the active model of `task` when `ref` is undefined. */
export function loadModel(workspace: string, ref: string | undefined, task: MlTask | undefined): LoadedModel {
  let runRef = ref;
  if (runRef === undefined) {
    if (!task) throw new InputError('MODEL_MISSING', 'give --model RUN or --task T (to use the active model)');
    runRef = activeRuns(workspace)[task];
    if (!runRef)
      throw new InputError(
        'MODEL_MISSING',
        `no active ${task} model in ${workspace} (owb runs activate RUN --task ${task})`,
      );
  }
  const run = findRun(workspace, runRef);
  const file = join(run.dir, 'model.json');
  if (run.status !== 'finished' || !existsSync(file))
    throw new InputError('MODEL_MISSING', `run ${run.name} has no trained model yet`);
  const { model, params } = decodeModel(readFileSync(file, 'utf8'), file);
  return { run, spec: model.spec, params, version: run.modelVersion ?? `${run.id}:${run.epochs.length}` };
}

async function predictAll(model: LoadedModel, set: StampSet, threads: number): Promise<Float32Array> {
  const engine = createEngine(model.spec, set, threads);
  try {
    return await engine.predict(
      model.params,
      Int32Array.from({ length: set.count }, (_, i) => i),
    );
  } finally {
    await engine.close();
  }
}

/** Scores every stamp under DIR; files are relative to DIR, sorted. */
export async function scoreFolder(
  dir: string,
  model: LoadedModel,
  threads: number,
): Promise<{ files: string[]; scores: Float32Array }> {
  const { spec } = model;
  const { set, files } = await readStamps(dir, listStampFiles(dir), model.run.task, spec);
  const scores = await predictAll(model, { ...set, labels: new Uint8Array(set.count) }, threads);
  return { files, scores };
}

/** Cuts a size×size stamp centred on the nearest pixel to (x, y); outside the frame is NaN (normalised to 0). */
function cut(
  image: { width: number; height: number; data: Float32Array },
  x: number,
  y: number,
  size: number,
): Float32Array {
  const half = (size - 1) / 2;
  const cx = Math.round(x);
  const cy = Math.round(y);
  const out = new Float32Array(size * size).fill(Number.NaN);
  for (let j = 0; j < size; j++) {
    const py = cy - half + j;
    if (py < 0 || py >= image.height) continue;
    for (let i = 0; i < size; i++) {
      const px = cx - half + i;
      if (px >= 0 && px < image.width) out[j * size + i] = image.data[py * image.width + px];
    }
  }
  return out;
}

/**
 * Scores the catalog's transient candidates (science, reference and difference paths recorded by
 * `owb diff --db` or the pipeline) that have no score of this model version yet, and stores the scores in
 * `model_scores` in one transaction. Candidates whose images cannot be read are skipped and counted.
 */
export async function scoreCatalog(
  db: SqliteDatabase,
  model: LoadedModel,
  threads: number,
): Promise<{ scored: number; skipped: number; rows: { id: number; score: number }[] }> {
  if (model.run.task !== 'realbogus')
    throw new InputError(
      'MODEL_TASK',
      `--db scores transient candidates: give a realbogus model, not ${model.run.task}`,
    );
  const rows = db
    .prepare(
      `SELECT c.id, c.details_json FROM candidates c WHERE c.kind = 'transient'
       AND NOT EXISTS (SELECT 1 FROM model_scores m WHERE m.candidate_id = c.id AND m.model_version = ?) ORDER BY c.id`,
    )
    .all(model.version) as { id: number; details_json: string | null }[];
  const { channels, height, width } = model.spec;
  if (channels !== 3 || height !== width)
    throw new InputError('MODEL_TASK', 'the model does not take square 3-plane triplets');
  const cache = new Map<string, Promise<{ width: number; height: number; data: Float32Array } | null>>();
  const image = (path: unknown): Promise<{ width: number; height: number; data: Float32Array } | null> => {
    if (typeof path !== 'string' || !path) return Promise.resolve(null);
    if (!cache.has(path))
      cache.set(
        path,
        readFitsImage(path).then(
          (r) => r.image,
          () => null,
        ),
      );
    return cache.get(path)!;
  };
  const size = channels * height * width;
  const kept: number[] = [];
  const data = new Float32Array(new SharedArrayBuffer(Math.max(1, rows.length) * size * 4));
  let skipped = 0;
  for (const row of rows) {
    const d = row.details_json ? (JSON.parse(row.details_json) as Record<string, unknown>) : {};
    const planes = await Promise.all([image(d.sciencePath), image(d.referencePath), image(d.differencePath)]);
    const x = Number(d.x);
    const y = Number(d.y);
    if (planes.some((p) => !p) || !Number.isFinite(x) || !Number.isFinite(y)) {
      skipped++;
      continue;
    }
    const raw = new Float32Array(size);
    planes.forEach((p, k) => raw.set(cut(p!, x, y, width), k * width * height));
    normalizeStamp(raw, 3, width * height, data.subarray(kept.length * size, (kept.length + 1) * size));
    kept.push(row.id);
  }
  const set: StampSet = { channels, height, width, count: kept.length, data, labels: new Uint8Array(kept.length) };
  const scores = kept.length ? await predictAll(model, set, threads) : new Float32Array(0);
  const insert = db.prepare(
    'INSERT OR REPLACE INTO model_scores (candidate_id, task, run_id, model_version, score, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const now = Date.now();
  db.transaction(() =>
    kept.forEach((id, k) => insert.run(id, model.run.task, model.run.id, model.version, scores[k], now)),
  ).immediate();
  return { scored: kept.length, skipped, rows: kept.map((id, k) => ({ id, score: scores[k] })) };
}
