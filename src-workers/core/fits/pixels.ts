/**
 * Big-endian pixel decoding into float32 physical values and encoding back (FITS Standard 4.0, §5.2
 * and §4.4.2.5): physical = BZERO + BSCALE × stored; a stored integer equal to BLANK becomes NaN.
 * Loops work on preallocated typed arrays with no per-pixel allocation.
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/image.js';
import type { FitsHeader } from './header.js';
import type { FitsHdu } from './parse.js';

/** Linear scaling and the null value of integer data. */
export interface PixelScaling {
  bscale: number;
  bzero: number;
  /** Stored integer that marks a missing pixel (integer BITPIX only). */
  blank?: number;
}

/** Reads BSCALE [1], BZERO [0] and BLANK from a header. */
export function scalingFromHeader(header: FitsHeader, prefix = 'B'): PixelScaling {
  const blank = header.getNumber(prefix === 'B' ? 'BLANK' : 'ZBLANK');
  return {
    bscale: header.getNumber(`${prefix}SCALE`) ?? 1,
    bzero: header.getNumber(`${prefix}ZERO`) ?? 0,
    ...(blank !== undefined ? { blank } : {}),
  };
}

/**
 * Decodes `count` big-endian pixels of type `bitpix` from `raw` (starting at byte 0) into `out`
 * (starting at `outOffset`), applying `scaling`.
 */
export function decodePixels(
  raw: Uint8Array,
  bitpix: number,
  count: number,
  scaling: PixelScaling,
  out: Float32Array,
  outOffset = 0,
): void {
  const bytesPer = Math.abs(bitpix) / 8;
  if (raw.length < count * bytesPer) throw new RangeError(`need ${count * bytesPer} bytes, have ${raw.length}`);
  const { bscale, bzero } = scaling;
  const blank = scaling.blank;
  const hasBlank = blank !== undefined && bitpix > 0;
  const linear = bscale !== 1 || bzero !== 0;
  switch (bitpix) {
    case -32: {
      const dst = new Uint8Array(out.buffer, out.byteOffset + outOffset * 4, count * 4);
      dst.set(raw.subarray(0, count * 4));
      if ((out.byteOffset + outOffset * 4) % 4 === 0) {
        const words = new Uint32Array(out.buffer, out.byteOffset + outOffset * 4, count);
        for (let i = 0; i < count; i++) {
          const v = words[i];
          words[i] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
        }
      }
      if (linear) for (let i = outOffset; i < outOffset + count; i++) out[i] = out[i] * bscale + bzero;
      return;
    }
    case -64: {
      const dv = new DataView(raw.buffer, raw.byteOffset, count * 8);
      for (let i = 0, j = 0; i < count; i++, j += 8) out[outOffset + i] = dv.getFloat64(j, false) * bscale + bzero;
      return;
    }
    case 16: {
      for (let i = 0, j = 0; i < count; i++, j += 2) {
        const v = ((raw[j] << 24) >> 16) | raw[j + 1];
        out[outOffset + i] = hasBlank && v === blank ? Number.NaN : v * bscale + bzero;
      }
      return;
    }
    case 8: {
      for (let i = 0; i < count; i++) {
        const v = raw[i];
        out[outOffset + i] = hasBlank && v === blank ? Number.NaN : v * bscale + bzero;
      }
      return;
    }
    case 32: {
      for (let i = 0, j = 0; i < count; i++, j += 4) {
        const v = (raw[j] << 24) | (raw[j + 1] << 16) | (raw[j + 2] << 8) | raw[j + 3];
        out[outOffset + i] = hasBlank && v === blank ? Number.NaN : v * bscale + bzero;
      }
      return;
    }
    case 64: {
      const dv = new DataView(raw.buffer, raw.byteOffset, count * 8);
      for (let i = 0, j = 0; i < count; i++, j += 8) {
        const hi = dv.getInt32(j, false);
        const lo = dv.getUint32(j + 4, false);
        const v = hi * 4294967296 + lo;
        out[outOffset + i] = hasBlank && v === blank ? Number.NaN : v * bscale + bzero;
      }
      return;
    }
    default:
      throw new RangeError(`invalid BITPIX ${bitpix}`);
  }
}

export interface ImageReadOptions {
  /** First row (0-based) [0]. */
  rowStart?: number;
  /** Number of rows [all remaining]. */
  rowCount?: number;
  /** Plane of a cube (0-based index over NAXIS3…) [0]. */
  plane?: number;
  fileName?: string;
}

/**
 * The most pixels one image read decodes into memory [2²⁹ = 536 870 912, 2 GiB as float32], the same bound
 * tile-compressed images have. A larger frame (or a band of rows larger than this) is refused with
 * `FITS_TOO_LARGE` before anything is allocated, instead of failing inside the JavaScript engine (whose
 * typed arrays stop at 2³² elements) or exhausting memory.
 */
export const MAX_IMAGE_PIXELS = 2 ** 29;

/**
 * Throws `FITS_TOO_LARGE` naming the file, the size and {@link MAX_IMAGE_PIXELS} when a read of `rows` rows
 * of `width` pixels is over the limit.
 */
export function checkImageReadSize(width: number, rows: number, fileName: string, maxPixels = MAX_IMAGE_PIXELS): void {
  const count = width * rows;
  if (count <= maxPixels) return;
  throw new InputError(
    'FITS_TOO_LARGE',
    `${fileName}: image of ${width} × ${rows} = ${count} pixels is beyond the limit of ${maxPixels} pixels (2^${Math.log2(maxPixels)}) per image`,
  );
}

/** Checks that `hdu` is a non-compressed image with at least two axes and returns its width and height. */
export function imageShape(hdu: FitsHdu, fileName = 'input'): { width: number; height: number; planes: number } {
  if (hdu.kind !== 'image' || hdu.naxis.length < 1) {
    throw new InputError('FITS_NOT_IMAGE', `${fileName}: HDU ${hdu.index} holds no image data (${hdu.kind})`);
  }
  const width = hdu.naxis[0];
  const height = hdu.naxis.length >= 2 ? hdu.naxis[1] : 1;
  const planes = hdu.naxis.slice(2).reduce((a, b) => a * b, 1);
  return { width, height, planes };
}

/**
 * Decodes an uncompressed image HDU (with `data` present) into physical float32 pixels.
 * A cube yields one plane (`plane` [0]); `rowStart`/`rowCount` select a band of rows.
 */
export function decodeImageHdu(hdu: FitsHdu, options: ImageReadOptions = {}): Image {
  const fileName = options.fileName ?? 'input';
  if (hdu.compressed)
    throw new InputError(
      'FITS_COMPRESSED',
      `${fileName}: HDU ${hdu.index} is tile-compressed; use decodeCompressedImage`,
    );
  const { width, height, planes } = imageShape(hdu, fileName);
  if (!hdu.data) throw new InputError('FITS_NO_DATA', `${fileName}: HDU ${hdu.index} was read header-only`);
  const plane = options.plane ?? 0;
  if (!Number.isInteger(plane) || plane < 0 || plane >= planes) {
    throw new InputError('BAD_PARAMETER', `${fileName}: plane ${plane} is outside 0..${planes - 1}`);
  }
  const { rowStart, rowCount } = rowRange(height, options, fileName);
  const bytesPer = Math.abs(hdu.bitpix) / 8;
  const start = (plane * height + rowStart) * width * bytesPer;
  const count = rowCount * width;
  checkImageReadSize(width, rowCount, fileName);
  const out = new Float32Array(count);
  decodePixels(
    hdu.data.subarray(start, start + count * bytesPer),
    hdu.bitpix,
    count,
    scalingFromHeader(hdu.header),
    out,
  );
  return { width, height: rowCount, data: out };
}

/** Validates a row band against `height`. */
export function rowRange(
  height: number,
  options: ImageReadOptions,
  fileName: string,
): { rowStart: number; rowCount: number } {
  const rowStart = options.rowStart ?? 0;
  const rowCount = options.rowCount ?? height - rowStart;
  if (
    !Number.isInteger(rowStart) ||
    !Number.isInteger(rowCount) ||
    rowStart < 0 ||
    rowCount < 0 ||
    rowStart + rowCount > height
  ) {
    throw new InputError(
      'BAD_PARAMETER',
      `${fileName}: rows ${rowStart}..${rowStart + rowCount - 1} are outside the image's 0..${height - 1}`,
    );
  }
  return { rowStart, rowCount };
}

/** How physical float values are stored in an integer BITPIX. */
export interface EncodeScaling {
  bscale: number;
  bzero: number;
  /** Stored value for NaN pixels (BLANK); required when the image holds NaN and BITPIX > 0. */
  blank?: number;
}

/** Default storage for each output BITPIX: 16 is unsigned via BZERO = 32768, 8 is unsigned bytes. */
export function defaultScaling(bitpix: number): EncodeScaling {
  if (bitpix === 16) return { bscale: 1, bzero: 32768, blank: -32768 };
  if (bitpix === 8) return { bscale: 1, bzero: 0, blank: 0 };
  if (bitpix === 32) return { bscale: 1, bzero: 0, blank: -2147483648 };
  return { bscale: 1, bzero: 0 };
}

/**
 * Encodes physical values as big-endian `bitpix` data. Integers are rounded and clamped to the
 * type's range; NaN becomes `scaling.blank`.
 */
export function encodePixels(
  values: Float32Array | Float64Array,
  bitpix: number,
  scaling: EncodeScaling = { bscale: 1, bzero: 0 },
): Uint8Array {
  const n = values.length;
  const bytesPer = Math.abs(bitpix) / 8;
  const out = new Uint8Array(n * bytesPer);
  const dv = new DataView(out.buffer);
  const { bscale, bzero } = scaling;
  if (bitpix === -32) {
    const f = new Float32Array(out.buffer);
    f.set(values);
    if (bscale !== 1 || bzero !== 0) for (let i = 0; i < n; i++) f[i] = (f[i] - bzero) / bscale;
    const w = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) {
      const v = w[i];
      w[i] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    }
    return out;
  }
  if (bitpix === -64) {
    for (let i = 0; i < n; i++) dv.setFloat64(i * 8, (values[i] - bzero) / bscale, false);
    return out;
  }
  const [lo, hi] =
    bitpix === 8
      ? [0, 255]
      : bitpix === 16
        ? [-32768, 32767]
        : bitpix === 32
          ? [-2147483648, 2147483647]
          : [-(2 ** 53), 2 ** 53];
  const blank = scaling.blank ?? lo;
  for (let i = 0; i < n; i++) {
    const p = values[i];
    let v: number;
    if (Number.isNaN(p)) v = blank;
    else {
      v = Math.round((p - bzero) / bscale);
      if (v < lo) v = lo;
      else if (v > hi) v = hi;
    }
    // Big-endian bytes written directly (much faster than DataView setters on 16-Mpixel frames).
    if (bitpix === 8) out[i] = v;
    else if (bitpix === 16) {
      out[2 * i] = (v >> 8) & 0xff;
      out[2 * i + 1] = v & 0xff;
    } else if (bitpix === 32) {
      const j = 4 * i;
      out[j] = (v >>> 24) & 0xff;
      out[j + 1] = (v >>> 16) & 0xff;
      out[j + 2] = (v >>> 8) & 0xff;
      out[j + 3] = v & 0xff;
    } else dv.setBigInt64(i * 8, BigInt(v), false);
  }
  return out;
}
