import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ThreadEngine } from '../../../src-workers/ml/thread-engine.js';
import {
  localEngine,
  cnnLayout,
  type CnnSpec,
  type GradientEngine,
  type StampSet,
} from '../../../src-workers/ml/index.js';
import { runningFromSource, workerExecArgv } from '../pool/task-file.js';

function entryFile(): string {
  const ext = runningFromSource() ? 'ts' : 'js';
  return fileURLToPath(new URL(`../../../src-workers/ml/ml-thread.worker.${ext}`, import.meta.url));
}

/** Starts one ML thread, with the tsx loader when running from sources (as TaskThread does). */
function startWorker(workerData: { spec: CnnSpec; set: StampSet }): Worker {
  const options = { workerData, execArgv: workerExecArgv() };
  if (runningFromSource()) {
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(pathToFileURL(entryFile()).href);
    return new Worker(`import(${tsx}).then((t) => { t.register(); return import(${entry}); })`, {
      ...options,
      eval: true,
    });
  }
  return new Worker(entryFile(), options);
}

/** Default threads: every core, at most 8. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** The engine for `threads` (1 = this thread). Results are identical whatever the count. */
export function createEngine(spec: CnnSpec, set: StampSet, threads: number): GradientEngine {
  if (threads <= 1) return localEngine(cnnLayout(spec), set);
  return new ThreadEngine(spec, set, threads, startWorker);
}
