import type { MessagePort } from 'node:worker_threads';
import type { TaskProgress } from '../../src-main/common/task-contract.js';

/** Returns a throttled progress reporter for a task input that may carry a `progressPort`. */
export function progressReporter(input: {
  progressPort?: MessagePort;
}): (done: number, total: number, label?: string) => void {
  const port = input.progressPort;
  let last = 0;
  return (done, total, label) => {
    if (!port) return;
    const now = Date.now();
    if (now - last < 50 && done < total) return;
    last = now;
    const message: TaskProgress = { done, total, label };
    port.postMessage(message);
  };
}
