import { basename } from 'node:path';
import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { FitsHeader } from '../core/fits/index.js';
import { findStars, registerFrame, resampleAffine } from '../core/register/index.js';
import { readFitsImage, writeFitsImage } from '../io/fits-file.js';
import { isFrameProblem } from './calibrate-frame.task.js';

/** Registers one frame onto the shared reference and writes the resampled frame (`owb register`). */
export default async function registerFrameTask(
  input: TaskInput<'register-frame'>,
): Promise<TaskOutput<'register-frame'>> {
  const name = basename(input.path);
  const ref = input.reference;
  let read: Awaited<ReturnType<typeof readFitsImage>>;
  try {
    read = await readFitsImage(input.path);
  } catch (error) {
    if (!isFrameProblem(error)) throw error;
    return { ok: false, reason: (error as Error).message };
  }
  const options = { model: input.model };
  const stars = findStars(read.image, options);
  const r = registerFrame(
    { image: { width: ref.width, height: ref.height, data: ref.data }, stars: ref.stars },
    { image: read.image, stars },
    options,
  );
  if (!r.ok) return { ok: false, reason: `${name}: ${r.reason}` };
  let output: string | undefined;
  if (input.outPath) {
    const t = r.transform;
    const h = new FitsHeader(
      read.header.cards.filter((c) => c.key !== 'CHECKSUM' && c.key !== 'DATASUM').map((c) => ({ ...c })),
    );
    h.set('REGREF', ref.name, 'registration reference');
    h.set('REGMETH', r.method, 'registration method');
    await writeFitsImage(input.outPath, resampleAffine(read.image, t, { method: input.resample ?? 'lanczos3' }), {
      header: h,
      history: [
        `registered by owb onto ${ref.name}`,
        `matrix ${[t.a, t.b, t.tx, t.c, t.d, t.ty].map((v) => v.toPrecision(8)).join(' ')}`,
      ],
    });
    output = input.outPath;
  }
  return {
    ok: true,
    transform: r.transform,
    method: r.method,
    matched: r.matched,
    rmsPx: r.rmsPx,
    stars: r.stars,
    output,
  };
}
