import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { writeFileAtomicUnsynced } from '../../../src-workers/io/atomic-write.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { EpochMetrics, HeldOutMetrics, TrainSettings } from '../../../src-workers/ml/index.js';
import { defaultWorkspaceDir } from '../paths/default-workspace.js';
import { packageRoot } from '../paths.js';
import type { MlTask } from './dataset.js';

/**
 * Experiment tracking in the workspace. Each run is a folder (`owb train --out RUN`) holding
 * `run.json` (this record), `model.json`, `checkpoint.json` and `heldout.json`; the workspace keeps
 * `ml/runs.json` (every run it has seen) and `ml/active.json` (the active run of each task), and
 * `mlruns/` in MLflow's file-store layout.
 */
export interface RunRecord {
  id: string;
  name: string;
  task: MlTask;
  dir: string;
  status: 'running' | 'interrupted' | 'finished';
  createdMs: number;
  endedMs?: number;
  codeVersion: string;
  settings: TrainSettings & { threads: number };
  dataset: { dir: string; hash: string; layout: string; counts: Record<string, number>; split: Record<string, number> };
  input: { channels: number; height: number; width: number };
  epochs: EpochMetrics[];
  heldOut?: Omit<HeldOutMetrics, 'roc'>;
  /** "<run id>:<epochs>" — stored with every score. */
  modelVersion?: string;
}

export function workspaceDir(explicit?: string): string {
  return resolve(explicit ?? defaultWorkspaceDir());
}

export function readRun(dir: string): RunRecord {
  const file = join(dir, 'run.json');
  if (!existsSync(file)) throw new InputError('RUN_MISSING', `${dir}: not a training run (no run.json)`);
  return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
}

export function writeRun(record: RunRecord): void {
  writeFileAtomicUnsynced(join(record.dir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}

interface RunIndex {
  runs: { id: string; name: string; task: MlTask; dir: string; createdMs: number }[];
}

function readJson<T>(file: string, fallback: T): T {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
}

/** Adds (or refreshes) a run in the workspace's index. */
export function registerRun(workspace: string, record: RunRecord): void {
  makeDirs(join(workspace, 'ml'));
  const file = join(workspace, 'ml', 'runs.json');
  const index = readJson<RunIndex>(file, { runs: [] });
  index.runs = index.runs.filter((r) => r.id !== record.id);
  index.runs.push({
    id: record.id,
    name: record.name,
    task: record.task,
    dir: record.dir,
    createdMs: record.createdMs,
  });
  writeFileAtomicUnsynced(file, `${JSON.stringify(index, null, 2)}\n`);
}

/** Every run of the workspace whose folder still holds a run.json, oldest first. */
export function listRuns(workspace: string): RunRecord[] {
  const index = readJson<RunIndex>(join(workspace, 'ml', 'runs.json'), { runs: [] });
  return index.runs
    .filter((r) => existsSync(join(r.dir, 'run.json')))
    .map((r) => readRun(r.dir))
    .sort((a, b) => a.createdMs - b.createdMs);
}

/** The active run id of each task. */
export function activeRuns(workspace: string): Partial<Record<MlTask, string>> {
  return readJson(join(workspace, 'ml', 'active.json'), {});
}

/** Finds a run by id, id prefix, name or folder. */
export function findRun(workspace: string, ref: string): RunRecord {
  if (existsSync(join(ref, 'run.json'))) return readRun(resolve(ref));
  const runs = listRuns(workspace);
  const hits = runs.filter((r) => r.id === ref || r.name === ref || (ref.length >= 6 && r.id.startsWith(ref)));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) throw new InputError('RUN_AMBIGUOUS', `run '${ref}' matches ${hits.length} runs; give its id`);
  throw new InputError('RUN_MISSING', `no run '${ref}' in workspace ${workspace} (see owb runs)`);
}

/** Marks a finished run active for its task (one per task). */
export function activateRun(workspace: string, ref: string, task: MlTask): RunRecord {
  const run = findRun(workspace, ref);
  if (run.task !== task) throw new InputError('RUN_TASK', `run '${ref}' is a ${run.task} model, not ${task}`);
  if (run.status !== 'finished') throw new InputError('RUN_UNFINISHED', `run '${ref}' has not finished training`);
  makeDirs(join(workspace, 'ml'));
  writeFileAtomicUnsynced(
    join(workspace, 'ml', 'active.json'),
    `${JSON.stringify({ ...activeRuns(workspace), [task]: run.id }, null, 2)}\n`,
  );
  return run;
}

/** `git describe` of the package when it is a checkout, else its package.json version. */
export function codeVersion(): string {
  const root = packageRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  if (!existsSync(join(root, '.git'))) return version;
  try {
    const described = execFileSync('git', ['describe', '--always', '--dirty'], {
      cwd: root,
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
    return `${version}+${described}`;
  } catch {
    return version;
  }
}

/** The active run of `task`, or null when none is set or its folder is gone. */
export function activeRun(workspace: string, task: MlTask): RunRecord | null {
  const id = activeRuns(workspace)[task];
  if (!id) return null;
  try {
    return findRun(workspace, id);
  } catch {
    return null;
  }
}
