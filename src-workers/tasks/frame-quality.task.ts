import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { measureFrame } from '../core/stack/index.js';
import { readFitsImage } from '../io/fits-file.js';
import { isFrameProblem } from './calibrate-frame.task.js';

/** Measures one frame's stacking quality metrics (`owb stack`). */
export default async function frameQualityTask(
  input: TaskInput<'frame-quality'>,
): Promise<TaskOutput<'frame-quality'>> {
  try {
    const { image } = await readFitsImage(input.path);
    const { quality, stars } = measureFrame(image);
    return { ok: true, ...quality, stars };
  } catch (error) {
    if (!isFrameProblem(error)) throw error;
    return { ok: false, reason: (error as Error).message };
  }
}
