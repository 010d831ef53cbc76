/**
 * Pixel levels of a frame: block averages (the server's `binImage`, computed here in a worker for a
 * frame that arrived at full resolution) and the choice of level to draw at a zoom.
 */
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';

/**
 * Block average of `level` by `factor` (NaN pixels ignored; a block of NaN is NaN), as the server's
 * `binImage`: output floor(width / factor) × floor(height / factor), sums accumulated in float32 per
 * block in raster order, binning multiplied by `factor`.
 */
export function blockAverage(level: PixelsDto, factor: number): PixelsDto {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`'factor' must be a positive integer, got ${factor}`);
  if (factor === 1) return level;
  const { width: w, data: src } = level;
  const width = Math.max(1, Math.floor(level.width / factor));
  const height = Math.max(1, Math.floor(level.height / factor));
  const sums = new Float32Array(width * height);
  const counts = new Uint16Array(width * height);
  const rows = Math.min(level.height, height * factor);
  const fround = Math.fround;
  for (let y = 0; y < rows; y++) {
    const row = y * w;
    const out = Math.floor(y / factor) * width;
    for (let o = 0, x = 0; o < width && x < w; o++) {
      let sum = sums[out + o];
      let count = counts[out + o];
      for (let k = 0; k < factor && x < w; k++, x++) {
        const v = src[row + x];
        if (v === v) {
          sum = fround(sum + v);
          count++;
        }
      }
      sums[out + o] = sum;
      counts[out + o] = count;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] = counts[i] ? sums[i] / counts[i] : Number.NaN;
  return { width, height, binning: level.binning * factor, data: sums };
}

/**
 * The level to draw at `zoom` (screen pixels per full-resolution pixel): the coarsest whose texels are
 * at most one screen pixel (cheaper and less aliased), else the finest. ImageStage's rule for its
 * preview, for any number of levels.
 */
export function pickLevel(levels: readonly PixelsDto[], zoom: number): PixelsDto | null {
  let finest: PixelsDto | null = null;
  let coarse: PixelsDto | null = null;
  for (const l of levels) {
    if (!finest || l.binning < finest.binning) finest = l;
    if (zoom * l.binning <= 1 && (!coarse || l.binning > coarse.binning)) coarse = l;
  }
  return coarse ?? finest;
}
