/**
 * FITS file access for tasks, services and the CLI. Plain files are read by seeking: headers block by
 * block, and only the data bytes that were asked for, after checking the file really holds them.
 * Gzip files (`.fits.gz`, gzip `.fz`) are read through a streaming inflate (`gzip-source.ts`), never
 * inflated as a whole, and refused past `maxInflatedBytes()` inflated bytes.
 * Tile-compressed images (ZIMAGE) are decoded by `core/fits/tiles`, with zlib injected from here.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { InputError } from '../core/errors.js';
import {
  BLOCK,
  checkMagic,
  dataLayout,
  decodeImageHdu,
  decodePixels,
  encodeFits,
  FitsHeader,
  imageHdu,
  imageHeaderOfCompressed,
  imageShape,
  parseFits,
  parseHeaderUnit,
  rowRange,
  scalingFromHeader,
  type EncodeHdu,
  type FitsHdu,
  type HeaderInput,
  type ImageHduOptions,
} from '../core/fits/index.js';
import { decodeCompressedImage } from '../core/fits/tiles.js';
import { decodeTable, tableHdu, type DecodedTable, type TableColumnInput } from '../core/fits/table.js';
import type { Image } from '../core/image/image.js';
import { writeFileAtomic } from './atomic-write.js';
import { GzipCursor, inflatedSize, maxInflatedBytes } from './gzip-source.js';

export { maxInflatedBytes };

/** zlib inflate for tile decoders: accepts gzip or zlib streams, bounded by `limit` bytes [`maxInflatedBytes()`]. */
export function inflateBytes(bytes: Uint8Array, limit = maxInflatedBytes()): Uint8Array {
  const opts = { maxOutputLength: Math.max(1, Math.min(limit, maxInflatedBytes())) };
  try {
    const out = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, opts) : inflateSync(bytes, opts);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new InputError('FITS_TOO_LARGE', `compressed data inflates past the ${limit}-byte limit`);
    throw new InputError('FITS_BAD_COMPRESSION', `corrupt compressed data (${(error as Error).message})`);
  }
}

export interface FitsReadOptions {
  /** HDU index (0 = primary). Default: the first HDU with 2-D image data. */
  hdu?: number;
  /** Band of rows to read (0-based) [all]. Only those bytes are read from a plain file. */
  rowStart?: number;
  rowCount?: number;
  /** Plane of a cube [0]. */
  plane?: number;
  /**
   * Output buffer to reuse (at least width × rowCount pixels; a longer one is used through a subarray).
   * Reading many frames into one buffer avoids the page faults of a fresh 64 MB allocation per frame.
   * Used for plain and gzip files; tile-compressed images always allocate.
   */
  into?: Float32Array;
}

export interface FitsImageRead {
  image: Image;
  header: FitsHeader;
  hduIndex: number;
  warnings: string[];
}

/** Headers and layout of every HDU, without reading any data. */
export interface FitsStructure {
  hdus: FitsHdu[];
  warnings: string[];
  /** True when the file was gzip-compressed as a whole. */
  gzip: boolean;
}

/** A FITS file opened for reading: plain files by handle, gzip files through a streaming inflate. */
export interface Source {
  name: string;
  size: number;
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
  gzip: boolean;
}

/** Opens `path` for reading (gzip detected by content); the caller closes it. */
export async function openSource(path: string): Promise<Source> {
  const name = basename(path);
  const info = await stat(path);
  if (info.isDirectory()) throw new InputError('FITS_NOT_FITS', `${name}: is a directory, not a FITS file`);
  if (info.size === 0) throw new InputError('FITS_EMPTY', `${name}: file is empty (0 bytes)`);
  const fh = await open(path, 'r');
  const head = new Uint8Array(Math.min(BLOCK, info.size));
  await readFully(fh, head, 0);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    await fh.close();
    return openGzipSource(path, name, info.size);
  }
  try {
    checkMagic(head, name);
  } catch (error) {
    await fh.close();
    throw error;
  }
  return {
    name,
    size: info.size,
    gzip: false,
    read: async (offset, length, into) => {
      const buf = into ?? new Uint8Array(length);
      // Large reads go as a few concurrent preads: the page faults of a fresh output buffer then
      // spread over libuv's threads (about 1.3–1.5× faster for a 64 MB frame).
      const parts = length >= 16 * 1024 * 1024 ? 4 : 1;
      const step = Math.ceil(length / parts / 4096) * 4096;
      const jobs: Promise<void>[] = [];
      for (let a = 0; a < length; a += step) {
        const b = Math.min(length, a + step);
        jobs.push(readFully(fh, buf.subarray(a, b), offset + a));
      }
      await Promise.all(jobs);
      return buf;
    },
    close: () => fh.close(),
  };
}

/**
 * A gzip file read through a streaming inflate: its inflated size is measured first (refused past
 * `maxInflatedBytes()`), then reads go through a forward cursor that holds a few MiB at most.
 */
async function openGzipSource(path: string, name: string, fileBytes: number): Promise<Source> {
  const size = await inflatedSize(path, name, fileBytes, maxInflatedBytes());
  if (size === 0) throw new InputError('FITS_EMPTY', `${name}: gzip stream is empty`);
  const cursor = new GzipCursor(path, name);
  try {
    checkMagic(await cursor.read(0, Math.min(BLOCK, size)), name);
  } catch (error) {
    cursor.close();
    throw error;
  }
  return {
    name,
    size,
    gzip: true,
    read: (offset, length, into) => cursor.read(offset, length, into),
    close: async () => cursor.close(),
  };
}

async function readFully(fh: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, Math.min(into.length - done, 1 << 28), position + done);
    if (bytesRead === 0) throw new InputError('FITS_TRUNCATED', `file ended while reading byte ${position + done}`);
    done += bytesRead;
  }
}

/** Walks the headers of `src`, checking that each HDU's data fits in the file. */
export async function scan(src: Source, stopAfter = Infinity): Promise<{ hdus: FitsHdu[]; warnings: string[] }> {
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
  };
  const hdus: FitsHdu[] = [];
  let offset = 0;
  while (offset < src.size && hdus.length <= stopAfter) {
    const primary = hdus.length === 0;
    let want = Math.min(BLOCK * 4, src.size - offset);
    let unit: ReturnType<typeof parseHeaderUnit>;
    for (;;) {
      const buf = await src.read(offset, want);
      if (
        !primary &&
        hdus.length > 0 &&
        String.fromCharCode(...buf.subarray(0, Math.min(8, buf.length))) !== 'XTENSION'
      ) {
        if (buf.some((b) => b !== 0 && b !== 0x20))
          warn(`${src.name}: ${src.size - offset} bytes after the last HDU are not a FITS extension; ignored`);
        return { hdus, warnings };
      }
      unit = parseHeaderUnit(buf, 0, src.name, warn);
      if (unit) break;
      if (want >= src.size - offset) {
        if (primary && src.size < BLOCK)
          throw new InputError(
            'FITS_TRUNCATED',
            `${src.name}: file is shorter than one FITS block (${src.size} bytes)`,
          );
        throw new InputError(
          'FITS_NO_END',
          `${src.name}: header of HDU ${hdus.length} has no END card (file ends first)`,
        );
      }
      want = Math.min(want * 4, src.size - offset);
    }
    const layout = dataLayout(unit.header, primary, src.name);
    const dataOffset = offset + unit.headerBytes;
    const available = src.size - dataOffset;
    if (layout.dataBytes > available) {
      throw new InputError(
        'FITS_TRUNCATED',
        `${src.name}: HDU ${hdus.length} is truncated: header promises ${layout.dataBytes} data bytes but only ${Math.max(0, available)} remain`,
      );
    }
    const padded = Math.ceil(layout.dataBytes / BLOCK) * BLOCK;
    if (padded > available) warn(`${src.name}: HDU ${hdus.length} data is not padded to a whole 2880-byte block`);
    hdus.push({ index: hdus.length, header: unit.header, ...layout, headerOffset: offset, dataOffset });
    offset = dataOffset + padded;
  }
  return { hdus, warnings };
}

/** Reads every header of a FITS file without touching its data. */
export async function readFitsStructure(path: string): Promise<FitsStructure> {
  const src = await openSource(path);
  try {
    const { hdus, warnings } = await scan(src);
    return { hdus, warnings, gzip: src.gzip };
  } finally {
    await src.close();
  }
}

/** The header of HDU `hdu` [0]; the data are not read. */
export async function readFitsHeader(path: string, options: { hdu?: number } = {}): Promise<FitsHeader> {
  const src = await openSource(path);
  try {
    const want = options.hdu ?? 0;
    const { hdus } = await scan(src, want);
    if (want >= hdus.length)
      throw new InputError('FITS_NO_HDU', `${src.name}: has no HDU ${want} (it has ${hdus.length})`);
    return hdus[want].header;
  } finally {
    await src.close();
  }
}

/** Index of the first HDU holding a 2-D image (compressed or not), or -1. */
export function firstImageHdu(hdus: readonly FitsHdu[]): number {
  return hdus.findIndex((h) => h.kind === 'image' && h.naxis.length >= 2 && h.naxis[0] > 0 && h.naxis[1] > 0);
}

/**
 * Reads an image HDU as physical float32 values (BSCALE/BZERO applied, BLANK → NaN).
 * Default HDU: the first with 2-D data. A cube gives plane `plane` [0].
 */
export async function readFitsImage(path: string, options: FitsReadOptions = {}): Promise<FitsImageRead> {
  const src = await openSource(path);
  try {
    const { hdus, warnings } = await scan(src, options.hdu ?? Infinity);
    let index = options.hdu;
    if (index === undefined) {
      index = firstImageHdu(hdus);
      if (index < 0) throw new InputError('FITS_NO_IMAGE', `${src.name}: no HDU holds a 2-D image`);
    } else if (!Number.isInteger(index) || index < 0 || index >= hdus.length) {
      throw new InputError('FITS_NO_HDU', `${src.name}: has no HDU ${index} (it has ${hdus.length})`);
    }
    const hdu = hdus[index];
    if (hdu.kind !== 'image')
      throw new InputError('FITS_NOT_IMAGE', `${src.name}: HDU ${index} is a ${hdu.kind}, not an image`);
    let image: Image;
    if (hdu.compressed) {
      hdu.data = await src.read(hdu.dataOffset, hdu.dataBytes);
      image = decodeCompressedImage(hdu, {
        inflate: inflateBytes,
        fileName: src.name,
        rowStart: options.rowStart,
        rowCount: options.rowCount,
        warn: (m) => warnings.push(m),
      });
    } else if (options.plane !== undefined && options.plane !== 0 && src.gzip) {
      hdu.data = await src.read(hdu.dataOffset, hdu.dataBytes);
      image = decodeImageHdu(hdu, { ...options, fileName: src.name });
    } else {
      image = await readImageBand(src, hdu, options);
    }
    // A compressed image reports the header of the image it holds (BITPIX/NAXISn, WCS, …), not the table's.
    return {
      image,
      header: hdu.compressed ? imageHeaderOfCompressed(hdu.header) : hdu.header,
      hduIndex: index,
      warnings,
    };
  } finally {
    await src.close();
  }
}

/** Reads only the rows asked for; float32 data are read straight into the output buffer and swapped in place. */
async function readImageBand(src: Source, hdu: FitsHdu, options: FitsReadOptions): Promise<Image> {
  const { width, height, planes } = imageShape(hdu, src.name);
  const plane = options.plane ?? 0;
  if (!Number.isInteger(plane) || plane < 0 || plane >= planes) {
    throw new InputError('BAD_PARAMETER', `${src.name}: plane ${plane} is outside 0..${planes - 1}`);
  }
  const { rowStart, rowCount } = rowRange(height, options, src.name);
  const bytesPer = Math.abs(hdu.bitpix) / 8;
  const count = rowCount * width;
  const start = hdu.dataOffset + (plane * height + rowStart) * width * bytesPer;
  const scaling = scalingFromHeader(hdu.header);
  const { bscale, bzero, blank } = scaling;
  const linear = bscale !== 1 || bzero !== 0;
  const out = outputBuffer(options.into, count, src.name);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, count * 4);
  if (hdu.bitpix === -32) {
    // Read straight into the output buffer and swap in place with Node's native swap32.
    await src.read(start, count * 4, bytes);
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).swap32();
    if (linear) for (let i = 0; i < count; i++) out[i] = out[i] * bscale + bzero;
  } else if (hdu.bitpix === 8 || hdu.bitpix === 16 || hdu.bitpix === 32) {
    // Integers are read into the top of the output buffer and widened forward in place: element i is
    // written to bytes [4i, 4i + 4), which never overlaps integers not yet read. No scratch allocation.
    const rawOffset = count * (4 - bytesPer);
    const raw = bytes.subarray(rawOffset);
    await src.read(start, count * bytesPer, raw);
    const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const at = out.byteOffset + rawOffset;
    // One loop per integer type keeps each loop monomorphic (a union-typed array makes V8 slow).
    if (hdu.bitpix === 16) widen16(new Int16Array(buf.swap16().buffer, at, count), out, bscale, bzero, blank);
    else if (hdu.bitpix === 32) widen32(new Int32Array(buf.swap32().buffer, at, count), out, bscale, bzero, blank);
    else widen8(new Uint8Array(out.buffer, at, count), out, bscale, bzero, blank);
  } else {
    const raw = await src.read(start, count * bytesPer);
    decodePixels(raw, hdu.bitpix, count, scaling, out);
  }
  return { width, height: rowCount, data: out };
}

function widen16(ints: Int16Array, out: Float32Array, bscale: number, bzero: number, blank: number | undefined): void {
  const n = ints.length;
  if (blank === undefined) for (let i = 0; i < n; i++) out[i] = ints[i] * bscale + bzero;
  else for (let i = 0; i < n; i++) out[i] = ints[i] === blank ? Number.NaN : ints[i] * bscale + bzero;
}

function widen32(ints: Int32Array, out: Float32Array, bscale: number, bzero: number, blank: number | undefined): void {
  const n = ints.length;
  if (blank === undefined) for (let i = 0; i < n; i++) out[i] = ints[i] * bscale + bzero;
  else for (let i = 0; i < n; i++) out[i] = ints[i] === blank ? Number.NaN : ints[i] * bscale + bzero;
}

function widen8(ints: Uint8Array, out: Float32Array, bscale: number, bzero: number, blank: number | undefined): void {
  const n = ints.length;
  if (blank === undefined) for (let i = 0; i < n; i++) out[i] = ints[i] * bscale + bzero;
  else for (let i = 0; i < n; i++) out[i] = ints[i] === blank ? Number.NaN : ints[i] * bscale + bzero;
}

function outputBuffer(into: Float32Array | undefined, count: number, name: string): Float32Array {
  if (!into) return new Float32Array(count);
  if (into.length < count) throw new RangeError(`${name}: 'into' holds ${into.length} pixels, the read needs ${count}`);
  return into.length === count ? into : into.subarray(0, count);
}

/** Reads a whole FITS file into memory and parses it (gzip inflated); data views are attached. */
export async function readFitsFile(path: string): Promise<{ bytes: Uint8Array; hdus: FitsHdu[]; warnings: string[] }> {
  const src = await openSource(path);
  try {
    const bytes = await src.read(0, src.size);
    const { hdus, warnings } = parseFits(bytes, { fileName: src.name });
    return { bytes, hdus, warnings };
  } finally {
    await src.close();
  }
}

/**
 * Reads a BINTABLE or ASCII TABLE HDU (default: the first table) into columns; `rowStart`/`rowCount`
 * select rows. Only that HDU's data are read from a plain file.
 */
export async function readFitsTable(
  path: string,
  options: { hdu?: number; rowStart?: number; rowCount?: number } = {},
): Promise<{ table: DecodedTable; header: FitsHeader; hduIndex: number; warnings: string[] }> {
  const src = await openSource(path);
  try {
    const { hdus, warnings } = await scan(src, options.hdu ?? Infinity);
    const index = options.hdu ?? hdus.findIndex((h) => (h.kind === 'bintable' || h.kind === 'table') && !h.compressed);
    if (index < 0) throw new InputError('FITS_NO_TABLE', `${src.name}: no HDU holds a table`);
    const hdu = hdus[index];
    if (!hdu) throw new InputError('FITS_NO_HDU', `${src.name}: has no HDU ${index} (it has ${hdus.length})`);
    if (hdu.kind !== 'bintable' && hdu.kind !== 'table')
      throw new InputError('FITS_NOT_TABLE', `${src.name}: HDU ${index} is a ${hdu.kind}, not a table`);
    hdu.data = await src.read(hdu.dataOffset, hdu.dataBytes);
    const table = decodeTable(hdu, { rowStart: options.rowStart, rowCount: options.rowCount, fileName: src.name });
    return { table, header: hdu.header, hduIndex: index, warnings };
  } finally {
    await src.close();
  }
}

export interface WriteImageOptions {
  header?: HeaderInput;
  bitpix?: ImageHduOptions['bitpix'];
  scaling?: ImageHduOptions['scaling'];
  history?: string[];
}

/** Writes one image as a single-HDU FITS file, atomically, with DATASUM/CHECKSUM. */
export async function writeFitsImage(path: string, image: Image, options: WriteImageOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeFits([imageHdu(image, options)]));
}

/** Writes a BINTABLE catalog (after an empty primary HDU), atomically, with DATASUM/CHECKSUM. */
export async function writeFitsTable(
  path: string,
  columns: readonly TableColumnInput[],
  options: { header?: HeaderInput; extname?: string } = {},
): Promise<void> {
  await writeFileAtomic(path, encodeFits([tableHdu(columns, options)]));
}

/** Writes several HDUs (images from `imageHdu`, tables from `tableHdu`) as one multi-extension file. */
export async function writeFits(path: string, hdus: readonly EncodeHdu[]): Promise<void> {
  await writeFileAtomic(path, encodeFits(hdus));
}
