import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { InputError } from '../core/errors.js';
import { plateSolveFrame } from './plate-solve.js';

/**
 * Plate-solves one frame (`owb solve`). The thread keeps the loaded indexes between frames. Unusable
 * input comes back as `error` (an InputError does not survive the thread boundary as its class).
 */
export default async function plateSolveTask(input: TaskInput<'plate-solve'>): Promise<TaskOutput<'plate-solve'>> {
  const { progressPort: _port, ...rest } = input as TaskInput<'plate-solve'> & { progressPort?: unknown };
  try {
    return await plateSolveFrame(rest);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return {
      file: input.path,
      solved: false,
      detections: 0,
      hintSource: [],
      seconds: 0,
      error: { code: error.code, message: error.message },
    };
  }
}
