import { deriveSeed } from '../random/rng.js';
import type { SynthConfig } from './config.js';

/** Which split an image belongs to. */
export type Split = 'train' | 'test';

/** Where one image of the dataset goes and how it is drawn. */
export interface SamplePlan {
  /** Global index: training images are 0 … n_train−1, test images follow. */
  readonly index: number;
  readonly split: Split;
  /** Index within its split (used in the file name). */
  readonly splitIndex: number;
  /** 1 = lens, 0 = non-lens. */
  readonly label: 0 | 1;
  /** Per-image seed, `deriveSeed(General.seed, index)`; regenerates this image alone. */
  readonly seed: number;
  /** Path relative to the output folder, with `/` separators, e.g. `train/lens/train_000012.png`. */
  readonly relPath: string;
}

/** File extension of each `Output.image_format`. */
export const IMAGE_EXTENSIONS = { PNG: 'png', JPEG: 'jpg', FITS: 'fits' } as const;

/** Total number of images of a configuration. */
export function sampleCount(config: SynthConfig): number {
  return config.General.n_train + config.General.n_test;
}

/**
 * Label of image `i` of a split of `n` images holding `nLens = round(balance·n)` lenses: the lenses are
 * spread evenly (Bresenham), so the count is exact, any prefix is balanced and no random draw is needed.
 */
export function labelAt(i: number, n: number, balance: number): 0 | 1 {
  const nLens = Math.round(balance * n);
  return Math.floor(((i + 1) * nLens) / n) - Math.floor((i * nLens) / n) > 0 ? 1 : 0;
}

/**
 * The plan of image `index` (global): split, label, seed and relative path. Pure and O(1), so workers plan
 * their own share and results do not depend on how the work is split.
 */
export function planSample(config: SynthConfig, index: number): SamplePlan {
  const { n_train: nTrain, n_test: nTest, balance, seed } = config.General;
  if (!Number.isInteger(index) || index < 0 || index >= nTrain + nTest) {
    throw new RangeError(`image index ${index} is outside 0…${nTrain + nTest - 1}`);
  }
  const split: Split = index < nTrain ? 'train' : 'test';
  const splitIndex = split === 'train' ? index : index - nTrain;
  const label = labelAt(splitIndex, split === 'train' ? nTrain : nTest, balance);
  const out = config.Output;
  const parts: string[] = [];
  if (out.create_split_subdirs) parts.push(split);
  if (out.create_class_subdirs) parts.push(label ? 'lens' : 'nonlens');
  parts.push(`${split}_${String(splitIndex).padStart(6, '0')}.${IMAGE_EXTENSIONS[out.image_format]}`);
  return { index, split, splitIndex, label, seed: deriveSeed(seed, index), relPath: parts.join('/') };
}

/** The folders (relative, `/`-separated) the layout needs; `''` is the output folder itself. */
export function layoutFolders(config: SynthConfig): string[] {
  const splits = config.Output.create_split_subdirs ? ['train', 'test'] : [''];
  const classes = config.Output.create_class_subdirs ? ['lens', 'nonlens'] : [''];
  return splits.flatMap((s) => classes.map((c) => [s, c].filter(Boolean).join('/')));
}
