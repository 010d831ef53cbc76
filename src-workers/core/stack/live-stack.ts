/**
 * Live stacking for the watched-folder mode: registered frames are added one at a time to running
 * per-pixel sums, so the current mean and coverage are available at any moment without recomputing
 * from all frames. With `kappa`, a value farther than kappa·σ from the running mean (once `minFrames`
 * frames cover the pixel) is rejected — an online approximation of sigma clipping (Welford's running
 * variance, 1962).
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/index.js';

export interface LiveStackOptions {
  /** Online rejection threshold in sigmas [off]. */
  kappa?: number;
  /** Frames needed at a pixel before rejection starts [3]. */
  minFrames?: number;
}

/** A running stack; holds its own sums (it never touches the frames it is given). */
export interface LiveStack {
  readonly width: number;
  readonly height: number;
  /** Frames added. */
  readonly frames: number;
  /** Adds a registered, normalised frame with a weight [1]; NaN pixels are skipped. Returns pixels rejected. */
  add(frame: Image, weight?: number): number;
  /** The current weighted mean (NaN where no frame covers). */
  mean(): Image;
  /** Frames contributing at each pixel. */
  coverage(): Image;
  /** Values rejected at each pixel so far. */
  rejected(): Image;
}

/** Creates an empty live stack of `width`×`height`. */
export function createLiveStack(width: number, height: number, options: LiveStackOptions = {}): LiveStack {
  const n = width * height;
  const wsum = new Float64Array(n);
  const mean = new Float64Array(n);
  const m2 = new Float64Array(n);
  const count = new Uint32Array(n);
  const rejected = new Uint32Array(n);
  const kappa = options.kappa;
  const minFrames = options.minFrames ?? 3;
  let frames = 0;
  return {
    width,
    height,
    get frames() {
      return frames;
    },
    add(frame: Image, weight = 1): number {
      if (frame.width !== width || frame.height !== height) {
        throw new InputError(
          'FRAME_MISMATCH',
          `frame is ${frame.width}×${frame.height}, the live stack ${width}×${height}`,
        );
      }
      if (!(weight > 0))
        throw new InputError('BAD_PARAMETER', `'weight' must be a positive finite number, got ${weight}`);
      let rej = 0;
      const d = frame.data;
      for (let i = 0; i < n; i++) {
        const v = d[i];
        if (!(v === v)) continue;
        if (kappa !== undefined && count[i] >= minFrames) {
          const sigma = Math.sqrt(m2[i] / wsum[i]);
          if (sigma > 0 && Math.abs(v - mean[i]) > kappa * sigma) {
            rejected[i]++;
            rej++;
            continue;
          }
        }
        // West (1979) weighted incremental mean and variance.
        const w1 = wsum[i] + weight;
        const delta = v - mean[i];
        const r = (delta * weight) / w1;
        mean[i] += r;
        m2[i] += wsum[i] * delta * r;
        wsum[i] = w1;
        count[i]++;
      }
      frames++;
      return rej;
    },
    mean(): Image {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = count[i] ? mean[i] : Number.NaN;
      return { width, height, data: out };
    },
    coverage(): Image {
      return { width, height, data: Float32Array.from(count) };
    },
    rejected(): Image {
      return { width, height, data: Float32Array.from(rejected) };
    },
  };
}
