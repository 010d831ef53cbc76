import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TaskInput, TaskKind, TaskOutput, TaskProgress } from '../../common/task-contract.js';
import { runningFromSource, taskFile, taskThreadEntry, workerExecArgv } from './task-file.js';

type Reply =
  | { kind: 'progress'; progress: TaskProgress }
  | { kind: 'output'; output: unknown }
  | { kind: 'error'; error: unknown };

interface Pending {
  resolve: (output: unknown) => void;
  reject: (error: unknown) => void;
  onProgress?: (progress: TaskProgress) => void;
}

/**
 * One task kind in a thread of its own, outside the pool, for short bursts of work that start with the
 * process: a synthetic dataset of a few thousand small images is done in a fifth of a second, and loading
 * piscina would cost the main thread a tenth of that before any image is drawn. The thread starts loading
 * the task module when constructed; `run` calls are served in order. Stop it with `terminate`.
 */
export class TaskThread<K extends TaskKind> {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  constructor(readonly kind: K) {
    const options = { workerData: { taskFile: taskFile(kind) }, execArgv: workerExecArgv() };
    if (runningFromSource()) {
      // Node loads a worker's entry before `--import` hooks are in place: register tsx's, then load it.
      const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
      const entry = JSON.stringify(pathToFileURL(taskThreadEntry()).href);
      this.worker = new Worker(`import(${tsx}).then((t) => { t.register(); return import(${entry}); })`, {
        ...options,
        eval: true,
      });
    } else this.worker = new Worker(taskThreadEntry(), options);
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`task thread '${kind}' stopped (exit code ${code})`)));
  }

  run(input: TaskInput<K>, options: { onProgress?: (progress: TaskProgress) => void } = {}): Promise<TaskOutput<K>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve: resolve as (output: unknown) => void, reject, onProgress: options.onProgress });
      this.worker.postMessage(input);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error(`task thread '${this.kind}' was terminated`);
    await this.worker.terminate();
  }

  private receive(reply: Reply): void {
    const head = this.pending[0];
    if (!head) return;
    if (reply.kind === 'progress') head.onProgress?.(reply.progress);
    else {
      this.pending.shift();
      if (reply.kind === 'output') head.resolve(reply.output);
      else head.reject(reply.error);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }
}
