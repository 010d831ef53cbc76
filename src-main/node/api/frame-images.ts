import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import {
  checkImageReadSize,
  decodeImageHdu,
  decodePixels,
  imageShape,
  parseFits,
  scalingFromHeader,
  type FitsHdu,
  type FitsHeader,
} from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/image.js';
import type { PixelsDto } from '../../common/workbench-dto.js';

export interface LoadedFrame {
  image: Image;
  header: FitsHeader;
}

/**
 * Reads the first HDU of `path` that holds a 2-D image. The file is read asynchronously and decoded in
 * slices (`decodeImageHduYielding`), so a server's first decode of a 4096² frame never holds its event
 * loop for the whole frame.
 */
export async function readFrameImage(path: string): Promise<LoadedFrame> {
  const file = await readFile(path);
  // A view of the buffer readFile made for this call (no 64 MiB copy); nothing else holds it.
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const fileName = basename(path);
  const parsed = parseFits(bytes, { fileName });
  const hdu = parsed.hdus.find((h) => h.kind === 'image' && h.naxis.length >= 2 && h.naxis[0] > 0 && h.naxis[1] > 0);
  if (!hdu) throw new InputError('FITS_NO_IMAGE', `${fileName}: no HDU holds a 2-D image`);
  return { image: await decodeImageHduYielding(hdu, { fileName }), header: hdu.header };
}

/** Pixels decoded per slice: about a millisecond of byte swapping here. */
const DECODE_SLICE_PIXELS = 1 << 19;

/**
 * `decodeImageHdu` (the same checks, errors and values) in bands of about 2^19 pixels with the event loop
 * free between them: decoding a 4096² float32 frame takes ≈ 50 ms, during which a server would answer no
 * one else.
 */
export async function decodeImageHduYielding(
  hdu: FitsHdu,
  options: { fileName?: string; plane?: number } = {},
): Promise<Image> {
  // One row first: every check decodeImageHdu makes (compressed, no data, plane, size) with its error.
  const first = decodeImageHdu(hdu, { ...options, rowStart: 0, rowCount: 1 });
  const { width, height } = imageShape(hdu, options.fileName);
  checkImageReadSize(width, height, options.fileName ?? 'input');
  const data = hdu.data;
  if (height === 1 || !data) return decodeImageHdu(hdu, options);
  const out = new Float32Array(width * height);
  out.set(first.data);
  const bytesPer = Math.abs(hdu.bitpix) / 8;
  const planeStart = (options.plane ?? 0) * height * width * bytesPer;
  const scaling = scalingFromHeader(hdu.header);
  const rows = Math.max(1, Math.floor(DECODE_SLICE_PIXELS / width));
  for (let y0 = 1; y0 < height; y0 += rows) {
    await new Promise<void>((resume) => setImmediate(resume));
    const y1 = Math.min(height, y0 + rows);
    const start = planeStart + y0 * width * bytesPer;
    const count = (y1 - y0) * width;
    decodePixels(data.subarray(start, start + count * bytesPer), hdu.bitpix, count, scaling, out, y0 * width);
  }
  return { width, height, data: out };
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
    const made = loading.then(({ image }) => binImageYielding(image, binning));
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
  const bins = startBinning(image, binning);
  addRows(image, bins, 0, bins.height * binning);
  return finishBinning(bins);
}

/**
 * `binImage` in slices of about 2^20 source pixels with the event loop free in between, so the first
 * preview of a 4096² frame (≈ 0.1 s of work) never holds up the server's other requests. Same values:
 * each block's pixels are summed in the same order.
 */
export async function binImageYielding(image: Image, binning: number): Promise<PixelsDto> {
  if (binning <= 1) return binImage(image, binning);
  const bins = startBinning(image, binning);
  const rows = bins.height * binning;
  const step = Math.max(binning, Math.floor((1 << 20) / image.width / binning) * binning);
  for (let y0 = 0; y0 < rows; y0 += step) {
    if (y0 > 0) await new Promise<void>((resume) => setImmediate(resume));
    addRows(image, bins, y0, Math.min(rows, y0 + step));
  }
  return finishBinning(bins);
}

interface Bins {
  width: number;
  height: number;
  binning: number;
  sums: Float32Array;
  counts: Uint16Array;
}

function startBinning(image: Image, binning: number): Bins {
  const width = Math.max(1, Math.floor(image.width / binning));
  const height = Math.max(1, Math.floor(image.height / binning));
  return { width, height, binning, sums: new Float32Array(width * height), counts: new Uint16Array(width * height) };
}

/** Adds source rows [y0, y1) into their blocks: per block, pixels in raster order. */
function addRows(image: Image, bins: Bins, y0: number, y1: number): void {
  const { width, binning, sums, counts } = bins;
  const src = image.data;
  for (let y = y0; y < y1; y++) {
    const row = y * image.width;
    const outRow = Math.floor(y / binning) * width;
    // Block by block (no division per pixel); within a block the same x order as a plain raster walk.
    for (let o = 0, x = 0; o < width; o++) {
      let sum = sums[outRow + o];
      let count = counts[outRow + o];
      for (let k = 0; k < binning; k++, x++) {
        const v = src[row + x];
        if (v === v) {
          // Rounded to float32 after every add, as the Float32Array accumulator always was.
          sum = Math.fround(sum + v);
          count++;
        }
      }
      sums[outRow + o] = sum;
      counts[outRow + o] = count;
    }
  }
}

function finishBinning(bins: Bins): PixelsDto {
  const { sums, counts } = bins;
  for (let i = 0; i < sums.length; i++) sums[i] = counts[i] ? sums[i] / counts[i] : Number.NaN;
  return { width: bins.width, height: bins.height, binning: bins.binning, data: sums };
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
