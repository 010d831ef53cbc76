/**
 * Tile-compressed images (FITS Standard 4.0 §10; Pence, White & Seaman, "Tiled image convention for
 * storing compressed images in FITS binary tables"). Supported: RICE_1 (= RICE_ONE), GZIP_1, GZIP_2,
 * PLIO_1, HCOMPRESS_1 (without decompression smoothing) and NOCOMPRESS, with quantised floats
 * (ZSCALE/ZZERO, NO_DITHER, SUBTRACTIVE_DITHER_1 and _2) and lossless GZIP_COMPRESSED_DATA /
 * UNCOMPRESSED_DATA tiles. zlib inflation is injected (`inflate`) so that core stays free of Node.
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/image.js';
import { binaryFields, type BinaryField } from './table.js';
import type { FitsHdu } from './parse.js';
import { FitsHeader } from './header.js';
import { riceDecode } from './rice.js';
import { plioDecode } from './plio.js';
import { hcompressDecode } from './hcompress.js';

export interface CompressedReadOptions {
  /** Inflates a zlib or gzip stream into at most `limit` bytes. Injected so that core stays pure. */
  inflate: (bytes: Uint8Array, limit: number) => Uint8Array;
  fileName?: string;
  /** Band of image rows to decode (0-based) [all]; only the tiles that cover it are decompressed. */
  rowStart?: number;
  rowCount?: number;
  /** Largest output image in pixels [2^29]. */
  maxPixels?: number;
  warn?: (message: string) => void;
}

/**
 * The header of the image a compressed HDU holds, as astropy's CompImageHDU.header shows it:
 * ZBITPIX/ZNAXISn become BITPIX/NAXISn, ZHECKSUM/ZDATASUM become CHECKSUM/DATASUM, and the table and
 * compression keywords are dropped.
 */
export function imageHeaderOfCompressed(header: FitsHeader): FitsHeader {
  const out = new FitsHeader();
  const rename: Record<string, string> = {
    ZSIMPLE: 'SIMPLE',
    ZTENSION: 'XTENSION',
    ZBITPIX: 'BITPIX',
    ZNAXIS: 'NAXIS',
    ZEXTEND: 'EXTEND',
    ZBLOCKED: 'BLOCKED',
    ZPCOUNT: 'PCOUNT',
    ZGCOUNT: 'GCOUNT',
    ZHECKSUM: 'CHECKSUM',
    ZDATASUM: 'DATASUM',
  };
  const drop =
    /^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|THEAP|CHECKSUM|DATASUM|T(TYPE|FORM|UNIT|SCAL|ZERO|NULL|DIM|DISP)\d+|ZIMAGE|ZCMPTYPE|ZTILE\d+|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZDITHER0|ZMASKCMP|ZSCALE|ZZERO|ZBLANK)$/;
  for (const card of header.cards) {
    const m = /^ZNAXIS(\d+)$/.exec(card.key);
    if (m) out.append({ ...card, key: `NAXIS${m[1]}` });
    else if (rename[card.key]) out.append({ ...card, key: rename[card.key] });
    else if (!drop.test(card.key)) out.append({ ...card });
  }
  if (!out.has('SIMPLE') && !out.has('XTENSION'))
    out.insert(0, { key: 'XTENSION', value: 'IMAGE', comment: 'image extension' });
  return out;
}

const NULL_VALUE = -2147483647;
const ZERO_VALUE = -2147483646;
const N_RANDOM = 10000;

let randoms: Float32Array | undefined;

/** The standard's table of 10 000 uniform deviates (Park & Miller minimal standard generator, float32). */
export function ditherRandoms(): Float32Array {
  if (randoms) return randoms;
  const out = new Float32Array(N_RANDOM);
  const a = 16807;
  const m = 2147483647;
  let seed = 1;
  for (let i = 0; i < N_RANDOM; i++) {
    const temp = a * seed;
    seed = temp - m * Math.trunc(temp / m);
    out[i] = seed / m;
  }
  randoms = out;
  return out;
}

/** Decodes a tile-compressed image HDU (with `data` = table rows + heap) to physical float32 pixels. */
export function decodeCompressedImage(hdu: FitsHdu, options: CompressedReadOptions): Image {
  const fileName = options.fileName ?? 'input';
  const where = `${fileName}: HDU ${hdu.index}`;
  const h = hdu.header;
  const data = hdu.data;
  if (!data) throw new InputError('FITS_NO_DATA', `${where} was read header-only`);
  const cmp = (h.getString('ZCMPTYPE') ?? '').trim().toUpperCase();
  const algorithms = ['RICE_1', 'RICE_ONE', 'GZIP_1', 'GZIP_2', 'PLIO_1', 'HCOMPRESS_1', 'NOCOMPRESS'];
  if (!algorithms.includes(cmp)) {
    throw new InputError(
      'FITS_UNSUPPORTED',
      `${where}: compression '${cmp}' is not supported (supported: RICE_1, GZIP_1, GZIP_2, PLIO_1, HCOMPRESS_1, NOCOMPRESS)`,
    );
  }
  const zbitpix = hdu.bitpix;
  const naxis = hdu.naxis;
  if (naxis.length < 1) throw new InputError('FITS_BAD_NAXIS', `${where}: compressed image has no axes`);
  const width = naxis[0];
  const height = naxis.length > 1 ? naxis[1] : 1;
  const maxPixels = options.maxPixels ?? 2 ** 29;
  if (width * height > maxPixels) {
    throw new InputError(
      'FITS_TOO_LARGE',
      `${where}: compressed image claims ${width}×${height} pixels, above the ${maxPixels}-pixel limit`,
    );
  }
  const tileW = h.getNumber('ZTILE1') ?? width;
  const tileH = naxis.length > 1 ? (h.getNumber('ZTILE2') ?? 1) : 1;
  if (!(tileW >= 1 && tileH >= 1 && Number.isInteger(tileW) && Number.isInteger(tileH))) {
    throw new InputError('FITS_BAD_HEADER', `${where}: invalid tile size ZTILE1=${tileW} ZTILE2=${tileH}`);
  }
  for (let i = 3; i <= naxis.length; i++) {
    if ((h.getNumber(`ZTILE${i}`) ?? 1) !== 1)
      throw new InputError('FITS_UNSUPPORTED', `${where}: tiles spanning axis ${i} are not supported`);
  }
  const params = compressionParams(h);
  if (cmp === 'HCOMPRESS_1' && params.smooth)
    throw new InputError(
      'FITS_UNSUPPORTED',
      `${where}: HCOMPRESS_1 with smoothing (SMOOTH = ${params.smooth}) is not supported`,
    );
  const quantize = (h.getString('ZQUANTIZ') ?? '').trim().toUpperCase();
  const dither0 = h.getNumber('ZDITHER0') ?? 0;
  const tilesX = Math.ceil(width / tileW);
  const tilesY = Math.ceil(height / tileH);

  const table = tableAccess(hdu, where);
  const rowStart = options.rowStart ?? 0;
  const rowCount = options.rowCount ?? height - rowStart;
  if (rowStart < 0 || rowCount < 0 || rowStart + rowCount > height) {
    throw new InputError(
      'BAD_PARAMETER',
      `${where}: rows ${rowStart}..${rowStart + rowCount - 1} are outside 0..${height - 1}`,
    );
  }
  if (table.rows < tilesX * tilesY) {
    throw new InputError(
      'FITS_TRUNCATED',
      `${where}: table has ${table.rows} tiles, the image needs ${tilesX * tilesY}`,
    );
  }
  const out = new Float32Array(width * rowCount);
  const kwScale = h.getNumber('ZSCALE');
  const kwZero = h.getNumber('ZZERO');
  const kwBlank = h.getNumber('ZBLANK') ?? (zbitpix > 0 ? h.getNumber('BLANK') : undefined);
  const bscale = h.getNumber('BSCALE') ?? 1;
  const bzero = h.getNumber('BZERO') ?? 0;
  const rand = ditherRandoms();
  const ty0 = Math.floor(rowStart / tileH);
  const ty1 = rowCount > 0 ? Math.floor((rowStart + rowCount - 1) / tileH) : ty0 - 1;
  for (let ty = ty0; ty <= ty1; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      const tile = ty * tilesX + tx;
      const tw = Math.min(tileW, width - tx * tileW);
      const th = Math.min(tileH, height - ty * tileH);
      const n = tw * th;
      const scale = table.number('ZSCALE', tile) ?? kwScale;
      const zero = table.number('ZZERO', tile) ?? kwZero;
      const blank = table.number('ZBLANK', tile) ?? kwBlank;
      const values = new Float32Array(n);
      const compressed = table.bytes('COMPRESSED_DATA', tile);
      if (compressed && compressed.length > 0) {
        const quantised = zbitpix < 0 && scale !== undefined;
        const ints = decodeTileInts(
          cmp,
          compressed,
          n,
          quantised ? 4 : Math.abs(zbitpix) / 8,
          zbitpix,
          quantised,
          params,
          options,
          where,
        );
        if (ints instanceof Float64Array) {
          values.set(ints);
        } else if (quantised) {
          const method = quantize || 'NO_DITHER';
          if (method === 'NO_DITHER' || method === 'NONE') {
            for (let i = 0; i < n; i++) values[i] = ints[i] === blank ? Number.NaN : ints[i] * scale + (zero ?? 0);
          } else {
            // Subtractive dithering: the tile's place in the random table follows from its row and ZDITHER0.
            let iseed = (tile + dither0 - 1) % N_RANDOM;
            if (iseed < 0) iseed += N_RANDOM;
            let next = Math.trunc(rand[iseed] * 500);
            const dither2 = method === 'SUBTRACTIVE_DITHER_2';
            const z = zero ?? 0;
            for (let i = 0; i < n; i++) {
              const v = ints[i];
              if (v === blank || (blank === undefined && v === NULL_VALUE)) values[i] = Number.NaN;
              else if (dither2 && v === ZERO_VALUE) values[i] = 0;
              else values[i] = (v - rand[next] + 0.5) * scale + z;
              next++;
              if (next === N_RANDOM) {
                iseed = (iseed + 1) % N_RANDOM;
                next = Math.trunc(rand[iseed] * 500);
              }
            }
          }
        } else {
          const s = scale ?? bscale;
          const z = zero ?? bzero;
          for (let i = 0; i < n; i++)
            values[i] = blank !== undefined && ints[i] === blank ? Number.NaN : ints[i] * s + z;
        }
      } else {
        const raw = table.bytes('GZIP_COMPRESSED_DATA', tile) ?? table.bytes('UNCOMPRESSED_DATA', tile);
        if (!raw || raw.length === 0)
          throw new InputError('FITS_BAD_COMPRESSION', `${where}: tile ${tile + 1} has no data`);
        const fromGzip = table.bytes('GZIP_COMPRESSED_DATA', tile)?.length ? true : false;
        const elem = Math.abs(zbitpix) / 8;
        const bytes = fromGzip ? safeInflate(options, raw, n * elem, where) : raw;
        const decoded = bigEndianNumbers(bytes, zbitpix, n, where, tile);
        for (let i = 0; i < n; i++)
          values[i] =
            zbitpix > 0 && blank !== undefined && decoded[i] === blank
              ? Number.NaN
              : decoded[i] * (zbitpix > 0 ? bscale : 1) + (zbitpix > 0 ? bzero : 0);
      }
      // Place the tile rows that fall inside the requested band.
      for (let r = 0; r < th; r++) {
        const y = ty * tileH + r - rowStart;
        if (y < 0 || y >= rowCount) continue;
        out.set(values.subarray(r * tw, r * tw + tw), y * width + tx * tileW);
      }
    }
  }
  return { width, height: rowCount, data: out };
}

interface TileParams {
  blockSize: number;
  bytePix?: number;
  /** HCOMPRESS_1 smoothing during decompression [0]. */
  smooth?: number;
}

function compressionParams(h: FitsHdu['header']): TileParams {
  const p: TileParams = { blockSize: 32 };
  for (let i = 1; i <= 99; i++) {
    const name = h.getString(`ZNAME${i}`)?.trim().toUpperCase();
    if (!name) break;
    const value = h.getNumber(`ZVAL${i}`);
    if (name === 'BLOCKSIZE' && value) p.blockSize = value;
    if (name === 'BYTEPIX' && value) p.bytePix = value;
    if (name === 'SMOOTH' && value) p.smooth = value;
  }
  return p;
}

function decodeTileInts(
  cmp: string,
  compressed: Uint8Array,
  n: number,
  elem: number,
  zbitpix: number,
  quantised: boolean,
  params: TileParams,
  options: CompressedReadOptions,
  where: string,
): Int32Array | Float64Array {
  switch (cmp) {
    case 'RICE_1':
    case 'RICE_ONE': {
      const bytePix = quantised ? 4 : (params.bytePix ?? elem);
      return riceDecode(compressed, n, params.blockSize, bytePix, where);
    }
    case 'PLIO_1':
      return plioDecode(compressed, n, where);
    case 'HCOMPRESS_1':
      return Int32Array.from(hcompressDecode(compressed, n, where).values);
    case 'GZIP_1':
    case 'GZIP_2': {
      let bytes = safeInflate(options, compressed, n * elem, where);
      if (bytes.length !== n * elem) {
        throw new InputError(
          'FITS_BAD_COMPRESSION',
          `${where}: gzip tile holds ${bytes.length} bytes, expected ${n * elem}`,
        );
      }
      if (cmp === 'GZIP_2') bytes = unshuffle(bytes, elem);
      if (!quantised && zbitpix < 0) return bigEndianNumbers(bytes, zbitpix, n, where, 0);
      return bigEndianInts(bytes, elem, n);
    }
    default: {
      // NOCOMPRESS: the raw big-endian values.
      if (!quantised && zbitpix < 0) return bigEndianNumbers(compressed, zbitpix, n, where, 0);
      return bigEndianInts(compressed, elem, n);
    }
  }
}

/** Calls the injected inflater, turning whatever it throws into an `InputError` naming the HDU. */
function safeInflate(options: CompressedReadOptions, bytes: Uint8Array, limit: number, where: string): Uint8Array {
  try {
    return options.inflate(bytes, limit);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.code, `${where}: ${error.message}`);
    throw new InputError(
      'FITS_BAD_COMPRESSION',
      `${where}: corrupt gzip tile (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Undoes GZIP_2's byte shuffle: all most-significant bytes first, then the next, … */
export function unshuffle(bytes: Uint8Array, elem: number): Uint8Array {
  if (elem === 1) return bytes;
  const n = bytes.length / elem;
  const out = new Uint8Array(bytes.length);
  for (let j = 0; j < elem; j++) {
    const base = j * n;
    for (let i = 0; i < n; i++) out[i * elem + j] = bytes[base + i];
  }
  return out;
}

function bigEndianInts(bytes: Uint8Array, elem: number, n: number): Int32Array {
  const out = new Int32Array(n);
  if (bytes.length < n * elem)
    throw new InputError('FITS_BAD_COMPRESSION', `tile holds ${bytes.length} bytes, expected ${n * elem}`);
  if (elem === 1) for (let i = 0; i < n; i++) out[i] = bytes[i];
  else if (elem === 2) for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = ((bytes[j] << 24) >> 16) | bytes[j + 1];
  else
    for (let i = 0, j = 0; i < n; i++, j += 4)
      out[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
  return out;
}

function bigEndianNumbers(bytes: Uint8Array, bitpix: number, n: number, where: string, tile: number): Float64Array {
  const elem = Math.abs(bitpix) / 8;
  if (bytes.length < n * elem)
    throw new InputError(
      'FITS_BAD_COMPRESSION',
      `${where}: tile ${tile + 1} holds ${bytes.length} bytes, expected ${n * elem}`,
    );
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n * elem);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * elem;
    switch (bitpix) {
      case -32:
        out[i] = dv.getFloat32(o, false);
        break;
      case -64:
        out[i] = dv.getFloat64(o, false);
        break;
      case 8:
        out[i] = dv.getUint8(o);
        break;
      case 16:
        out[i] = dv.getInt16(o, false);
        break;
      case 32:
        out[i] = dv.getInt32(o, false);
        break;
      default:
        out[i] = Number(dv.getBigInt64(o, false));
    }
  }
  return out;
}

/** Access to a compressed image's table cells: scalar columns and variable-length byte arrays in the heap. */
function tableAccess(hdu: FitsHdu, where: string) {
  const h = hdu.header;
  const data = hdu.data as Uint8Array;
  const rowBytes = h.getNumber('NAXIS1') ?? 0;
  const rows = h.getNumber('NAXIS2') ?? 0;
  const heapStart = h.getNumber('THEAP') ?? rowBytes * rows;
  const fields = binaryFields(h, where);
  const byName = new Map<string, { field: BinaryField; index: number }>();
  fields.forEach((field, k) => {
    const name = h
      .getString(`TTYPE${k + 1}`)
      ?.trim()
      .toUpperCase();
    if (name) byName.set(name, { field, index: k + 1 });
  });
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const ELEM: Record<string, number> = { B: 1, I: 2, J: 4, K: 8, E: 4, D: 8, A: 1, L: 1 };
  return {
    rows,
    number(name: string, row: number): number | undefined {
      const col = byName.get(name);
      if (!col) return undefined;
      const at = row * rowBytes + col.field.offset;
      switch (col.field.type) {
        case 'D':
          return dv.getFloat64(at, false);
        case 'E':
          return dv.getFloat32(at, false);
        case 'J':
          return dv.getInt32(at, false);
        case 'I':
          return dv.getInt16(at, false);
        case 'K':
          return Number(dv.getBigInt64(at, false));
        default:
          return undefined;
      }
    },
    bytes(name: string, row: number): Uint8Array | undefined {
      const col = byName.get(name);
      if (!col || (col.field.type !== 'P' && col.field.type !== 'Q')) return undefined;
      const at = row * rowBytes + col.field.offset;
      const count = col.field.type === 'P' ? dv.getUint32(at, false) : Number(dv.getBigUint64(at, false));
      const offset = col.field.type === 'P' ? dv.getUint32(at + 4, false) : Number(dv.getBigUint64(at + 8, false));
      const size = count * (ELEM[col.field.elementType ?? 'B'] ?? 1);
      const start = heapStart + offset;
      if (start + size > data.length || start < 0) {
        throw new InputError(
          'FITS_TRUNCATED',
          `${where}: tile ${row + 1} points outside the heap (${start + size} > ${data.length} bytes)`,
        );
      }
      return data.subarray(start, start + size);
    },
  };
}
