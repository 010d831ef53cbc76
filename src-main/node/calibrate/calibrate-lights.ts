/**
 * Calibrating light frames with the masters found in a folder (`owb calibrate`): bias, exposure-scaled
 * dark, per-filter flat, bad-pixel interpolation and optional L.A.Cosmic. Each light is handled on its
 * own; one that cannot be calibrated is skipped with a reason and the batch goes on.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { applyMasters, badPixelMap, frameInfo, type Masters } from '../../../src-workers/core/calibrate/index.js';
import { laCosmic } from '../../../src-workers/core/cosmic/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { derivedHeader } from './headers.js';

/** Masters loaded from a folder written by `owb masters`. */
export interface MasterSet {
  dir: string;
  bias?: Image;
  dark?: Image;
  darkExposureSec?: number;
  /** Whether the dark had the bias removed (else it carries the bias and is not scaled). */
  darkBiasSubtracted: boolean;
  /** Flats by FILTER ('' for a flat without filter). */
  flats: Map<string, Image>;
  width: number;
  height: number;
}

/** Loads master_bias/master_dark/master_flat*.fits from `dir`; throws when none is there or sizes differ. */
export async function loadMasters(dir: string): Promise<MasterSet> {
  if (!existsSync(dir)) throw new InputError('NO_MASTERS', `${dir}: masters folder does not exist`);
  const set: MasterSet = { dir, darkBiasSubtracted: true, flats: new Map(), width: 0, height: 0 };
  const take = (name: string, image: Image): void => {
    if (set.width === 0) {
      set.width = image.width;
      set.height = image.height;
    } else if (image.width !== set.width || image.height !== set.height) {
      throw new InputError('FRAME_MISMATCH', `${name}: ${image.width}×${image.height} differs from the other masters (${set.width}×${set.height})`);
    }
  };
  const biasPath = join(dir, 'master_bias.fits');
  if (existsSync(biasPath)) {
    const { image } = await readFitsImage(biasPath);
    take('master_bias.fits', image);
    set.bias = image;
  }
  const darkPath = join(dir, 'master_dark.fits');
  if (existsSync(darkPath)) {
    const { image, header } = await readFitsImage(darkPath);
    take('master_dark.fits', image);
    set.dark = image;
    set.darkExposureSec = frameInfo(header).exposureSec;
    set.darkBiasSubtracted = header.get('BIASSUB') !== false;
  }
  for (const name of readdirSync(dir).sort()) {
    const m = /^master_flat(?:_(.+))?\.fits$/.exec(name);
    if (!m) continue;
    const { image, header } = await readFitsImage(join(dir, name));
    take(name, image);
    set.flats.set(frameInfo(header).filter ?? m[1] ?? '', image);
  }
  if (!set.bias && !set.dark && set.flats.size === 0) {
    throw new InputError('NO_MASTERS', `${dir}: holds no master_bias.fits, master_dark.fits or master_flat*.fits`);
  }
  return set;
}

/** Picks the flat for `filter`: exact match, else the unfiltered flat, else the only flat. */
export function flatFor(set: MasterSet, filter: string | undefined): Image | undefined {
  if (filter !== undefined && set.flats.has(filter)) return set.flats.get(filter);
  if (set.flats.has('')) return set.flats.get('');
  if (set.flats.size === 1) return [...set.flats.values()][0];
  return undefined;
}

export interface CalibrateOptions {
  cosmic?: boolean;
  /** Bad-pixel maps are built from the masters and cached per flat. */
  badPixels?: boolean;
}

export interface CalibratedFrame {
  input: string;
  output?: string;
  skipped?: string;
  cosmicPixels?: number;
}

/** Calibrates one light in memory; returns the image, its new header and cosmic-ray count. */
export function calibrateImage(
  image: Image,
  header: FitsHeader,
  set: MasterSet,
  name: string,
  options: CalibrateOptions,
  badCache: Map<Image | undefined, Uint8Array>,
): { image: Image; header: FitsHeader; cosmicPixels?: number } {
  if (set.width && (image.width !== set.width || image.height !== set.height)) {
    throw new InputError('FRAME_MISMATCH', `${name}: ${image.width}×${image.height} does not match the masters (${set.width}×${set.height})`);
  }
  const info = frameInfo(header);
  const flat = flatFor(set, info.filter);
  let bad = badCache.get(flat);
  if (!bad && options.badPixels !== false) {
    bad = badPixelMap(set.dark, flat);
    badCache.set(flat, bad);
  }
  const masters: Masters = {
    bias: set.bias,
    dark: set.dark,
    darkExposureSec: set.darkBiasSubtracted ? set.darkExposureSec : undefined,
    flat,
    badPixels: bad && bad.length ? bad : undefined,
  };
  let out = applyMasters(image, masters, { exposureSec: info.exposureSec });
  const h = derivedHeader(header);
  h.set('CALSTAT', [set.bias ? 'B' : '', set.dark ? 'D' : '', flat ? 'F' : ''].join(''), 'owb calibration applied');
  let cosmicPixels: number | undefined;
  if (options.cosmic) {
    const gain = info.gainEPerAdu ?? 1;
    const saturate = header.getNumber('SATURATE');
    const r = laCosmic(out, {
      gainEPerAdu: gain,
      readNoiseE: header.getNumber('RDNOISE') ?? 6.5,
      saturationE: saturate !== undefined ? saturate * gain : undefined,
    });
    out = r.clean;
    cosmicPixels = r.count;
    h.set('CRPIXELS', r.count, 'pixels cleaned by L.A.Cosmic');
  }
  return { image: out, header: h, cosmicPixels };
}

/** Calibrates `lights` into `outDir` (same base names); failures are reported per frame, not thrown. */
export async function calibrateFiles(
  lights: readonly string[],
  set: MasterSet,
  outDir: string,
  options: CalibrateOptions = {},
  onProgress?: (done: number, total: number, name: string) => void,
): Promise<CalibratedFrame[]> {
  const results: CalibratedFrame[] = [];
  const badCache = new Map<Image | undefined, Uint8Array>();
  mkdirSync(outDir, { recursive: true });
  for (let i = 0; i < lights.length; i++) {
    const path = lights[i];
    const name = basename(path);
    let r: ReturnType<typeof calibrateImage>;
    try {
      const { image, header } = await readFitsImage(path);
      r = calibrateImage(image, header, set, name, options, badCache);
    } catch (error) {
      if (!(error instanceof InputError) && !isFileError(error)) throw error;
      results.push({ input: path, skipped: (error as Error).message });
      onProgress?.(i + 1, lights.length, name);
      continue;
    }
    const output = join(outDir, name.replace(/\.(fits?|fts)(\.gz|\.fz)?$/i, '') + '.fits');
    const history = [
      `calibrated by owb with masters from ${basename(set.dir)}`,
      ...(set.bias ? ['  master_bias.fits'] : []),
      ...(set.dark ? ['  master_dark.fits'] : []),
    ];
    await writeFitsImage(output, r.image, { header: r.header, history });
    results.push({ input: path, output, cosmicPixels: r.cosmicPixels });
    onProgress?.(i + 1, lights.length, name);
  }
  return results;
}

function isFileError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
