import { basename } from 'node:path';
import { firstImageHdu, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { JobFailure } from './job-failure.js';

/** Throws a non-retryable `JobFailure` naming the file and what is wrong when `path` has no readable image. */
export async function requireReadable(path: string): Promise<void> {
  let problem: { code: string; message: string } | undefined;
  try {
    const { hdus } = await readFitsStructure(path);
    const h = hdus[firstImageHdu(hdus)];
    if (!h || h.kind !== 'image' || h.naxis.length < 2)
      problem = { code: 'NO_IMAGE', message: `${basename(path)}: has no image HDU` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    problem = {
      code: typeof code === 'string' && code ? code : 'CORRUPT_INPUT',
      message: error instanceof Error ? error.message : String(error),
    };
  }
  if (problem) throw new JobFailure(problem.code, `${path}: corrupt input, not processed: ${problem.message}`, false);
}
