/**
 * Hot and cold pixel maps from master frames, and interpolation over them.
 *
 * Hot pixels: master dark values above median + `hotSigma`·σ (σ from the MAD, robust to the hot pixels
 * themselves). Cold/dead pixels: flat response below `coldFraction` of the 15×15 neighbourhood mean —
 * a local comparison, so vignetting is not mistaken for dead pixels.
 */
import type { Image } from '../image/index.js';
import { robustStats } from './robust.js';

export interface BadPixelOptions {
  /** Dark pixels more than this many robust sigmas above the median are hot [5]. */
  hotSigma?: number;
  /** Flat pixels below this fraction of their 15×15 neighbourhood mean are cold [0.7]. */
  coldFraction?: number;
}

/** Bad-pixel map (1 = bad) from an optional bias-subtracted master dark and an optional normalised flat. */
export function badPixelMap(
  dark: Image | undefined,
  flat: Image | undefined,
  options: BadPixelOptions = {},
): Uint8Array {
  const ref = dark ?? flat;
  if (!ref) return new Uint8Array(0);
  const n = ref.width * ref.height;
  const mask = new Uint8Array(n);
  if (dark) {
    const { median, sigma } = robustStats(dark.data);
    const limit = median + (options.hotSigma ?? 5) * Math.max(sigma, 1e-6);
    for (let i = 0; i < n; i++) if (dark.data[i] > limit) mask[i] = 1;
  }
  if (flat) markCold(flat, options.coldFraction ?? 0.7, mask);
  return mask;
}

function markCold(flat: Image, fraction: number, mask: Uint8Array): void {
  const { width, height, data } = flat;
  // Summed-area tables of finite values and their count: an O(1) 15×15 local mean per pixel.
  const w1 = width + 1;
  const sum = new Float64Array(w1 * (height + 1));
  const cnt = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rs = 0;
    let rc = 0;
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      if (v === v) {
        rs += v;
        rc++;
      }
      sum[(y + 1) * w1 + x + 1] = sum[y * w1 + x + 1] + rs;
      cnt[(y + 1) * w1 + x + 1] = cnt[y * w1 + x + 1] + rc;
    }
  }
  const r = 7;
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = data[i];
      if (!(v === v) || v <= 0) {
        mask[i] = 1;
        continue;
      }
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const s = sum[y1 * w1 + x1] - sum[y0 * w1 + x1] - sum[y1 * w1 + x0] + sum[y0 * w1 + x0];
      const c = cnt[y1 * w1 + x1] - cnt[y0 * w1 + x1] - cnt[y1 * w1 + x0] + cnt[y0 * w1 + x0];
      if (c > 0 && v < (fraction * s) / c) mask[i] = 1;
    }
  }
}

/**
 * Returns a copy of `image` where pixels flagged in `mask` (or NaN) are replaced by the mean of the
 * good pixels in the 3×3 neighbourhood, widening to 5×5 and 7×7 when none is good; NaN if still none.
 */
export function interpolateBadPixels(image: Image, mask: Uint8Array): Image {
  const { width, height } = image;
  const src = image.data;
  const out = new Float32Array(src);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!mask[i] && v === v) continue;
    const x = i % width;
    const y = (i - x) / width;
    let value = Number.NaN;
    for (let r = 1; r <= 3 && !(value === value); r++) {
      let sum = 0;
      let count = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(height - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(width - 1, x + r); xx++) {
          const j = yy * width + xx;
          const w = src[j];
          if (mask[j] || !(w === w)) continue;
          sum += w;
          count++;
        }
      }
      if (count > 0) value = sum / count;
    }
    out[i] = value;
  }
  return { width, height, data: out };
}
