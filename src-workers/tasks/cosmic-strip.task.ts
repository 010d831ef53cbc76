import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { laCosmic } from '../core/cosmic/index.js';

/** L.A.Cosmic on one strip; the caller keeps only the rows away from the halo. */
export default async function cosmicStripTask(input: TaskInput<'cosmic-strip'>): Promise<TaskOutput<'cosmic-strip'>> {
  const r = laCosmic({ width: input.width, height: input.height, data: input.data }, input.options);
  return { clean: r.clean.data, mask: r.mask };
}
