import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { combineBand } from '../core/calibrate/index.js';

/** Combines one slice of a row band (shared views) into the shared output view. */
export default async function combineBandTask(input: TaskInput<'combine-band'>): Promise<TaskOutput<'combine-band'>> {
  combineBand(input.bands, input.options, input.out);
  return { pixels: input.out.length };
}
