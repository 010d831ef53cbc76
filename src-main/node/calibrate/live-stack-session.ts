/**
 * Live stacking of a watched folder: the first frame with stars becomes the reference; each new frame is
 * registered onto it, resampled, matched in background (additive) and added to a running `LiveStack`
 * without recomputing earlier frames. `snapshot` writes the current stack and its coverage map.
 * Frames that cannot be read or registered are reported and left out.
 */
import { basename } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { FitsHeader } from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import {
  findStars,
  registerFrame,
  resampleAffine,
  type Affine,
  type StarList,
} from '../../../src-workers/core/register/index.js';
import { robustStats } from '../../../src-workers/core/calibrate/index.js';
import { createLiveStack, type LiveStack, type LiveStackOptions } from '../../../src-workers/core/stack/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { isFrameProblem } from './register-files.js';

/** What happened to one added frame. */
export type LiveAddResult =
  | { file: string; added: true; reference: boolean; transform: Affine; rejectedPixels: number }
  | { file: string; added: false; reason: string };

export interface LiveStackSession {
  /** Frames added so far. */
  readonly frames: number;
  /** Registers and adds one FITS frame. */
  add(path: string): Promise<LiveAddResult>;
  /** Current mean (NaN where nothing covers). */
  current(): Image | undefined;
  /** Writes the current stack (NCOMBINE, inputs in HISTORY) and FILE_coverage.fits. */
  snapshot(outPath: string): Promise<void>;
}

/** Starts a live stack; `options.kappa` enables online rejection (see `createLiveStack`). */
export function createLiveStackSession(options: LiveStackOptions = {}): LiveStackSession {
  let ref: { image: Image; stars: StarList; background: number; name: string; header: FitsHeader } | undefined;
  let stack: LiveStack | undefined;
  const inputs: string[] = [];
  return {
    get frames() {
      return stack?.frames ?? 0;
    },
    async add(path) {
      const file = path;
      let image: Image;
      let header: FitsHeader;
      try {
        ({ image, header } = await readFitsImage(path));
      } catch (error) {
        if (!isFrameProblem(error)) throw error;
        return { file, added: false, reason: (error as Error).message };
      }
      const stars = findStars(image);
      if (!ref) {
        if (stars.count < 3)
          return {
            file,
            added: false,
            reason: `${basename(path)}: only ${stars.count} stars, cannot serve as reference`,
          };
        ref = { image, stars, background: robustStats(image.data).median, name: basename(path), header };
        stack = createLiveStack(image.width, image.height, options);
        stack.add(image);
        inputs.push(path);
        return {
          file,
          added: true,
          reference: true,
          transform: { a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 },
          rejectedPixels: 0,
        };
      }
      const r = registerFrame(ref, { image, stars });
      if (!r.ok) return { file, added: false, reason: `${basename(path)}: ${r.reason}` };
      const warped = resampleAffine(image, r.transform);
      const offset = ref.background - robustStats(warped.data).median;
      for (let i = 0; i < warped.data.length; i++) warped.data[i] += offset;
      const rejectedPixels = (stack as LiveStack).add(warped);
      inputs.push(path);
      return { file, added: true, reference: false, transform: r.transform, rejectedPixels };
    },
    current() {
      return stack?.mean();
    },
    async snapshot(outPath) {
      if (!stack || !ref) throw new InputError('NO_FRAMES', 'the live stack has no frame yet');
      const header = new FitsHeader(ref.header.cards.filter((c) => c.key !== 'CHECKSUM' && c.key !== 'DATASUM'));
      header.set('IMAGETYP', 'Live stack', 'owb live stack');
      header.set('NCOMBINE', stack.frames, 'frames combined');
      header.set('STACKMTH', options.kappa !== undefined ? `mean, online ${options.kappa}-sigma rejection` : 'mean');
      await writeFitsImage(outPath, stack.mean(), {
        header,
        history: [
          `live stack of ${inputs.length} frame(s) with owb:`,
          ...inputs.map((p) => `  ${basename(p)}`.slice(0, 70)),
        ],
      });
      const coverage = outPath.replace(/(\.fits?)?$/i, '_coverage.fits');
      await writeFitsImage(coverage, stack.coverage(), {
        bitpix: 16,
        header: { IMAGETYP: 'Coverage', NCOMBINE: stack.frames },
      });
    },
  };
}
