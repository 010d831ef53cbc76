/**
 * PNG, JPEG and TIFF in and out through sharp (8- or 16-bit, grey or RGB[A]).
 *
 * Rows: rasters store the top row first, FITS images the bottom row first (row 0 = y 0); `readRaster`
 * returns planes in FITS order (flipped) so that a PNG converted to FITS and displayed the usual way
 * looks the same, and `writeRaster` expects top-down bytes (as `core/display` renders them).
 * Decompression bombs: the header's width × height is checked against `maxPixels` before decoding,
 * and sharp's own `limitInputPixels` guards the decoder.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import sharp from 'sharp';
import { InputError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { sniffFile } from './sniff.js';

/** Largest raster accepted, in pixels [2^28 ≈ 268 Mpx, `OWB_MAX_RASTER_PIXELS`]. */
export const defaultMaxRasterPixels = Number(process.env.OWB_MAX_RASTER_PIXELS) || 2 ** 28;

export interface RasterInfo {
  format: 'png' | 'jpeg' | 'tiff';
  width: number;
  height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  bitDepth: 8 | 16;
}

export interface Raster extends RasterInfo {
  /** One Float32Array per channel, values 0–255 or 0–65535, FITS row order (bottom row first). */
  planes: Float32Array[];
}

function rasterError(name: string, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message))
    throw new InputError('RASTER_TOO_LARGE', `${name}: image exceeds the pixel limit (decompression bomb?)`);
  throw new InputError('RASTER_BAD', `${name}: cannot decode image (${message.split('\n')[0]})`);
}

/** Format, size, channels and depth, read from the header only. */
export async function readRasterInfo(path: string): Promise<RasterInfo> {
  const name = basename(path);
  const format = await sniffFile(path);
  if (format !== 'png' && format !== 'jpeg' && format !== 'tiff') {
    throw new InputError('RASTER_BAD', `${name}: not a PNG, JPEG or TIFF image`);
  }
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    rasterError(name, error);
  }
  const depth = meta.depth === 'ushort' || meta.depth === 'short' ? 16 : 8;
  return { format, width: meta.width ?? 0, height: meta.height ?? 0, channels: meta.channels ?? 1, bitDepth: depth };
}

/** Decodes a raster after checking its pixel count against `maxPixels`. */
export async function readRaster(path: string, options: { maxPixels?: number } = {}): Promise<Raster> {
  const name = basename(path);
  const maxPixels = options.maxPixels ?? defaultMaxRasterPixels;
  if ((await stat(path)).size === 0) throw new InputError('RASTER_BAD', `${name}: file is empty (0 bytes)`);
  const info = await readRasterInfo(path);
  if (info.width * info.height > maxPixels) {
    throw new InputError(
      'RASTER_TOO_LARGE',
      `${name}: ${info.width}×${info.height} = ${info.width * info.height} pixels exceeds the limit of ${maxPixels} (decompression bomb?)`,
    );
  }
  let data: Buffer;
  let out: { width: number; height: number; channels: number };
  try {
    // Keep the stored colour space: sharp would otherwise turn grey into 8-bit sRGB.
    const grey = info.channels <= 2;
    const space = info.bitDepth === 16 ? (grey ? 'grey16' : 'rgb16') : grey ? 'b-w' : 'srgb';
    const r = await sharp(path, { limitInputPixels: maxPixels })
      .toColourspace(space)
      .raw({ depth: info.bitDepth === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    data = r.data;
    out = r.info;
  } catch (error) {
    rasterError(name, error);
  }
  const { width, height, channels } = out;
  const planes = Array.from({ length: channels }, () => new Float32Array(width * height));
  const src = info.bitDepth === 16 ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
  for (let y = 0; y < height; y++) {
    const fitsRow = height - 1 - y;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * channels;
      const d = fitsRow * width + x;
      for (let c = 0; c < channels; c++) planes[c][d] = src[s + c];
    }
  }
  return { ...info, width, height, channels, planes };
}

/**
 * Luminance of a raster, Rec. 709 weights on the stored (gamma-encoded) values, or the single plane of a
 * grey image; alpha is ignored.
 */
export function rasterLuminance(raster: Raster): Float32Array {
  if (raster.channels < 3) return raster.planes[0];
  const [r, g, b] = raster.planes;
  const out = new Float32Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = 0.2126 * r[i] + 0.7152 * g[i] + 0.0722 * b[i];
  return out;
}

export type RasterFormat = 'png' | 'jpeg' | 'tiff';

/** The output format for a path's extension, or undefined. */
export function rasterFormatOf(path: string): RasterFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  if (ext === '.tif' || ext === '.tiff') return 'tiff';
  return undefined;
}

/**
 * Writes top-down interleaved pixels (`channels` 1, 3 or 4; Uint16Array for 16-bit PNG/TIFF) atomically.
 * JPEG is always 8-bit (quality 92).
 */
export async function writeRaster(
  path: string,
  pixels: Uint8Array | Uint8ClampedArray | Uint16Array,
  shape: { width: number; height: number; channels: 1 | 2 | 3 | 4 },
  format: RasterFormat = rasterFormatOf(path) ?? 'png',
): Promise<void> {
  const sixteen = pixels instanceof Uint16Array;
  if (sixteen && format === 'jpeg')
    throw new InputError('BAD_PARAMETER', `${basename(path)}: JPEG cannot hold 16-bit pixels`);
  // sharp infers the raw depth from the typed array (Uint16Array → ushort).
  const input =
    pixels instanceof Uint8ClampedArray ? new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength) : pixels;
  let img = sharp(input, {
    raw: { width: shape.width, height: shape.height, channels: shape.channels },
    limitInputPixels: false,
  });
  img = img.toColourspace(sixteen ? (shape.channels >= 3 ? 'rgb16' : 'grey16') : shape.channels >= 3 ? 'srgb' : 'b-w');
  const encoded =
    format === 'png'
      ? img.png({ compressionLevel: 6 })
      : format === 'jpeg'
        ? img.jpeg({ quality: 92 })
        : img.tiff({ compression: 'lzw' });
  await writeFileAtomic(path, await encoded.toBuffer());
}
