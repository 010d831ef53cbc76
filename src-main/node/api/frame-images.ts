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

/** Which image of a file to read: an HDU (0-based, the primary is 0) and a plane of a cube (0-based). */
export interface ImageSelection {
  /** [the first HDU that holds a 2-D image] */
  hdu?: number;
  /** [0] */
  plane?: number;
}

export interface LoadedFrame {
  image: Image;
  /** The header of the HDU read. */
  header: FitsHeader;
  /** The HDU and plane read. */
  hdu: number;
  plane: number;
  /** Every HDU of the file that holds an image of at least two axes, for an HDU selector. */
  images: ImageHduInfo[];
}

/**
 * Reads one plane of one image HDU of `path`: by default the first HDU that holds a 2-D image, plane 0.
 * An `hdu` that holds no such image, or a `plane` beyond the cube, is a `BAD_PARAMETER` naming the file.
 */
export async function readFrameImage(path: string, selection: ImageSelection = {}): Promise<LoadedFrame> {
  const file = await readFile(path);
  // A view of the buffer readFile made for this call (no 64 MiB copy); nothing else holds it.
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const fileName = basename(path);
  const parsed = parseFits(bytes, { fileName });
  const usable = parsed.hdus.filter(
    (h) => h.kind === 'image' && h.naxis.length >= 2 && h.naxis[0] > 0 && h.naxis[1] > 0,
  );
  if (usable.length === 0) throw new InputError('FITS_NO_IMAGE', `${fileName}: no HDU holds a 2-D image`);
  const hdu = selection.hdu === undefined ? usable[0] : usable.find((h) => h.index === selection.hdu);
  if (!hdu)
    throw new InputError(
      'BAD_PARAMETER',
      `${fileName}: HDU ${selection.hdu} holds no 2-D image (images are in HDU ${usable.map((h) => h.index).join(', ')})`,
    );
  const plane = selection.plane ?? 0;
  return {
    // Decoded in slices, so a server's first decode of a 4096² frame never holds its event loop throughout.
    image: await decodeImageHduYielding(hdu, { fileName, plane }),
    header: hdu.header,
    hdu: hdu.index,
    plane,
    images: usable.map(imageHduInfo),
  };
}

/** One image HDU as the viewer lists it. */
export interface ImageHduInfo {
  hdu: number;
  /** EXTNAME, or 'PRIMARY' for HDU 0, or '' */
  name: string;
  width: number;
  height: number;
  /** Planes of a cube (the product of NAXIS3…), 1 for a 2-D image. */
  planes: number;
}

function imageHduInfo(h: FitsHdu): ImageHduInfo {
  const extname = h.header.get('EXTNAME');
  return {
    hdu: h.index,
    name: typeof extname === 'string' ? extname.trim() : h.index === 0 ? 'PRIMARY' : '',
    width: h.naxis[0],
    height: h.naxis[1],
    planes: h.naxis.slice(2).reduce((a, b) => a * b, 1),
  };
}

/** The cache key of one plane of one HDU of a file (the default selection is its own key). */
function cacheKey(path: string, selection: ImageSelection): string {
  return selection.hdu === undefined && !selection.plane
    ? path
    : `${path}\0${selection.hdu ?? ''}\0${selection.plane ?? 0}`;
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

  /** The decoded image of `path` (one HDU and plane of it, `selection`), read once while it stays cached. */
  get(path: string, selection: ImageSelection = {}): Promise<LoadedFrame> {
    const key = cacheKey(path, selection);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loading = readFrameImage(path, selection);
    loading.catch(() => this.forget(key));
    this.entries.set(key, loading);
    while (this.entries.size > this.capacity) this.forget(this.entries.keys().next().value as string);
    return loading;
  }

  /**
   * `binImage` of the frame at `path`, computed once per binning while the frame stays cached: 200
   * viewers asking for the same preview at once share one block average (each used to cost the event
   * loop tens of milliseconds, and under load every request waited for all the others').
   */
  binned(path: string, binning: number, selection: ImageSelection = {}): Promise<PixelsDto> {
    const loading = this.get(path, selection);
    const key = cacheKey(path, selection);
    let byBinning = this.binnings.get(key);
    if (!byBinning) this.binnings.set(key, (byBinning = new Map()));
    const hit = byBinning.get(binning);
    if (hit) return hit;
    const made = loading.then(({ image }) => binImageYielding(image, binning));
    made.catch(() => byBinning.delete(binning));
    byBinning.set(binning, made);
    return made;
  }

  private forget(key: string): void {
    this.entries.delete(key);
    this.binnings.delete(key);
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
