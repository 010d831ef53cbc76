/**
 * Combining whole bands of N frames pixel by pixel with `combineValues`, reusing one scratch buffer
 * (no per-pixel allocation). The Node side streams row bands of N files through `combineBand`, so
 * memory stays bounded by N × band rows × width.
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/index.js';
import {
  combineSorted,
  combineValues,
  createCombineScratch,
  resolveCombine,
  type CombineOptions,
  type CombineScratch,
  type ResolvedCombine,
} from './combine.js';
import { medianBandSimd } from './median-kernel.js';

/** Optional per-pixel outputs and per-frame weights of a band combine. */
export interface BandExtras {
  /** Per-frame weights for the mean of kept values (length N). */
  weights?: ArrayLike<number>;
  /** Receives, per pixel, how many finite values were rejected. */
  rejected?: Uint16Array | Float32Array;
  /** Receives, per pixel, how many values were combined (after rejection). */
  coverage?: Uint16Array | Float32Array;
}

/**
 * Combines N equally long pixel bands into `out` (same length). Values are read as given, so callers
 * normalise or calibrate the bands first.
 */
export function combineBand(
  bands: readonly Float32Array[],
  options: ResolvedCombine,
  out: Float32Array,
  extras: BandExtras = {},
): void {
  const n = bands.length;
  const length = out.length;
  const scratch = createCombineScratch(n);
  const { weights, rejected, coverage } = extras;
  if (weights) {
    const values = new Float64Array(n);
    for (let i = 0; i < length; i++) {
      for (let k = 0; k < n; k++) values[k] = bands[k][i];
      out[i] = combineValues(values, n, options, scratch, weights);
      if (rejected) rejected[i] = scratch.rejected;
      if (coverage) coverage[i] = scratch.used;
    }
    return;
  }
  if (options.method === 'mean') {
    for (let i = 0; i < length; i++) {
      let sum = 0;
      let m = 0;
      for (let k = 0; k < n; k++) {
        const v = bands[k][i];
        if (v === v) {
          sum += v;
          m++;
        }
      }
      out[i] = m ? sum / m : Number.NaN;
      if (rejected) rejected[i] = 0;
      if (coverage) coverage[i] = m;
    }
    return;
  }
  // Plain medians: the SIMD comparator network (same values), NaN-holding chunks by the gather below.
  if (options.method === 'median' && !rejected && !coverage) {
    const scalar = (start: number, end: number): void => gatherSorted(bands, options, out, start, end, scratch, extras);
    if (medianBandSimd(bands, out, scalar)) return;
  }
  gatherSorted(bands, options, out, 0, length, scratch, extras);
}

/** Unweighted: inserts each finite value in order while gathering (one pass, no second copy). */
function gatherSorted(
  bands: readonly Float32Array[],
  options: ResolvedCombine,
  out: Float32Array,
  start: number,
  end: number,
  scratch: CombineScratch,
  { rejected, coverage }: BandExtras,
): void {
  const n = bands.length;
  const s = scratch.sorted;
  for (let i = start; i < end; i++) {
    let m = 0;
    for (let k = 0; k < n; k++) {
      const v = bands[k][i];
      if (!(v === v)) continue;
      let j = m - 1;
      while (j >= 0 && s[j] > v) {
        s[j + 1] = s[j];
        j--;
      }
      s[j + 1] = v;
      m++;
    }
    out[i] = combineSorted(m, options, scratch);
    if (rejected) rejected[i] = scratch.rejected;
    if (coverage) coverage[i] = scratch.used;
  }
}

/**
 * Combines whole in-memory images (same size, else `InputError` naming the index). For large sets
 * prefer the streaming combine in `src-main/node/calibrate`.
 */
export function combineImages(images: readonly Image[], options: CombineOptions = {}): Image {
  if (images.length === 0) throw new InputError('NO_FRAMES', 'nothing to combine: no frames given');
  const { width, height } = images[0];
  images.forEach((im, i) => {
    if (im.width !== width || im.height !== height) {
      throw new InputError('SIZE_MISMATCH', `frame ${i} is ${im.width}×${im.height}, expected ${width}×${height}`);
    }
  });
  const out = new Float32Array(width * height);
  combineBand(
    images.map((im) => im.data),
    resolveCombine(options),
    out,
  );
  return { width, height, data: out };
}
