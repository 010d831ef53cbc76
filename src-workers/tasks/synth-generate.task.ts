import { sep } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { planSample } from '../core/synth/plan.js';
import { kernelFloat64Array } from '../core/synth/kernels/instance.js';
import { generateFromPlan } from '../core/synth/sample.js';
import { createSampleEncoder, writeImageSync } from './synth-encode.js';
import { progressReporter } from './task-progress.js';

/**
 * Images a thread claims at a time from a shared cursor: small enough that threads finish together and
 * the event loop (progress, a server's requests) runs every few milliseconds, large enough that claiming
 * costs nothing.
 */
const CLAIM = 16;

/**
 * Renders, encodes and writes the listed images of a synthetic dataset into `outDir` (the run's staging
 * folder: the caller moves whole folders into the dataset when every image is written). With a shared
 * `cursor`, every thread running this task claims the next images itself (no round trip through the main
 * thread, which may be busy rendering too). Each image depends only on the configuration and its index,
 * so the files are the same whichever thread writes them.
 */
export default async function synthGenerate(
  input: TaskInput<'synth-generate'> & {
    progressPort?: MessagePort;
  },
): Promise<TaskOutput<'synth-generate'>> {
  const report = progressReporter(input);
  const { config, outDir, indices } = input;
  const shared = input.cursor ? new Int32Array(input.cursor) : undefined;
  let own = 0;
  const claim = (): number => (shared ? Atomics.add(shared, 0, CLAIM) : (own += CLAIM) - CLAIM);
  const encode = await createSampleEncoder(config);
  // One pixel buffer for the batch, where the kernels work in place: each image is encoded before the
  // next is drawn.
  const scratch = kernelFloat64Array(config.General.image_size ** 2);
  // Plain concatenation rather than path.join per image (relPath is already normalised, `/` works on every
  // platform): join is among the functions each thread would otherwise have to optimise.
  const prefix = outDir.endsWith(sep) ? outDir : outDir + sep;
  let written = 0;
  let bytes = 0;
  for (let start = claim(); start < indices.length; start = claim()) {
    const end = Math.min(indices.length, start + CLAIM);
    for (let k = start; k < end; k++) {
      const plan = planSample(config, indices[k]);
      const encoded = await encode(generateFromPlan(config, plan, scratch));
      writeImageSync(prefix + plan.relPath, encoded);
      bytes += encoded.length;
      written++;
      report(shared ? Atomics.add(shared, 1, 1) + 1 : written, indices.length);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { written, bytes };
}
