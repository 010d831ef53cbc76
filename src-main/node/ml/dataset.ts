import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { normalizeStamp, type StampSet } from '../../../src-workers/ml/index.js';
import { readStampFile, shownPath } from './stamp-files.js';

/** The two tasks and their class folders: [label 0, label 1]. */
export const taskClasses = {
  realbogus: ['bogus', 'real'],
  lens: ['nonlens', 'lens'],
} as const satisfies Record<string, readonly [string, string]>;
export type MlTask = keyof typeof taskClasses;

export function isTask(value: string): value is MlTask {
  return Object.hasOwn(taskClasses, value);
}

/** A labelled dataset loaded from a folder, normalised and ready for training. */
export interface LoadedDataset {
  set: StampSet;
  /** File of each sample, relative to the data folder. */
  files: string[];
  /** Sample indices that the folder itself marks as held out (`test/` of the synth layout), else empty. */
  presetTest: number[];
  /** SHA-256 over (relative path, label, file bytes) of every sample in order. */
  hash: string;
  counts: { [label: string]: number };
  layout: 'classes' | 'train-test' | 'stamps' | 'catalog';
}

const stampExtensions = /\.(fits?|fts|fz|png)(\.gz)?$/i;

/**
 * The labelled files of DIR: `DIR/<class>/…` (class folders of the task), the synth generator's
 * `DIR/train/<class>/` and `DIR/test/<class>/` (test is then the held-out split), or the injection
 * layout `DIR/stamps/<class>/`. Files are sorted by name so the order (and hash) is stable. Hidden
 * files are skipped; any other file in a class folder must be a readable stamp.
 */
export function listLabelledFiles(
  dir: string,
  task: MlTask,
): { files: { path: string; label: 0 | 1; test: boolean }[]; layout: LoadedDataset['layout'] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError('DATA_NOT_FOLDER', `${dir}: not a folder`);
  const classes = taskClasses[task];
  const collect = (root: string, test: boolean): { path: string; label: 0 | 1; test: boolean }[] =>
    classes.flatMap((cls, label) => {
      const folder = join(root, cls);
      if (!existsSync(folder)) return [];
      return listFiles(folder).map((path) => ({ path, label: label as 0 | 1, test }));
    });
  let layout: LoadedDataset['layout'] = 'classes';
  let files = collect(dir, false);
  if (files.length === 0 && existsSync(join(dir, 'train'))) {
    layout = 'train-test';
    files = [...collect(join(dir, 'train'), false), ...collect(join(dir, 'test'), true)];
  } else if (files.length === 0 && existsSync(join(dir, 'stamps'))) {
    layout = 'stamps';
    files = collect(join(dir, 'stamps'), false);
  }
  if (files.length === 0)
    throw new InputError(
      'DATA_EMPTY',
      `${dir}: no stamps in ${classes.map((c) => `${c}/`).join(' or ')} (nor train/, test/ or stamps/ with them)`,
    );
  for (const [label, cls] of classes.entries())
    if (!files.some((f) => f.label === label))
      throw new InputError('DATA_ONE_CLASS', `${dir}: no stamps of class '${cls}', both classes are needed`);
  return { files, layout };
}

function listFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(folder, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Stamp files under DIR for scoring (any layout; no labels needed), sorted. */
export function listStampFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError('DATA_NOT_FOLDER', `${dir}: not a folder`);
  const files = listFiles(dir).filter((f) => stampExtensions.test(f));
  if (files.length === 0) throw new InputError('DATA_EMPTY', `${dir}: no FITS or PNG stamps`);
  return files;
}

/**
 * Reads and normalises stamps into one shared buffer. Every stamp must have the shape of the first
 * (or `expect`, a model's input), and realbogus stamps 3 planes (science, reference, difference).
 */
export async function readStamps(
  root: string,
  paths: readonly string[],
  task: MlTask,
  expect?: { channels: number; height: number; width: number },
  onProgress?: (done: number, total: number) => void,
): Promise<{ set: Omit<StampSet, 'labels'>; hashes: string[]; files: string[] }> {
  let shape = expect;
  let data: Float32Array | undefined;
  const hashes: string[] = [];
  const files: string[] = [];
  for (const [k, path] of paths.entries()) {
    const shown = shownPath(root, path);
    const s = await readStampFile(path, shown);
    if (task === 'realbogus' && s.channels !== 3)
      throw new InputError(
        'STAMP_SHAPE',
        `${shown}: a real/bogus stamp is a cube of 3 planes (science, reference, difference); it has ${s.channels}`,
      );
    shape ??= { channels: s.channels, height: s.height, width: s.width };
    if (s.channels !== shape.channels || s.height !== shape.height || s.width !== shape.width)
      throw new InputError(
        'STAMP_SHAPE',
        `${shown}: is ${s.width}×${s.height}×${s.channels}, the ${expect ? 'model expects' : 'other stamps are'} ${shape.width}×${shape.height}×${shape.channels}`,
      );
    const size = shape.channels * shape.height * shape.width;
    data ??= new Float32Array(new SharedArrayBuffer(size * paths.length * 4));
    normalizeStamp(s.data, shape.channels, shape.height * shape.width, data.subarray(k * size, (k + 1) * size));
    hashes.push(createHash('sha256').update(s.bytes).digest('hex'));
    files.push(shown);
    onProgress?.(k + 1, paths.length);
  }
  if (!shape || !data) throw new InputError('DATA_EMPTY', `${root}: no stamps`);
  return { set: { ...shape, count: paths.length, data }, hashes, files };
}

/** Loads a labelled folder for `owb train`. */
export async function loadDataset(
  dir: string,
  task: MlTask,
  onProgress?: (done: number, total: number) => void,
): Promise<LoadedDataset> {
  const { files: listed, layout } = listLabelledFiles(dir, task);
  const { set, hashes, files } = await readStamps(
    dir,
    listed.map((f) => f.path),
    task,
    undefined,
    onProgress,
  );
  const labels = Uint8Array.from(listed, (f) => f.label);
  const hash = createHash('sha256');
  listed.forEach((f, i) => hash.update(`${files[i]}\t${f.label}\t${hashes[i]}\n`));
  const classes = taskClasses[task];
  const counts: { [label: string]: number } = { [classes[0]]: 0, [classes[1]]: 0 };
  for (const l of labels) counts[classes[l]]++;
  return {
    set: { ...set, labels },
    files,
    presetTest: listed.flatMap((f, i) => (f.test ? [i] : [])),
    hash: hash.digest('hex'),
    counts,
    layout,
  };
}
