import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { planSample } from '../core/synth/plan.js';
import { generateFromPlan } from '../core/synth/sample.js';
import { createSampleEncoder, writeImageAtomic, writeQueue } from './synth-encode.js';
import { progressReporter } from './task-progress.js';

/** Writes that may wait on the disk while the next images render (libuv runs four at a time). */
const WRITES_IN_FLIGHT = 16;

/**
 * Renders, encodes and atomically writes the listed images of a synthetic dataset. Each image depends only
 * on the configuration and its index, so the files are the same whichever worker writes them.
 */
export default async function synthGenerate(
  input: TaskInput<'synth-generate'> & { progressPort?: MessagePort },
): Promise<TaskOutput<'synth-generate'>> {
  const report = progressReporter(input);
  const { config, outDir, indices } = input;
  const encode = await createSampleEncoder(config);
  const queue = writeQueue(WRITES_IN_FLIGHT);
  // One pixel buffer for the batch: each image is encoded (synchronously) before the next is drawn.
  const scratch = new Float64Array(config.General.image_size ** 2);
  let bytes = 0;
  for (let k = 0; k < indices.length; k++) {
    const plan = planSample(config, indices[k]);
    const encoded = await encode(generateFromPlan(config, plan, scratch));
    await queue.add(writeImageAtomic(join(outDir, plan.relPath), encoded));
    bytes += encoded.length;
    report(k + 1, indices.length);
  }
  await queue.drain();
  return { written: indices.length, bytes };
}
