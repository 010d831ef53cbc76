/**
 * Calibrating light frames with the masters found in a folder (`owb calibrate`): bias, exposure-scaled
 * dark, per-filter flat, bad-pixel interpolation and optional L.A.Cosmic, one `calibrate-frame` worker
 * task per light with the masters in shared memory. A light that cannot be calibrated is skipped with
 * a reason and the batch goes on.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { badPixelMap, frameInfo, type MasterLibrary } from '../../../src-workers/core/calibrate/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { sharedBytes, sharedImage, withPool } from './shared.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

/** Masters loaded from a folder, in shared memory for the worker tasks. */
export interface MasterSet extends MasterLibrary {
  dir: string;
}

/**
 * Loads master_bias/master_dark/master_flat*.fits from `dir` and builds the bad-pixel maps; throws
 * when none is there or their sizes differ.
 */
export async function loadMasters(dir: string): Promise<MasterSet> {
  if (!existsSync(dir)) throw new InputError('NO_MASTERS', `${dir}: masters folder does not exist`);
  const set: MasterSet = { dir, darkBiasSubtracted: true, flats: [], width: 0, height: 0 };
  const take = (name: string, image: Image): Image => {
    if (set.width === 0) {
      set.width = image.width;
      set.height = image.height;
    } else if (image.width !== set.width || image.height !== set.height) {
      throw new InputError(
        'FRAME_MISMATCH',
        `${name}: ${image.width}×${image.height} differs from the other masters (${set.width}×${set.height})`,
      );
    }
    return sharedImage(image);
  };
  const biasPath = join(dir, 'master_bias.fits');
  if (existsSync(biasPath)) set.bias = take('master_bias.fits', (await readFitsImage(biasPath)).image);
  const darkPath = join(dir, 'master_dark.fits');
  if (existsSync(darkPath)) {
    const { image, header } = await readFitsImage(darkPath);
    set.dark = take('master_dark.fits', image);
    set.darkExposureSec = frameInfo(header).exposureSec;
    set.darkBiasSubtracted = header.get('BIASSUB') !== false;
  }
  for (const name of readdirSync(dir).sort()) {
    if (!/^master_dark_.+\.fits$/.test(name)) continue;
    const { image, header } = await readFitsImage(join(dir, name));
    const info = frameInfo(header);
    if (info.exposureSec === undefined || header.get('BIASSUB') === false) continue;
    (set.matchedDarks ??= []).push({
      image: take(name, image),
      exposureSec: info.exposureSec,
      ccdTempC: info.ccdTempC,
    });
  }
  for (const name of readdirSync(dir).sort()) {
    const m = /^master_flat(?:_(.+))?\.fits$/.exec(name);
    if (!m) continue;
    const { image, header } = await readFitsImage(join(dir, name));
    const flat = take(name, image);
    set.flats.push({
      filter: frameInfo(header).filter ?? m[1] ?? '',
      image: flat,
      badPixels: sharedBytes(badPixelMap(set.dark, flat)),
    });
  }
  if (set.dark) set.darkBadPixels = sharedBytes(badPixelMap(set.dark, undefined));
  if (!set.bias && !set.dark && set.flats.length === 0) {
    throw new InputError('NO_MASTERS', `${dir}: holds no master_bias.fits, master_dark.fits or master_flat*.fits`);
  }
  return set;
}

export interface CalibrateOptions {
  cosmic?: boolean;
  /** Pool to run on; a private one of `threads` workers otherwise. */
  pool?: WorkerPool;
  threads?: number;
}

export interface CalibratedFrame {
  input: string;
  output?: string;
  skipped?: string;
  cosmicPixels?: number;
}

/**
 * Calibrates `lights` into `outDir` (same base names) on worker threads; unreadable or mismatched
 * lights are reported per frame, not thrown. Results keep the input order.
 */
export async function calibrateFiles(
  lights: readonly string[],
  set: MasterSet,
  outDir: string,
  options: CalibrateOptions = {},
  onProgress?: (done: number, total: number, name: string) => void,
): Promise<CalibratedFrame[]> {
  makeDirs(outDir);
  const { dir, ...masters } = set;
  let done = 0;
  return withPool(options.pool, options.threads, (pool) =>
    Promise.all(
      lights.map(async (path): Promise<CalibratedFrame> => {
        const name = basename(path);
        const outPath = join(outDir, name.replace(/\.(fits?|fts)(\.gz|\.fz)?$/i, '') + '.fits');
        const r = await pool.run('calibrate-frame', {
          path,
          outPath,
          masters,
          mastersName: basename(dir),
          cosmic: Boolean(options.cosmic),
        });
        onProgress?.(++done, lights.length, name);
        return 'skipped' in r
          ? { input: path, skipped: r.skipped }
          : { input: path, output: r.output, cosmicPixels: r.cosmicPixels };
      }),
    ),
  );
}
