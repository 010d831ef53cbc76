import type { Image } from '../image/image.js';

/**
 * Separable Gaussian convolution with SciPy's `gaussian_filter` conventions: kernel truncated at
 * `truncate`·σ [4] (radius `⌊truncate·σ + 0.5⌋`), weights normalised to sum 1, `reflect` boundary
 * (d c b a | a b c d | d c b a). σ ≤ 0 returns a copy. Does not modify `image`.
 */
export function gaussianBlur(image: Image, sigmaPx: number, truncate = 4): Image {
  const out = new Float32Array(image.data.length);
  blurInto(image.data, image.width, image.height, sigmaPx, out, truncate);
  return { width: image.width, height: image.height, data: out };
}

/**
 * The buffer form of `gaussianBlur`: convolves the row-major `src` (`width`×`height`) into `out`
 * (which may be `src` itself). σ ≤ 0 copies.
 */
export function blurInto(
  src: ArrayLike<number>,
  width: number,
  height: number,
  sigmaPx: number,
  out: Float32Array | Float64Array,
  truncate = 4,
): void {
  if (!(sigmaPx > 0)) {
    if (out !== src) for (let i = 0; i < width * height; i++) out[i] = src[i];
    return;
  }
  const radius = Math.max(1, Math.floor(truncate * sigmaPx + 0.5));
  const kernel = gaussianKernel(sigmaPx, radius);
  const tmp = new Float64Array(width * height);
  const rowUsed = new Uint8Array(height);
  const pad = new Float64Array(width + 2 * radius);
  const xIndex = reflectIndex(width, radius);
  const k0 = kernel[radius];
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let any = false;
    for (let p = 0; p < pad.length; p++) {
      const v = src[row + xIndex[p]];
      pad[p] = v;
      if (v !== 0) any = true;
    }
    // Rows that are all zero (most of an arc image) stay zero and are skipped below.
    if (!any) continue;
    rowUsed[y] = 1;
    for (let x = 0; x < width; x++) {
      const c = x + radius;
      let acc = k0 * pad[c];
      for (let k = 1; k <= radius; k++) acc += kernel[radius + k] * (pad[c - k] + pad[c + k]);
      tmp[row + x] = acc;
    }
  }
  const yIndex = reflectIndex(height, radius);
  const acc = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let k = 0; k <= 2 * radius; k++) {
      const sy = yIndex[y + k];
      if (!rowUsed[sy]) continue;
      const from = sy * width;
      const w = kernel[k];
      for (let x = 0; x < width; x++) acc[x] += w * tmp[from + x];
    }
    out.set(acc, y * width);
  }
}

/** Normalised Gaussian weights at offsets −radius … radius. */
export function gaussianKernel(sigmaPx: number, radius: number): Float64Array {
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp((-0.5 * k * k) / (sigmaPx * sigmaPx));
    kernel[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= sum;
  return kernel;
}

/** Source index of padded position p (p − radius in the image), reflecting about the edges as SciPy does. */
function reflectIndex(n: number, radius: number): Int32Array {
  const map = new Int32Array(n + 2 * radius);
  const period = 2 * n;
  for (let p = 0; p < map.length; p++) {
    const i = (((p - radius) % period) + period) % period;
    map[p] = i < n ? i : period - i - 1;
  }
  return map;
}
