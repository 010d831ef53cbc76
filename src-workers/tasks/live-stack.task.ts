import { existsSync } from 'node:fs';
import type { Result } from '../../src-main/common/result.js';
import type { LiveStackInput, LiveStackOutput } from '../../src-main/common/tasks/live-stack.js';
import { imageHdu } from '../core/fits/index.js';
import type { Image } from '../core/image/image.js';
import { findStars, registerFrame, resampleAffine } from '../core/register/index.js';
import type { StarList } from '../core/register/asterism.js';
import { readFitsImage, readFitsStructure, writeFits } from '../io/fits-file.js';

const references = new Map<string, Promise<{ image: Image; stars: StarList }>>();

function reference(path: string): Promise<{ image: Image; stars: StarList }> {
  let entry = references.get(path);
  if (!entry) {
    entry = readFitsImage(path).then(({ image }) => ({ image, stars: findStars(image) }));
    entry.catch(() => references.delete(path));
    if (references.size > 8) references.clear();
    references.set(path, entry);
  }
  return entry;
}

/**
 * Adds one light to a running stack: registers it onto the stack's reference (stars, else phase
 * correlation; the reference itself is taken as it is), resamples it onto the reference grid and updates
 * the running mean and coverage, written back atomically with the frame count and the last frame's id.
 * The caller serialises the frames of one stack and records each inclusion in the catalog; a state file that
 * already ends with this frame (written just before a crash) is not added to twice.
 */
export default async function liveStack(input: LiveStackInput): Promise<Result<LiveStackOutput>> {
  try {
    let mean: Float32Array | undefined;
    let coverage: Float32Array | undefined;
    let frames = 0;
    if (existsSync(input.statePath)) {
      const { hdus } = await readFitsStructure(input.statePath);
      frames = Number(hdus[0].header.get('NFRAMES') ?? 0);
      const last = Number(hdus[0].header.get('LASTFRM') ?? -1);
      if (frames === input.expectedFrames + 1 && last === input.frameId) {
        return { ok: true, value: { included: true, alreadyIncluded: true, frames } };
      }
      if (frames !== input.expectedFrames) {
        return fail(
          'STACK_MISMATCH',
          `${input.statePath}: holds ${frames} frames, the catalog says ${input.expectedFrames}`,
        );
      }
      const meanRead = await readFitsImage(input.statePath, { hdu: 0 });
      const covRead = await readFitsImage(input.statePath, { hdu: 1 });
      mean = meanRead.image.data;
      coverage = covRead.image.data;
    } else if (input.expectedFrames !== 0) {
      return fail(
        'STACK_MISSING',
        `${input.statePath}: stack file is gone but the catalog says it holds ${input.expectedFrames} frames`,
      );
    }
    const { image } = await readFitsImage(input.framePath);
    let aligned = image;
    let method: LiveStackOutput['method'] = 'reference';
    let rmsPx: number | undefined;
    if (input.framePath !== input.referencePath) {
      const ref = await reference(input.referencePath);
      const reg = registerFrame(ref, { image, stars: findStars(image) });
      if (!reg.ok) return { ok: true, value: { included: false, alreadyIncluded: false, frames, reason: reg.reason } };
      aligned = resampleAffine(image, reg.transform);
      method = reg.method;
      rmsPx = Number.isFinite(reg.rmsPx) ? reg.rmsPx : undefined;
    }
    const n = aligned.width * aligned.height;
    mean ??= new Float32Array(n).fill(Number.NaN);
    coverage ??= new Float32Array(n);
    if (mean.length !== n) return fail('FRAME_MISMATCH', `${input.framePath}: size differs from the stack`);
    const d = aligned.data;
    for (let i = 0; i < n; i++) {
      const v = d[i];
      if (!(v === v)) continue;
      const c = coverage[i] + 1;
      mean[i] = c === 1 ? v : mean[i] + (v - mean[i]) / c;
      coverage[i] = c;
    }
    frames++;
    const header = { IMAGETYP: 'Live Stack', NFRAMES: frames, LASTFRM: input.frameId };
    await writeFits(input.statePath, [
      imageHdu({ width: aligned.width, height: aligned.height, data: mean }, { header }),
      imageHdu({ width: aligned.width, height: aligned.height, data: coverage }, { extname: 'COVERAGE' }),
    ]);
    return { ok: true, value: { included: true, alreadyIncluded: false, frames, method, rmsPx } };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return fail(
      typeof e.code === 'string' ? e.code : 'STACK_FAILED',
      typeof e.message === 'string' ? e.message : String(error),
    );
  }
}

function fail(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
