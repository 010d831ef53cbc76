/**
 * Writing FITS: mandatory keywords in the order the standard requires (FITS 4.0 §4.4.1), 2880-byte
 * padding, and DATASUM/CHECKSUM (Appendix J). Output is meant to pass `fitsverify` with no warnings.
 */
import { InputError } from '../errors.js';
import type { Image } from '../image/image.js';
import { addSums, encodeChecksum, onesComplementSum } from './checksum.js';
import { FitsHeader, formatCard, type FitsValue } from './header.js';
import { BLOCK } from './parse.js';
import { defaultScaling, encodePixels, type EncodeScaling } from './pixels.js';

/** One HDU to write. `header` holds BITPIX/NAXISn (and table keywords); the first cards are rebuilt. */
export interface EncodeHdu {
  kind?: 'image' | 'bintable' | 'table' | 'empty';
  /** A tile-compressed image read by `parseFits` is rewritten as the BINTABLE it is. */
  compressed?: boolean;
  header: FitsHeader;
  /** Big-endian data bytes (a table's rows followed by its heap); absent for an empty HDU. */
  data?: Uint8Array;
}

export interface EncodeOptions {
  /** Write DATASUM and CHECKSUM [true]. */
  checksum?: boolean;
}

/** Keywords `encodeFits` writes itself; copies of them in user headers are dropped. */
const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|TFIELDS|THEAP|CHECKSUM|DATASUM|END)$/;
/** Keywords that describe a table's columns or a compressed image: dropped when copying a header onto an image. */
const TABLE_OR_TILE = /^(T(TYPE|FORM|UNIT|SCAL|ZERO|NULL|DIM|DISP|BCOL|DMIN|DMAX|LMIN|LMAX)\d+|Z[A-Z0-9_]*|ZIMAGE)$/;
const SCALING = /^(BSCALE|BZERO|BLANK)$/;

/** True for keywords that describe data layout and must not be copied from one HDU to another. */
export function isStructuralKey(key: string): boolean {
  return STRUCTURAL.test(key) || TABLE_OR_TILE.test(key) || SCALING.test(key);
}

/** Encodes HDUs as one FITS file. A table first gets an empty primary HDU in front of it. */
export function encodeFits(hdus: readonly EncodeHdu[], options: EncodeOptions = {}): Uint8Array {
  const withChecksum = options.checksum ?? true;
  const list = [...hdus];
  if (list.length === 0 || kindOf(list[0]) === 'bintable' || kindOf(list[0]) === 'table') {
    list.unshift({
      kind: 'empty',
      header: new FitsHeader([
        { key: 'BITPIX', value: 8 },
        { key: 'NAXIS', value: 0 },
      ]),
    });
  }
  // Headers first (their CHECKSUM needs the data sum), then one output buffer: no padded copies.
  const units = list.map((hdu, i) => {
    const header = finalHeader(hdu, i === 0, list.length > 1);
    const data = hdu.data ?? new Uint8Array(0);
    const expected = dataSize(header);
    if (data.length !== expected) {
      throw new RangeError(`HDU ${i}: data has ${data.length} bytes, header promises ${expected}`);
    }
    if (withChecksum) {
      // Zero padding adds nothing to a ones' complement sum, so the unpadded data give DATASUM.
      const dataSum = onesComplementSum(data);
      header.set('DATASUM', String(dataSum), 'data unit checksum');
      header.set('CHECKSUM', '0000000000000000', 'HDU checksum');
      const hsum = onesComplementSum(headerBytes(header));
      header.set('CHECKSUM', encodeChecksum(addSums(hsum, dataSum)), 'HDU checksum');
    }
    return { head: headerBytes(header), data };
  });
  const total = units.reduce((n, u) => n + u.head.length + Math.ceil(u.data.length / BLOCK) * BLOCK, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const u of units) {
    out.set(u.head, off);
    off += u.head.length;
    out.set(u.data, off);
    off += Math.ceil(u.data.length / BLOCK) * BLOCK;
  }
  return out;
}

function kindOf(hdu: EncodeHdu): 'image' | 'bintable' | 'table' | 'empty' {
  if (hdu.compressed) return 'bintable';
  if (hdu.kind) return hdu.kind;
  const x = hdu.header.getString('XTENSION')?.trim().toUpperCase();
  return x === 'BINTABLE' ? 'bintable' : x === 'TABLE' ? 'table' : 'image';
}

function finalHeader(hdu: EncodeHdu, primary: boolean, hasExtensions: boolean): FitsHeader {
  const src = hdu.header;
  const kind = kindOf(hdu);
  const h = new FitsHeader();
  const bitpix = src.getNumber('BITPIX') ?? 8;
  const naxis = src.getNumber('NAXIS') ?? 0;
  if (primary) {
    if (kind === 'bintable' || kind === 'table') throw new RangeError('a table cannot be the primary HDU');
    h.set('SIMPLE', true, 'conforms to FITS standard');
  } else {
    h.set(
      'XTENSION',
      kind === 'bintable' ? 'BINTABLE' : kind === 'table' ? 'TABLE' : 'IMAGE',
      kind === 'image' || kind === 'empty' ? 'image extension' : 'table extension',
    );
  }
  h.set('BITPIX', bitpix, 'array data type');
  h.set('NAXIS', naxis, 'number of array dimensions');
  for (let i = 1; i <= naxis; i++) h.set(`NAXIS${i}`, src.getNumber(`NAXIS${i}`) ?? 0);
  if (primary) {
    if (hasExtensions) h.set('EXTEND', true);
  } else {
    h.set('PCOUNT', src.getNumber('PCOUNT') ?? 0, 'number of parameters');
    h.set('GCOUNT', 1, 'number of groups');
  }
  if (kind === 'bintable' || kind === 'table')
    h.set('TFIELDS', src.getNumber('TFIELDS') ?? 0, 'number of table fields');
  const needsLongstrn =
    src.cards.some((c) => typeof c.value === 'string' && c.value.length > 60) && !src.has('LONGSTRN');
  if (needsLongstrn) h.set('LONGSTRN', 'OGIP 1.0', 'CONTINUE long strings are used');
  for (const card of src.cards) {
    if (STRUCTURAL.test(card.key)) continue;
    if (primary && card.key === 'EXTNAME') continue;
    h.append({ ...card });
  }
  return h;
}

function dataSize(h: FitsHeader): number {
  const naxis = h.getNumber('NAXIS') ?? 0;
  if (naxis === 0) return 0;
  let n = 1;
  for (let i = 1; i <= naxis; i++) n *= h.getNumber(`NAXIS${i}`) ?? 0;
  return (Math.abs(h.getNumber('BITPIX') ?? 8) / 8) * (n + (h.getNumber('PCOUNT') ?? 0));
}

/** The header's card images padded to whole blocks with spaces. */
export function headerBytes(header: FitsHeader): Uint8Array {
  const lines: string[] = [];
  for (const card of header.cards) lines.push(...formatCard(card));
  lines.push('END'.padEnd(80));
  const text = lines.join('');
  const out = new Uint8Array(Math.ceil(text.length / BLOCK) * BLOCK).fill(0x20);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** A header value or card list as `writeFitsImage` accepts it. */
export type HeaderInput =
  FitsHeader | Record<string, FitsValue> | ReadonlyArray<{ key: string; value: FitsValue; comment?: string }>;

export interface ImageHduOptions {
  /** Stored type [-32]: -32, -64, 32, 16 (unsigned through BZERO = 32768), 8. */
  bitpix?: -32 | -64 | 32 | 16 | 8;
  /** Overrides the default integer storage of `bitpix`. */
  scaling?: EncodeScaling;
  header?: HeaderInput;
  history?: string[];
  extname?: string;
}

/** Builds an image HDU from float pixels; structural keys in `header` are ignored. */
export function imageHdu(image: Image, options: ImageHduOptions = {}): EncodeHdu {
  return cubeHdu(image.width, image.height, [image.data], options);
}

/**
 * Builds a 3-D image HDU (NAXIS3 = planes.length) from equal-sized planes; one plane gives a 2-D image.
 */
export function cubeHdu(
  width: number,
  height: number,
  planes: readonly Float32Array[],
  options: ImageHduOptions = {},
): EncodeHdu {
  for (const p of planes)
    if (p.length !== width * height) throw new RangeError(`plane has ${p.length} values, expected ${width}×${height}`);
  const data = planes.length === 1 ? planes[0] : concat(planes, width * height);
  const image = { width, height, data };
  const bitpix = options.bitpix ?? -32;
  if (![-32, -64, 32, 16, 8].includes(bitpix))
    throw new InputError('BAD_PARAMETER', `'bitpix' must be -32, -64, 32, 16 or 8, got ${String(bitpix)}`);
  const scaling = options.scaling ?? defaultScaling(bitpix);
  const h = new FitsHeader();
  h.set('BITPIX', bitpix);
  h.set('NAXIS', planes.length === 1 ? 2 : 3);
  h.set('NAXIS1', image.width);
  h.set('NAXIS2', image.height);
  if (planes.length !== 1) h.set('NAXIS3', planes.length);
  if (bitpix > 0) {
    if (scaling.bscale !== 1) h.set('BSCALE', scaling.bscale);
    if (scaling.bzero !== 0) h.set('BZERO', scaling.bzero);
    if (scaling.blank !== undefined && hasNaN(image.data))
      h.set('BLANK', scaling.blank, 'stored value of undefined pixels');
  }
  if (options.extname) h.set('EXTNAME', options.extname, 'extension name');
  const user = FitsHeader.from(options.header);
  for (const card of user.cards) {
    if (isStructuralKey(card.key)) continue;
    if (card.key === 'EXTNAME' && options.extname) continue;
    h.append(card);
  }
  for (const line of options.history ?? []) h.addHistory(line);
  return { kind: 'image', header: h, data: encodePixels(image.data, bitpix, scaling) };
}

function concat(planes: readonly Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n * planes.length);
  planes.forEach((p, i) => out.set(p, i * n));
  return out;
}

function hasNaN(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) return true;
  return false;
}
