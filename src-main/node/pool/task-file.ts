import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TaskKind } from '../../common/task-contract.js';

/**
 * Resolves the worker file of a task kind. Services never import task files (ARCHITECTURE.md);
 * piscina loads them by name. From sources (tests, tsx) the `.ts` file is used, from `dist` the `.js`.
 */
export function taskFile(kind: TaskKind | string): string {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const url = new URL(`../../../src-workers/tasks/${kind}.task.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new Error(`no worker file for task '${kind}' at ${path}`);
  return path;
}

/** The entry file of a dedicated task thread (`TaskThread`), from sources or from `dist` like `taskFile`. */
export function taskThreadEntry(): string {
  const ext = runningFromSource() ? 'ts' : 'js';
  return fileURLToPath(new URL(`../../../src-workers/tasks/task-thread.worker.${ext}`, import.meta.url));
}

/**
 * Node options for a worker thread. From `dist`, none: the worker inherits the process's own, which
 * Node checks only when they are given explicitly (so `node --trace-gc bin/owb.js` still starts
 * workers). From sources, the tsx loader must be added, and an explicit list may only hold options a
 * worker accepts: the process's module-loading options are kept, V8 and process-wide ones dropped.
 * A bare 'tsx' would be resolved from the user's working folder; it is resolved from this package instead.
 */
export function workerExecArgv(): string[] | undefined {
  if (!runningFromSource() || process.execArgv.some((a) => a.includes('tsx'))) return undefined;
  const kept: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const name = args[i].split('=')[0];
    if (!WORKER_LOADER_OPTIONS.has(name)) continue;
    kept.push(args[i]);
    if (!args[i].includes('=') && i + 1 < args.length) kept.push(args[++i]);
  }
  return [...kept, '--import', import.meta.resolve('tsx')];
}

/** Options that shape how a worker loads modules, and which Node accepts in a worker's `execArgv`. */
const WORKER_LOADER_OPTIONS = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '-C',
]);

/** True when this module runs from TypeScript sources, so workers need the tsx loader too. */
export function runningFromSource(): boolean {
  return fileURLToPath(import.meta.url).endsWith('.ts');
}
