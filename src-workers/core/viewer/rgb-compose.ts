/**
 * RGB composition of three frames registered by their WCS (DS9's RGB frame) or by their stars: each channel
 * is resampled onto the reference frame's pixel grid through the sky or through the star match's affine
 * transform, then stretched linearly between its own levels.
 */
import { InputError } from '../errors.js';
import { applyAffine, type Affine } from '../register/transform.js';
import type { SkyWcs } from '../wcs/index.js';

/** A raster, possibly block-averaged: pixel i covers full-resolution pixels [i·binning, (i+1)·binning). */
export interface BinnedRaster {
  width: number;
  height: number;
  binning: number;
  data: Float32Array;
}

/**
 * `source` resampled onto the grid of `grid` (its width, height and binning), nearest pixel: the centre of
 * each grid pixel goes through `gridWcs` to the sky and through `sourceWcs` back to a source pixel. Outside
 * the source, or where a WCS does not map, the value is NaN. Both WCSs take 0-based full-resolution pixel
 * centres. Returns a new array; the inputs are not changed.
 */
export function resampleByWcs(
  source: BinnedRaster,
  sourceWcs: SkyWcs,
  grid: { width: number; height: number; binning: number },
  gridWcs: SkyWcs,
): Float32Array {
  for (const [name, b] of [
    ['source.binning', source.binning],
    ['grid.binning', grid.binning],
  ] as const)
    if (!Number.isInteger(b) || b < 1) throw new InputError('BAD_PARAMETER', `'${name}' must be a positive integer`);
  const out = new Float32Array(grid.width * grid.height).fill(Number.NaN);
  const xs = new Float64Array(grid.width);
  const ys = new Float64Array(grid.width);
  for (let j = 0; j < grid.height; j++) {
    // One row at a time through the batched WCS calls.
    for (let i = 0; i < grid.width; i++) {
      xs[i] = (i + 0.5) * grid.binning - 0.5;
      ys[i] = (j + 0.5) * grid.binning - 0.5;
    }
    const sky = gridWcs.pixelsToSky(xs, ys);
    const back = sourceWcs.skyToPixels(sky.ra, sky.dec);
    for (let i = 0; i < grid.width; i++) {
      const si = Math.floor((back.x[i] + 0.5) / source.binning);
      const sj = Math.floor((back.y[i] + 0.5) / source.binning);
      if (si >= 0 && sj >= 0 && si < source.width && sj < source.height)
        out[j * grid.width + i] = source.data[sj * source.width + si];
    }
  }
  return out;
}

/**
 * `source` resampled onto the grid of `grid`, nearest pixel, through `transform` (core/register's `Affine`
 * from the grid frame's full-resolution pixels to the source frame's, as `registerFrame` returns it).
 * Outside the source the value is NaN. Returns a new array; the inputs are not changed.
 */
export function resampleByAffine(
  source: BinnedRaster,
  transform: Affine,
  grid: { width: number; height: number; binning: number },
): Float32Array {
  for (const [name, b] of [
    ['source.binning', source.binning],
    ['grid.binning', grid.binning],
  ] as const)
    if (!Number.isInteger(b) || b < 1) throw new InputError('BAD_PARAMETER', `'${name}' must be a positive integer`);
  const out = new Float32Array(grid.width * grid.height).fill(Number.NaN);
  for (let j = 0; j < grid.height; j++)
    for (let i = 0; i < grid.width; i++) {
      const [x, y] = applyAffine(transform, (i + 0.5) * grid.binning - 0.5, (j + 0.5) * grid.binning - 0.5);
      const si = Math.floor((x + 0.5) / source.binning);
      const sj = Math.floor((y + 0.5) / source.binning);
      if (si >= 0 && sj >= 0 && si < source.width && sj < source.height)
        out[j * grid.width + i] = source.data[sj * source.width + si];
    }
  return out;
}

/** Levels of one channel, in the channel's data units: `lo` maps to 0, `hi` to 255. */
export interface ChannelLevels {
  lo: number;
  hi: number;
}

/**
 * Interleaved RGBA bytes (alpha 255) from three equal-length channels, each stretched linearly between
 * its own levels and clipped; NaN (no data there) is drawn black in that channel.
 */
export function composeRgb(
  channels: readonly [Float32Array, Float32Array, Float32Array],
  levels: readonly [ChannelLevels, ChannelLevels, ChannelLevels],
): Uint8ClampedArray {
  const n = channels[0].length;
  if (channels[1].length !== n || channels[2].length !== n)
    throw new InputError(
      'BAD_PARAMETER',
      `'channels' must have equal lengths, got ${channels.map((c) => c.length).join(', ')}`,
    );
  const out = new Uint8ClampedArray(4 * n);
  for (let c = 0; c < 3; c++) {
    const { lo, hi } = levels[c];
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    const data = channels[c];
    for (let i = 0; i < n; i++) {
      const v = data[i];
      out[4 * i + c] = v === v ? Math.round((v - lo) * scale) : 0;
    }
  }
  for (let i = 0; i < n; i++) out[4 * i + 3] = 255;
  return out;
}
