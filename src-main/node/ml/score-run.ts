import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { decodeModel, type CnnSpec, type StampSet } from '../../../src-workers/ml/index.js';
import type { SqliteDatabase } from '../catalog/index.js';
import { cutTriplets, transientTriplets, type CandidateTriplet } from './candidate-stamps.js';
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

/** Scores computed for candidates, ready to be stored (in the caller's transaction). */
export interface CandidateScores {
  model: LoadedModel;
  rows: { id: number; score: number }[];
  skipped: number;
}

/**
 * Scores the transient candidates chosen by `where` (SQL on alias c) that have no score of this model
 * version yet; stamps are cut from the frames recorded with them (as curation shows them). Candidates
 * whose images cannot be read are skipped and counted. Nothing is written: see `storeScores`.
 */
export async function scoreCandidates(
  db: SqliteDatabase,
  model: LoadedModel,
  threads: number,
  where = '1',
  args: unknown[] = [],
): Promise<CandidateScores> {
  requireTripletModel(model);
  const triplets = transientTriplets(
    db,
    `(${where}) AND NOT EXISTS (SELECT 1 FROM model_scores m WHERE m.candidate_id = c.id AND m.model_version = ?)`,
    [...args, model.version],
  );
  return scoreTriplets(model, triplets, threads);
}

/** Throws unless `model` is a realbogus model on square 3-plane triplets (what candidates give). */
export function requireTripletModel(model: LoadedModel): void {
  if (model.run.task !== 'realbogus')
    throw new InputError(
      'MODEL_TASK',
      `--db scores transient candidates: give a realbogus model, not ${model.run.task}`,
    );
  const { channels, height, width } = model.spec;
  if (channels !== 3 || height !== width)
    throw new InputError('MODEL_TASK', 'the model does not take square 3-plane triplets');
}

/**
 * Scores candidates' triplets, whichever catalog they come from (SQLite or PostgreSQL): stamps cut from
 * their frames as curation shows them; those whose images cannot be read are skipped and counted.
 */
export async function scoreTriplets(
  model: LoadedModel,
  triplets: CandidateTriplet[],
  threads: number,
): Promise<CandidateScores> {
  requireTripletModel(model);
  const { channels, height, width } = model.spec;
  const cut = await cutTriplets(triplets, width);
  const set: StampSet = {
    channels,
    height,
    width,
    count: cut.ids.length,
    data: cut.data,
    labels: new Uint8Array(cut.ids.length),
  };
  const scores = cut.ids.length ? await predictAll(model, set, threads) : new Float32Array(0);
  return { model, rows: cut.ids.map((id, k) => ({ id, score: scores[k] })), skipped: cut.skipped.length };
}

/** Stores scores in `model_scores` (one row per candidate and model version); call inside a transaction. */
export function storeScores(db: SqliteDatabase, s: CandidateScores): number {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO model_scores (candidate_id, task, run_id, model_version, score, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const now = Date.now();
  for (const r of s.rows) insert.run(r.id, s.model.run.task, s.model.run.id, s.model.version, r.score, now);
  return s.rows.length;
}

/**
 * `owb score --db`: scores the catalog's transient candidates (science, reference and difference paths
 * recorded by `owb diff --db` or the pipeline) that have no score of this model version yet, and stores
 * the scores in `model_scores` in one transaction.
 */
export async function scoreCatalog(
  db: SqliteDatabase,
  model: LoadedModel,
  threads: number,
): Promise<{ scored: number; skipped: number; rows: { id: number; score: number }[] }> {
  const s = await scoreCandidates(db, model, threads);
  db.transaction(() => storeScores(db, s)).immediate();
  return { scored: s.rows.length, skipped: s.skipped, rows: s.rows };
}
