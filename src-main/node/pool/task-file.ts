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
 * Node options for a worker thread: the process's own, plus the tsx loader when running from sources.
 * A bare 'tsx' would be resolved from the user's working folder; it is resolved from this package instead.
 */
export function workerExecArgv(): string[] {
  const execArgv = [...process.execArgv];
  if (runningFromSource() && !execArgv.some((a) => a.includes('tsx')))
    execArgv.push('--import', import.meta.resolve('tsx'));
  return execArgv;
}

/** True when this module runs from TypeScript sources, so workers need the tsx loader too. */
export function runningFromSource(): boolean {
  return fileURLToPath(import.meta.url).endsWith('.ts');
}
