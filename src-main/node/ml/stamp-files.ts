import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { decodeImageHdu, imageShape, parseFits } from '../../../src-workers/core/fits/index.js';
import { inflateBytes } from '../../../src-workers/io/fits-file.js';
import { readRaster } from '../../../src-workers/io/raster-file.js';
import { sniffBytes } from '../../../src-workers/io/sniff.js';

/** One stamp read from a file: planar C×H×W float32 in physical units (FITS) or 0–255/65535 (PNG). */
export interface StampPixels {
  channels: number;
  height: number;
  width: number;
  data: Float32Array;
  /** The raw bytes, for the dataset hash. */
  bytes: Uint8Array;
}

/** Largest stamp side accepted [512 px]: a stamp, not a frame. */
export const maxStampSidePx = 512;

/**
 * Reads a stamp file: a FITS image or cube (NAXIS3 planes, e.g. science/reference/difference) or a PNG
 * (grey, or RGB as three planes). `shown` is how the file is named in errors (relative to the data folder).
 * Anything else is an `InputError` naming the file.
 */
export async function readStampFile(path: string, shown: string): Promise<StampPixels> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new InputError(
      'STAMP_UNREADABLE',
      `${shown}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  const format = sniffBytes(bytes.subarray(0, 64));
  if (format === 'png') {
    const raster = await readRaster(path, { maxPixels: maxStampSidePx * maxStampSidePx });
    const planes = raster.channels >= 3 ? raster.planes.slice(0, 3) : [raster.planes[0]];
    return checked(shown, {
      channels: planes.length,
      height: raster.height,
      width: raster.width,
      data: concat(planes),
      bytes,
    });
  }
  if (format !== 'fits' && format !== 'gzip')
    throw new InputError('STAMP_NOT_IMAGE', `${shown}: not a FITS or PNG file`);
  let fitsBytes = bytes;
  try {
    if (format === 'gzip') fitsBytes = inflateBytes(bytes, 64 * maxStampSidePx * maxStampSidePx * 8);
    const parsed = parseFits(fitsBytes, { fileName: shown });
    const hdu = parsed.hdus.find((h) => h.kind === 'image' && h.naxis.length >= 2 && !h.compressed);
    if (!hdu) throw new InputError('STAMP_NOT_IMAGE', `${shown}: has no uncompressed image HDU`);
    const { width, height, planes } = imageShape(hdu, shown);
    if (hdu.naxis.length > 3)
      throw new InputError('STAMP_SHAPE', `${shown}: has ${hdu.naxis.length} axes, expected 2 or 3`);
    if (width > maxStampSidePx || height > maxStampSidePx || planes > 8)
      throw new InputError('STAMP_SHAPE', `${shown}: ${width}×${height}×${planes} is too large for a stamp`);
    const data = new Float32Array(planes * width * height);
    for (let p = 0; p < planes; p++)
      data.set(decodeImageHdu(hdu, { plane: p, fileName: shown }).data, p * width * height);
    return checked(shown, { channels: planes, height, width, data, bytes });
  } catch (error) {
    if (error instanceof InputError) {
      const message = error.message.startsWith(shown) ? error.message : `${shown}: ${error.message}`;
      throw new InputError(error.code, message);
    }
    throw new InputError('STAMP_BAD_FITS', `${shown}: unreadable FITS (${(error as Error).message})`);
  }
}

function checked(shown: string, s: StampPixels): StampPixels {
  if (s.width < 1 || s.height < 1) throw new InputError('STAMP_SHAPE', `${shown}: empty image`);
  return s;
}

function concat(planes: Float32Array[]): Float32Array {
  const out = new Float32Array(planes.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of planes) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** How a path is shown in messages: relative to the data folder when inside it. */
export function shownPath(root: string, path: string): string {
  const r = relative(root, path);
  return r && !r.startsWith('..') ? r : path;
}
