import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { copyFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';

/**
 * A writer for MLflow's file store (`mlruns/`), the layout `mlflow ui --backend-store-uri DIR` and
 * `MlflowClient(tracking_uri="file:DIR")` read (mlflow/store/tracking/file_store.py):
 *
 *     mlruns/<experiment id>/meta.yaml                  experiment: name, artifact_location, …
 *     mlruns/<experiment id>/<run id>/meta.yaml         run: run_id, status, start/end time, …
 *     …/<run id>/params/<key>                           the value as text
 *     …/<run id>/metrics/<key>                          lines "timestamp_ms value step"
 *     …/<run id>/tags/<key>                             the value as text
 *     …/<run id>/artifacts/…                            files
 */
export interface MlflowRun {
  runId: string;
  runName: string;
  experimentName: string;
  startMs: number;
  endMs?: number;
  /** RUNNING, FINISHED, FAILED or KILLED. */
  status: 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';
  params: Record<string, string | number | boolean>;
  /** Per key, points in step order. */
  metrics: Record<string, { timestampMs: number; value: number; step: number }[]>;
  tags: Record<string, string>;
  /** Files copied into artifacts/. */
  artifacts: string[];
}

const statusCode = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;

/** YAML scalar as MLflow's safe_dump writes strings: single-quoted when needed, quotes doubled. */
function yamlString(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_./:-]*$/.test(s) && !/^(true|false|null|yes|no|on|off)$/i.test(s)
    ? s
    : `'${s.replace(/'/g, "''")}'`;
}

function experimentName(dir: string): string | undefined {
  const meta = join(dir, 'meta.yaml');
  if (!existsSync(meta)) return undefined;
  const m = /^name: (.*)$/m.exec(readFileSync(meta, 'utf8'));
  return m ? m[1].replace(/^'(.*)'$/, '$1').replace(/''/g, "'") : undefined;
}

/** The id of the experiment named `name` under `root`, created (next free integer id) when missing. */
export function ensureExperiment(root: string, name: string, nowMs = Date.now()): string {
  makeDirs(root);
  const ids = readdirSync(root).filter((d) => /^\d+$/.test(d));
  for (const id of ids) if (experimentName(join(root, id)) === name) return id;
  if (!ids.includes('0')) writeExperiment(root, '0', 'Default', nowMs);
  const id = String(Math.max(0, ...ids.map(Number)) + 1);
  writeExperiment(root, id, name, nowMs);
  return id;
}

function writeExperiment(root: string, id: string, name: string, nowMs: number): void {
  const dir = join(root, id);
  makeDirs(dir);
  writeFileAtomicUnsynced(
    join(dir, 'meta.yaml'),
    [
      `artifact_location: ${pathToFileURL(resolve(dir)).href}`,
      `creation_time: ${nowMs}`,
      `experiment_id: '${id}'`,
      `last_update_time: ${nowMs}`,
      'lifecycle_stage: active',
      `name: ${yamlString(name)}`,
      '',
    ].join('\n'),
  );
}

/** Writes (or rewrites) one run; returns its folder. Metric files are rewritten whole each time. */
export function writeMlflowRun(root: string, run: MlflowRun): string {
  const experimentId = ensureExperiment(root, run.experimentName, run.startMs);
  const dir = join(root, experimentId, run.runId);
  for (const d of ['params', 'metrics', 'tags', 'artifacts']) makeDirs(join(dir, d));
  const artifactUri = pathToFileURL(resolve(dir, 'artifacts')).href;
  writeFileAtomicUnsynced(
    join(dir, 'meta.yaml'),
    [
      `artifact_uri: ${artifactUri}`,
      `end_time: ${run.endMs ?? 'null'}`,
      "entry_point_name: ''",
      `experiment_id: '${experimentId}'`,
      'lifecycle_stage: active',
      `run_id: ${run.runId}`,
      `run_name: ${yamlString(run.runName)}`,
      `run_uuid: ${run.runId}`,
      "source_name: ''",
      'source_type: 4',
      "source_version: ''",
      `start_time: ${run.startMs}`,
      `status: ${statusCode[run.status]}`,
      'tags: []',
      `user_id: ${yamlString(run.tags['mlflow.user'] ?? 'owb')}`,
      '',
    ].join('\n'),
  );
  for (const [key, value] of Object.entries(run.params))
    writeFileSync(join(dir, 'params', safeKey(key)), String(value));
  for (const [key, points] of Object.entries(run.metrics)) {
    const lines = points.filter((p) => Number.isFinite(p.value)).map((p) => `${p.timestampMs} ${p.value} ${p.step}\n`);
    writeFileSync(join(dir, 'metrics', safeKey(key)), lines.join(''));
  }
  for (const [key, value] of Object.entries({ 'mlflow.runName': run.runName, ...run.tags }))
    writeFileSync(join(dir, 'tags', safeKey(key)), value);
  for (const file of run.artifacts) copyFileSync(file, join(dir, 'artifacts', basename(file)));
  return dir;
}

/** MLflow keys allow letters, digits, _ - . space and /; we keep to a file-name-safe subset. */
function safeKey(key: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new Error(`MLflow key '${key}' has characters this writer does not allow`);
  return key;
}
