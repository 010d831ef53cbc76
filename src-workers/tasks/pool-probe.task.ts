import { threadId, type MessagePort } from 'node:worker_threads';
import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { progressReporter } from './task-progress.js';

/** Exercises the pool's own behaviour in tests: echo, throw, hard crash, long sleep, progress. */
export default async function poolProbe(
  input: TaskInput<'pool-probe'> & { progressPort?: MessagePort },
): Promise<TaskOutput<'pool-probe'>> {
  const report = progressReporter(input);
  switch (input.mode) {
    case 'throw':
      throw new Error('probe failed on purpose');
    case 'crash':
      process.exit(3);
      break;
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, input.sleepMs ?? 1000));
      break;
    case 'progress':
      for (let i = 1; i <= 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 60));
        report(i, 5, `step ${i}`);
      }
      break;
    default:
      break;
  }
  return { value: input.value ?? 0, threadId };
}
