import { createImage, type Image } from '../image/image.js';

/**
 * Separable Gaussian convolution of standard deviation `sigmaPx`, truncated at ±4σ. NaN pixels are
 * skipped and the kernel renormalised over the valid ones, so a masked pixel does not spread a hole;
 * pixels with no valid neighbour stay NaN. Returns a new image (the input is not modified).
 */
export function gaussianBlur(image: Image, sigmaPx: number): Image {
  const { width, height } = image;
  if (!(sigmaPx > 0)) return { width, height, data: new Float32Array(image.data) };
  const half = Math.max(1, Math.ceil(4 * sigmaPx));
  const kernel = new Float64Array(2 * half + 1);
  for (let i = -half; i <= half; i++) kernel[i + half] = Math.exp((-i * i) / (2 * sigmaPx * sigmaPx));
  const tmp = new Float32Array(width * height);
  const out = createImage(width, height);
  // Rows.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let weight = 0;
      const lo = Math.max(-half, -x);
      const hi = Math.min(half, width - 1 - x);
      for (let k = lo; k <= hi; k++) {
        const v = image.data[row + x + k];
        if (v === v) {
          const w = kernel[k + half];
          sum += w * v;
          weight += w;
        }
      }
      tmp[row + x] = weight > 0 ? sum / weight : Number.NaN;
    }
  }
  // Columns, walking rows in the inner loop order that keeps memory access sequential.
  const sums = new Float64Array(width);
  const weights = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    sums.fill(0);
    weights.fill(0);
    const lo = Math.max(-half, -y);
    const hi = Math.min(half, height - 1 - y);
    for (let k = lo; k <= hi; k++) {
      const w = kernel[k + half];
      const row = (y + k) * width;
      for (let x = 0; x < width; x++) {
        const v = tmp[row + x];
        if (v === v) {
          sums[x] += w * v;
          weights[x] += w;
        }
      }
    }
    const row = y * width;
    for (let x = 0; x < width; x++) out.data[row + x] = weights[x] > 0 ? sums[x] / weights[x] : Number.NaN;
  }
  return out;
}
