import type { DifferenceTaskInput, DifferenceTaskOutput } from '../../common/tasks/difference.js';
import { InputError } from '../../../src-workers/core/errors.js';
import type { WorkerPool } from '../pool/worker-pool.js';

/** A finished difference run: what was asked and what the worker found. */
export interface DifferenceRun extends DifferenceTaskOutput {
  sciencePath: string;
  referencePath: string;
  differencePath: string;
  alignedReferencePath?: string;
}

/**
 * Runs the `difference` task on the pool. Input problems (unreadable frames, sizes that differ, a reference
 * that cannot be registered) come back as `InputError`s naming the file.
 */
export async function runDifference(
  pool: WorkerPool,
  input: DifferenceTaskInput,
  signal?: AbortSignal,
): Promise<DifferenceRun> {
  const result = await pool.run('difference', input, { signal });
  if (!result.ok) {
    // The task reports its own bugs as DIFFERENCE_FAILED; every other code is the input's fault.
    if (result.error.code === 'DIFFERENCE_FAILED') throw new Error(result.error.message);
    throw new InputError(result.error.code, result.error.message);
  }
  return {
    ...result.value,
    sciencePath: input.sciencePath,
    referencePath: input.referencePath,
    differencePath: input.differencePath,
    alignedReferencePath: input.alignedReferencePath,
  };
}
