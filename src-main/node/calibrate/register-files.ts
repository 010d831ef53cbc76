/**
 * Registering FITS frames onto a reference (`owb register`, `owb stack --register`): one `register-frame`
 * worker task per frame reads it, finds its stars, matches them to the reference (shared memory) and
 * writes the resampled frame; frames that cannot be read or registered are skipped with a reason.
 * Memory holds the reference and one frame per worker.
 */
import { basename, join } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import {
  IDENTITY,
  findStars,
  resampleAffine,
  summariseAffine,
  type Affine,
  type RegisterOptions,
  type ResampleMethod,
  type StarList,
} from '../../../src-workers/core/register/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import { derivedHeader } from './headers.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { sharedImage, withPool } from './shared.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

/** One entry of transforms.json. */
export type TransformEntry =
  | {
      file: string;
      matrix: [[number, number, number], [number, number, number]];
      dx: number;
      dy: number;
      rotation_deg: number;
      scale: number;
      matched: number;
      rms_px: number | null;
      method: 'reference' | 'stars' | 'phase';
      output?: string;
    }
  | { file: string; skipped: string };

export interface RegisterFilesOptions extends RegisterOptions {
  /** Reference file [the first file that can be read and has stars]. */
  reference?: string;
  /** Output folder for registered frames; omitted → transforms only. */
  outDir?: string;
  resample?: ResampleMethod;
  /** Pool to run on; a private one of `threads` workers otherwise. */
  pool?: WorkerPool;
  threads?: number;
  onProgress?: (done: number, total: number, name: string) => void;
}

export interface RegisterFilesResult {
  reference: string;
  entries: TransformEntry[];
}

interface Loaded {
  image: Image;
  header: FitsHeader;
  stars: StarList;
}

async function load(path: string, options: RegisterOptions): Promise<Loaded> {
  const { image, header } = await readFitsImage(path);
  return { image, header, stars: findStars(image, options) };
}

function entryFor(
  file: string,
  t: Affine,
  method: 'reference' | 'stars' | 'phase',
  matched: number,
  rmsPx: number,
): TransformEntry {
  const s = summariseAffine(t);
  return {
    file,
    matrix: [
      [t.a, t.b, t.tx],
      [t.c, t.d, t.ty],
    ],
    dx: s.dx,
    dy: s.dy,
    rotation_deg: s.rotationDeg,
    scale: s.scale,
    matched,
    rms_px: Number.isFinite(rmsPx) ? rmsPx : null,
    method,
  };
}

/** Skippable per-frame problems: bad input files, not bugs. */
export function isFrameProblem(error: unknown): boolean {
  if (error instanceof InputError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** Registers `files` and optionally writes the resampled frames; never throws for a bad frame. */
export async function registerFiles(
  files: readonly string[],
  options: RegisterFilesOptions = {},
): Promise<RegisterFilesResult> {
  if (files.length === 0) throw new InputError('NO_FRAMES', 'no frames to register');
  if (options.outDir) makeDirs(options.outDir);
  const skipped = new Map<string, string>();
  let refPath = options.reference;
  let ref: Loaded | undefined;
  if (refPath) {
    ref = await load(refPath, options); // a bad explicit reference is the user's error: let it throw
    if (ref.stars.count < 3)
      throw new InputError('REF_NO_STARS', `${basename(refPath)}: reference has only ${ref.stars.count} stars`);
  } else {
    for (const f of files) {
      try {
        const l = await load(f, options);
        if (l.stars.count >= 3) {
          ref = l;
          refPath = f;
          break;
        }
        skipped.set(f, `only ${l.stars.count} stars found`);
      } catch (error) {
        if (!isFrameProblem(error)) throw error;
        skipped.set(f, (error as Error).message);
      }
    }
  }
  if (!ref || !refPath)
    throw new InputError('NO_REFERENCE', 'no frame can serve as reference (none could be read with at least 3 stars)');
  const entries: TransformEntry[] = [];
  const write = async (
    file: string,
    image: Image,
    header: FitsHeader,
    t: Affine,
    entry: TransformEntry,
  ): Promise<void> => {
    if (!options.outDir || !('matrix' in entry)) return;
    const out = join(options.outDir, basename(file).replace(/\.(fits?|fts)(\.gz|\.fz)?$/i, '') + '.fits');
    const h = derivedHeader(header);
    h.set('REGREF', basename(refPath as string), 'registration reference');
    h.set('REGMETH', entry.method, 'registration method');
    const resampled =
      entry.method === 'reference' ? image : resampleAffine(image, t, { method: options.resample ?? 'lanczos3' });
    await writeFitsImage(out, resampled, {
      header: h,
      history: [
        `registered by owb onto ${basename(refPath as string)}`,
        `matrix ${[t.a, t.b, t.tx, t.c, t.d, t.ty].map((v) => v.toPrecision(8)).join(' ')}`,
      ],
    });
    entry.output = out;
  };
  const reference = {
    name: basename(refPath),
    ...sharedImage(ref.image),
    stars: {
      x: Float64Array.from(ref.stars.x),
      y: Float64Array.from(ref.stars.y),
      flux: Float64Array.from(ref.stars.flux),
      count: ref.stars.count,
    },
  };
  let done = 0;
  const tick = (name: string): void => options.onProgress?.(++done, files.length, name);
  const refEntry = entryFor(refPath, IDENTITY, 'reference', ref.stars.count, 0);
  await write(refPath, ref.image, ref.header, IDENTITY, refEntry);
  const outPath = (file: string): string | undefined =>
    options.outDir
      ? join(options.outDir, basename(file).replace(/\.(fits?|fts)(\.gz|\.fz)?$/i, '') + '.fits')
      : undefined;
  const results = await withPool(options.pool, options.threads, (pool) =>
    Promise.all(
      files.map(async (file): Promise<TransformEntry> => {
        const name = basename(file);
        if (file === refPath) {
          tick(name);
          return refEntry;
        }
        const early = skipped.get(file);
        if (early) {
          tick(name);
          return { file, skipped: early };
        }
        const r = await pool.run('register-frame', {
          path: file,
          outPath: outPath(file),
          reference,
          model: options.model,
          resample: options.resample,
        });
        tick(name);
        if (!r.ok) return { file, skipped: r.reason };
        const e = entryFor(file, r.transform, r.method, r.matched, r.rmsPx);
        if ('matrix' in e && r.output) e.output = r.output;
        return e;
      }),
    ),
  );
  entries.push(...results);
  return { reference: refPath, entries };
}

/** Writes transforms.json: {"reference": file, "transforms": [...]}. */
export async function writeTransformsJson(path: string, result: RegisterFilesResult): Promise<void> {
  await writeFileAtomic(
    path,
    `${JSON.stringify({ reference: result.reference, transforms: result.entries }, null, 2)}\n`,
  );
}
