import { availableParallelism } from 'node:os';
import { MessageChannel, type Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TaskInput, TaskKind, TaskOutput, TaskProgress } from '../../common/task-contract.js';
import { taskFile, workerExecArgv } from './task-file.js';

export interface RunOptions {
  /** Buffers moved (not copied) to the worker. */
  transferList?: Transferable[];
  signal?: AbortSignal;
  onProgress?: (progress: TaskProgress) => void;
  /** Rejects with a `TaskTimeoutError` and recycles the worker after this long. */
  timeoutMs?: number;
}

export class TaskTimeoutError extends Error {
  readonly code = 'TASK_TIMEOUT';
  constructor(kind: string, ms: number) {
    super(`task '${kind}' timed out after ${ms} ms`);
    this.name = 'TaskTimeoutError';
  }
}

/** Default size: cores − 1, at least 1 (the main thread keeps a core for I/O and the UI). */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * One piscina pool for every task kind; each run names its task file. Progress flows over a
 * MessagePort handed to the task as `progressPort`; cancellation uses piscina's abort signal.
 */
export class WorkerPool {
  private readonly piscina: Piscina;

  constructor(options: { threads?: number; maxQueue?: number } = {}) {
    const threads = Math.max(1, options.threads ?? defaultThreadCount());
    this.piscina = new Piscina({
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 30_000,
      maxQueue: options.maxQueue ?? 'auto',
      execArgv: workerExecArgv(),
      recordTiming: false,
    });
  }

  get threads(): number {
    return this.piscina.options.maxThreads;
  }

  get queueSize(): number {
    return this.piscina.queueSize;
  }

  async run<K extends TaskKind>(kind: K, input: TaskInput<K>, options: RunOptions = {}): Promise<TaskOutput<K>> {
    const channel = options.onProgress ? new MessageChannel() : undefined;
    if (channel && options.onProgress) {
      const onProgress = options.onProgress;
      channel.port1.on('message', (message: TaskProgress) => onProgress(message));
      channel.port1.unref();
    }
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs);
    }
    const payload = channel ? { ...(input as object), progressPort: channel.port2 } : input;
    const transferList = [...(options.transferList ?? []), ...(channel ? [channel.port2] : [])];
    try {
      return (await this.piscina.run(payload, {
        filename: taskFile(kind),
        transferList: transferList as never,
        signal: controller.signal,
      })) as TaskOutput<K>;
    } catch (error) {
      if (timedOut && options.timeoutMs !== undefined) throw new TaskTimeoutError(kind, options.timeoutMs);
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Progress posted just before the result travels on another channel; let it drain first.
      if (channel) setTimeout(() => channel.port1.close(), 50).unref();
    }
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
