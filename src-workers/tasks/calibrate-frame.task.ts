import { basename } from 'node:path';
import type { TaskInput, TaskOutput } from '../../src-main/common/task-contract.js';
import { calibrateFrame } from '../core/calibrate/index.js';
import { InputError } from '../core/errors.js';
import { FitsHeader } from '../core/fits/index.js';
import { readFitsImage, writeFitsImage } from '../io/fits-file.js';

/** A bad input file (unreadable, wrong size) is reported as skipped; anything else is a bug and throws. */
export function isFrameProblem(error: unknown): boolean {
  if (error instanceof InputError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** Calibrates one light with the shared master library and writes it (`owb calibrate`). */
export default async function calibrateFrameTask(
  input: TaskInput<'calibrate-frame'>,
): Promise<TaskOutput<'calibrate-frame'>> {
  const name = basename(input.path);
  let result: ReturnType<typeof calibrateFrame>;
  let header: FitsHeader;
  try {
    const read = await readFitsImage(input.path);
    header = read.header;
    result = calibrateFrame(read.image, header, input.masters, name, { cosmic: input.cosmic });
  } catch (error) {
    if (!isFrameProblem(error)) throw error;
    return { skipped: (error as Error).message };
  }
  const h = new FitsHeader(
    header.cards.filter((c) => c.key !== 'CHECKSUM' && c.key !== 'DATASUM').map((c) => ({ ...c })),
  );
  h.set('CALSTAT', result.calstat, 'owb calibration applied');
  if (result.cosmicPixels !== undefined) h.set('CRPIXELS', result.cosmicPixels, 'pixels cleaned by L.A.Cosmic');
  const history = [
    `calibrated by owb with masters from ${input.mastersName}`,
    ...(input.masters.bias ? ['  master_bias.fits'] : []),
    ...(result.matchedDarkSec !== undefined
      ? [`  master dark at ${result.matchedDarkSec} s (matched exposure)`]
      : input.masters.dark
        ? ['  master_dark.fits (scaled by exposure)']
        : []),
    ...(result.flatFilter !== undefined ? [`  master flat ${result.flatFilter || '(no filter)'}`] : []),
  ];
  await writeFitsImage(input.outPath, result.image, { header: h, history });
  return { output: input.outPath, cosmicPixels: result.cosmicPixels };
}
