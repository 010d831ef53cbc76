import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CancelledError, InputError } from '../../../src-workers/core/errors.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import {
  cnnLayout,
  decodeCheckpoint,
  encodeCheckpoint,
  encodeModel,
  heldOutMetrics,
  initialState,
  stratifiedSplit,
  train,
  type CnnSpec,
  type TrainSettings,
  type TrainState,
} from '../../../src-workers/ml/index.js';
import { openDatabase } from '../catalog/index.js';
import { loadCatalogDataset } from './catalog-dataset.js';
import { loadDataset, taskClasses, type LoadedDataset, type MlTask } from './dataset.js';
import { mlflowRecord } from './mlflow-run.js';
import { writeMlflowRun } from './mlflow-store.js';
import { createEngine } from './ml-threads.js';
import { codeVersion, registerRun, writeRun, type RunRecord } from './run-store.js';

export interface TrainRunOptions {
  task: MlTask;
  /** A labelled folder (`--data`), or with `dbPath` only a name for messages. */
  dataDir: string;
  /** Train on the catalog's curated transient candidates instead of a folder (`--db`; realbogus only). */
  dbPath?: string;
  /** Side of the stamps cut from the catalog's frames [63]. */
  stampPx?: number;
  outDir: string;
  workspace: string;
  settings: TrainSettings;
  threads: number;
  /** Continue the run in outDir from its checkpoint. */
  resume?: boolean;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, label: string): void;
  onLog?(line: string): void;
}

/** The network used for every task: small enough to train in minutes on two cores. */
export function defaultSpec(input: { channels: number; height: number; width: number }): CnnSpec {
  // Named fields only: spreading a StampSet here once copied every stamp into model.json.
  return { channels: input.channels, height: input.height, width: input.width, filters: [8, 16, 16], hidden: 32 };
}

/**
 * `owb train`: loads DIR, splits it (seeded, stratified; the synth layout's test/ is the held-out set),
 * trains with a checkpoint after every epoch (and on cancel, mid-epoch), then scores the held-out set
 * and writes model.json, heldout.json, run.json and the MLflow copy. A cancelled run ends with
 * `CancelledError` after its checkpoint is saved; `resume` continues it to the same result.
 */
export async function runTraining(o: TrainRunOptions): Promise<RunRecord> {
  const outDir = resolve(o.outDir);
  const runFile = join(outDir, 'run.json');
  let previous: RunRecord | undefined;
  if (existsSync(runFile)) {
    if (!o.resume)
      throw new InputError('RUN_EXISTS', `${o.outDir}: already holds a run; give --resume or another --out`);
    previous = JSON.parse(readFileSync(runFile, 'utf8')) as RunRecord;
    if (previous.task !== o.task)
      throw new InputError('RUN_TASK', `${o.outDir}: is a ${previous.task} run, not ${o.task}`);
  } else if (o.resume) {
    throw new InputError('RUN_MISSING', `${o.outDir}: no run to resume (no run.json)`);
  } else if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new InputError('RUN_EXISTS', `${o.outDir}: exists and is not empty; give a new folder`);
  }
  const settings: TrainSettings = previous ? { ...previous.settings, epochs: o.settings.epochs } : o.settings;
  const onRead = (d: number, t: number): void => o.onProgress?.(d, t, 'reading stamps');
  const data = o.dbPath
    ? await loadFromCatalog(o.dbPath, o.task, previous?.input.width ?? o.stampPx ?? 63, onRead, o.onLog)
    : await loadDataset(o.dataDir, o.task, onRead);
  const dataName = o.dbPath ?? o.dataDir;
  if (previous && previous.dataset.hash !== data.hash)
    throw new InputError(
      'RUN_DATA_CHANGED',
      `${dataName}: differs from the data run ${previous.name} was trained on (dataset hash)`,
    );
  const { set } = data;
  if (set.width < 22 || set.height < 22)
    throw new InputError(
      'STAMP_SHAPE',
      `${dataName}: stamps are ${set.width}×${set.height}; the network needs at least 22×22`,
    );
  const split = splitFor(data.set.labels, data.presetTest, settings.seed);
  const spec = defaultSpec(set);
  const layout = cnnLayout(spec);
  makeDirs(outDir);
  const classes = taskClasses[o.task];
  const record: RunRecord = previous ?? {
    id: randomUUID().replace(/-/g, ''),
    name: basename(outDir),
    task: o.task,
    dir: outDir,
    status: 'running',
    createdMs: Date.now(),
    codeVersion: codeVersion(),
    settings: { ...settings, threads: o.threads },
    dataset: {
      dir: resolve(dataName),
      hash: data.hash,
      layout: data.layout,
      counts: data.counts,
      split: { train: split.train.length, val: split.val.length, test: split.test.length },
    },
    input: { channels: set.channels, height: set.height, width: set.width },
    epochs: [],
  };
  record.status = 'running';
  record.settings.epochs = settings.epochs;
  writeRun(record);
  registerRun(o.workspace, record);
  const checkpointFile = join(outDir, 'checkpoint.json');
  const state: TrainState =
    previous && existsSync(checkpointFile)
      ? decodeCheckpoint(readFileSync(checkpointFile, 'utf8'))
      : initialState(layout, settings.seed);
  const saveCheckpoint = (s: TrainState): void => writeFileAtomicUnsynced(checkpointFile, encodeCheckpoint(s));
  const mlflowRoot = join(o.workspace, 'mlruns');
  const engine = createEngine(spec, set, o.threads);
  try {
    await train(layout, set, split, settings, state, engine, {
      cancelled: () => o.signal?.aborted === true,
      onBatch: (done, total) => o.onProgress?.(done, total, `epoch ${state.epoch + 1}/${settings.epochs}`),
      onEpoch: (m, s) => {
        saveCheckpoint(s);
        record.epochs = s.history;
        writeRun(record);
        writeMlflowRun(mlflowRoot, mlflowRecord(record, []));
        o.onLog?.(
          `epoch ${m.epoch}/${settings.epochs}: loss ${m.loss.toFixed(4)}, val AUC ${m.valAuc.toFixed(4)}, val accuracy ${m.valAccuracy.toFixed(4)} (${m.seconds.toFixed(1)} s)`,
        );
      },
    });
    const scores = await engine.predict(state.params, split.test);
    const labels = Array.from(split.test, (i) => set.labels[i]);
    const held = heldOutMetrics(scores, labels);
    const modelFile = join(outDir, 'model.json');
    writeFileAtomicUnsynced(
      modelFile,
      JSON.stringify(encodeModel(o.task, spec, [classes[0], classes[1]], state.params)),
    );
    const heldFile = join(outDir, 'heldout.json');
    writeFileAtomicUnsynced(
      heldFile,
      `${JSON.stringify({ ...held, files: Array.from(split.test, (i) => data.files[i]), scores: Array.from(scores), labels }, null, 1)}\n`,
    );
    const { roc: _roc, ...summary } = held;
    record.heldOut = summary;
    record.status = 'finished';
    record.endedMs = Date.now();
    record.modelVersion = `${record.id}:${state.epoch}`;
    record.epochs = state.history;
    writeRun(record);
    saveCheckpoint(state);
    writeMlflowRun(mlflowRoot, mlflowRecord(record, [modelFile, heldFile, join(outDir, 'run.json')]));
    return record;
  } catch (error) {
    if (error instanceof CancelledError) {
      saveCheckpoint(state);
      record.status = 'interrupted';
      record.epochs = state.history;
      writeRun(record);
      writeMlflowRun(mlflowRoot, mlflowRecord(record, []));
    }
    throw error;
  } finally {
    await engine.close();
  }
}

async function loadFromCatalog(
  dbPath: string,
  task: MlTask,
  sizePx: number,
  onProgress: (done: number, total: number) => void,
  onLog: ((line: string) => void) | undefined,
): Promise<LoadedDataset> {
  if (task !== 'realbogus')
    throw new InputError(
      'DATA_TASK',
      `${dbPath}: the catalog's labels are on transient candidates: --db trains realbogus only`,
    );
  if (!Number.isInteger(sizePx) || sizePx < 22 || sizePx % 2 === 0)
    throw new InputError('STAMP_SHAPE', `'stampPx' must be an odd integer of at least 22, got ${sizePx}`);
  if (!existsSync(dbPath)) throw new InputError('DATA_NOT_FOUND', `${dbPath}: no such catalog`);
  const db = openDatabase(dbPath);
  try {
    const data = await loadCatalogDataset(db, sizePx, onProgress);
    if (data.skipped || data.ignoredLabels)
      onLog?.(
        `${dbPath}: ${data.set.count} labelled candidates` +
          (data.skipped ? `; ${data.skipped} left out (frames unreadable)` : '') +
          (data.ignoredLabels ? `; ${data.ignoredLabels} with class labels, not accept/reject, not used` : ''),
      );
    return data;
  } finally {
    db.close();
  }
}

function splitFor(
  labels: Uint8Array,
  presetTest: number[],
  seed: number,
): { train: Int32Array; val: Int32Array; test: Int32Array } {
  if (presetTest.length === 0) return stratifiedSplit(labels, seed);
  // The generator's own test/ is the held-out set; validation is drawn from train/ alone.
  const isTest = new Uint8Array(labels.length);
  for (const i of presetTest) isTest[i] = 1;
  const rest = Array.from({ length: labels.length }, (_, i) => i).filter((i) => !isTest[i]);
  const sub = stratifiedSplit(
    Uint8Array.from(rest, (i) => labels[i]),
    seed,
    0.1,
    0,
  );
  return {
    train: Int32Array.from(sub.train, (k) => rest[k]),
    val: Int32Array.from(sub.val, (k) => rest[k]),
    test: Int32Array.from(presetTest),
  };
}
