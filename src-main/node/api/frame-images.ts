import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { decodeImageHdu, parseFits, type FitsHeader } from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/image.js';
import type { PixelsDto } from '../../common/workbench-dto.js';

export interface LoadedFrame {
  image: Image;
  header: FitsHeader;
}

/** Reads the first HDU of `path` that holds a 2-D image. */
export async function readFrameImage(path: string): Promise<LoadedFrame> {
  const bytes = new Uint8Array(await readFile(path));
  const fileName = basename(path);
  const parsed = parseFits(bytes, { fileName });
  const hdu = parsed.hdus.find((h) => h.kind === 'image' && h.naxis.length >= 2 && h.naxis[0] > 0 && h.naxis[1] > 0);
  if (!hdu) throw new InputError('FITS_NO_IMAGE', `${fileName}: no HDU holds a 2-D image`);
  return { image: decodeImageHdu(hdu, { fileName }), header: hdu.header };
}

/**
 * Keeps the few most recently viewed frames decoded, so blinking, stamps and profiles do not re-read
 * a 64 MiB file each time. Concurrent requests for one path share one read.
 */
export class FrameImageCache {
  private readonly entries = new Map<string, Promise<LoadedFrame>>();
  /** Block-averaged copies per cached path and binning, dropped with their frame. */
  private readonly binnings = new Map<string, Map<number, Promise<PixelsDto>>>();

  constructor(private readonly capacity = 4) {}

  get(path: string): Promise<LoadedFrame> {
    const hit = this.entries.get(path);
    if (hit) {
      this.entries.delete(path);
      this.entries.set(path, hit);
      return hit;
    }
    const loading = readFrameImage(path);
    loading.catch(() => this.forget(path));
    this.entries.set(path, loading);
    while (this.entries.size > this.capacity) this.forget(this.entries.keys().next().value as string);
    return loading;
  }

  /**
   * `binImage` of the frame at `path`, computed once per binning while the frame stays cached: 200
   * viewers asking for the same preview at once share one block average (each used to cost the event
   * loop tens of milliseconds, and under load every request waited for all the others').
   */
  binned(path: string, binning: number): Promise<PixelsDto> {
    const loading = this.get(path);
    let byBinning = this.binnings.get(path);
    if (!byBinning) this.binnings.set(path, (byBinning = new Map()));
    const hit = byBinning.get(binning);
    if (hit) return hit;
    const made = loading.then(({ image }) => binImage(image, binning));
    made.catch(() => byBinning.delete(binning));
    byBinning.set(binning, made);
    return made;
  }

  private forget(path: string): void {
    this.entries.delete(path);
    this.binnings.delete(path);
  }
}

/** Block-averages `image` by `binning` (NaN pixels ignored), for previews and thumbnails. */
export function binImage(image: Image, binning: number): PixelsDto {
  if (binning <= 1) return { width: image.width, height: image.height, binning: 1, data: image.data };
  const width = Math.max(1, Math.floor(image.width / binning));
  const height = Math.max(1, Math.floor(image.height / binning));
  const sums = new Float32Array(width * height);
  const counts = new Uint16Array(width * height);
  const src = image.data;
  for (let y = 0; y < height * binning; y++) {
    const row = y * image.width;
    const outRow = Math.floor(y / binning) * width;
    for (let x = 0; x < width * binning; x++) {
      const v = src[row + x];
      if (v === v) {
        const o = outRow + Math.floor(x / binning);
        sums[o] += v;
        counts[o]++;
      }
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] = counts[i] ? sums[i] / counts[i] : Number.NaN;
  return { width, height, binning, data: sums };
}

/** A `size`×`size` cut-out centred on pixel (x, y); outside pixels are NaN. */
export function stamp(image: Image, x: number, y: number, size: number): PixelsDto {
  const out = new Float32Array(size * size).fill(Number.NaN);
  const x0 = Math.round(x) - Math.floor(size / 2);
  const y0 = Math.round(y) - Math.floor(size / 2);
  for (let j = 0; j < size; j++) {
    const sy = y0 + j;
    if (sy < 0 || sy >= image.height) continue;
    for (let i = 0; i < size; i++) {
      const sx = x0 + i;
      if (sx >= 0 && sx < image.width) out[j * size + i] = image.data[sy * image.width + sx];
    }
  }
  return { width: size, height: size, binning: 1, data: out };
}
