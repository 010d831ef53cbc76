/**
 * Splitting a FITS byte stream into HDUs: header blocks, data extent, and the structural checks that
 * keep a hostile header from making us read past the file or allocate more than it holds
 * (FITS Standard 4.0, §3–§7).
 */
import { InputError } from '../errors.js';
import { FitsHeader, foldCards, parseCard, type FitsCard, type FitsValue } from './header.js';

export const BLOCK = 2880;
const CARD = 80;
const VALID_BITPIX = new Set([8, 16, 32, 64, -32, -64]);
/** Headers longer than this are refused (a real header rarely passes 1000 cards). */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export type HduKind = 'image' | 'bintable' | 'table' | 'empty';

/** One header-data unit located in a file or buffer. */
export interface FitsHdu {
  index: number;
  header: FitsHeader;
  kind: HduKind;
  /** True for a tile-compressed image (ZIMAGE = T in a BINTABLE). */
  compressed: boolean;
  bitpix: number;
  /** NAXIS1, NAXIS2, … (for a compressed image, the ZNAXISn of the image it holds). */
  naxis: number[];
  /** Byte offset of the header's first card in the file. */
  headerOffset: number;
  /** Byte offset of the first data byte. */
  dataOffset: number;
  /** Bytes of data the header promises, including a table's heap, without block padding. */
  dataBytes: number;
  /** Raw big-endian data bytes (a view into the parsed buffer); absent for header-only reads. */
  data?: Uint8Array;
}

export interface ParseOptions {
  /** Used in error messages: `m31.fits: header has no END card`. */
  fileName?: string;
  /** Parse headers only; `data` is left undefined and the data bytes are not touched. */
  headerOnly?: boolean;
}

export interface ParsedFits {
  hdus: FitsHdu[];
  warnings: string[];
}

/** The result of reading one header from a buffer position. */
export interface HeaderUnit {
  header: FitsHeader;
  /** Bytes taken by the header including its padding (a multiple of 2880). */
  headerBytes: number;
}

/**
 * Parses the header that starts at `offset`. Returns `null` when `bytes` ends before the END card
 * (the caller may read more); throws `InputError` for an absurdly long header. Bytes outside printable
 * ASCII are read as '?' (NUL as a blank) with one warning, as astropy.io.fits reads them.
 */
export function parseHeaderUnit(
  bytes: Uint8Array,
  offset: number,
  fileName: string,
  warn: (message: string) => void,
): HeaderUnit | null {
  const raw: FitsCard[] = [];
  let pos = offset;
  // Bytes outside printable ASCII are read as astropy reads them ('?', with one warning per header);
  // NUL, which some writers pad with, is read as a blank so that a NUL-filled card is a blank card.
  let badBytes = 0;
  let firstBad = -1;
  for (;;) {
    if (pos + BLOCK > bytes.length) {
      if (pos - offset > MAX_HEADER_BYTES) break;
      return null;
    }
    for (let c = 0; c < BLOCK; c += CARD) {
      const start = pos + c;
      let card = bytes.subarray(start, start + CARD);
      for (let i = 0; i < CARD; i++) {
        const b = card[i];
        if (b < 0x20 || b > 0x7e) {
          if (badBytes === 0) firstBad = start + i;
          badBytes++;
          if (card.buffer === bytes.buffer) card = card.slice();
          card[i] = b === 0 ? 0x20 : 0x3f;
        }
      }
      const text = String.fromCharCode.apply(null, card as unknown as number[]);
      const parsed = parseCard(text);
      if (parsed === 'END') {
        if (badBytes > 0) {
          const first = bytes[firstBad].toString(16).padStart(2, '0');
          warn(
            `${fileName}: header at byte ${offset} has ${badBytes} byte${badBytes === 1 ? '' : 's'} outside printable ASCII (first 0x${first} at byte ${firstBad}); read as '?' (NUL as a blank), as astropy does`,
          );
        }
        const header = new FitsHeader(foldCards(raw, (m) => warn(`${fileName}: ${m}`)));
        return { header, headerBytes: pos + BLOCK - offset };
      }
      raw.push(parsed);
    }
    pos += BLOCK;
    if (pos - offset > MAX_HEADER_BYTES) break;
  }
  throw new InputError('FITS_NO_END', `${fileName}: header has no END card within ${MAX_HEADER_BYTES} bytes`);
}

/** Structure of the data a header promises. */
export interface DataLayout {
  kind: HduKind;
  compressed: boolean;
  bitpix: number;
  naxis: number[];
  dataBytes: number;
}

/**
 * Reads BITPIX/NAXISn/PCOUNT/GCOUNT and computes the data size, validating every number.
 * `primary` selects SIMPLE vs XTENSION rules.
 */
export function dataLayout(header: FitsHeader, primary: boolean, fileName: string): DataLayout {
  const first = header.cards[0]?.key;
  let kind: HduKind = 'image';
  if (primary) {
    if (first !== 'SIMPLE')
      throw new InputError('FITS_NOT_FITS', `${fileName}: not a FITS file (first card is not SIMPLE)`);
    if (header.get('SIMPLE') !== true)
      throw new InputError(
        'FITS_NOT_FITS',
        `${fileName}: SIMPLE = ${formatSimple(header.get('SIMPLE'))}: the file declares that it does not conform to the FITS standard`,
      );
  } else {
    if (first !== 'XTENSION')
      throw new InputError('FITS_BAD_HEADER', `${fileName}: extension header does not start with XTENSION`);
    const x = String(header.get('XTENSION') ?? '')
      .trim()
      .toUpperCase();
    if (x === 'BINTABLE' || x === 'A3DTABLE') kind = 'bintable';
    else if (x === 'TABLE') kind = 'table';
    else if (x === 'IMAGE' || x === 'IUEIMAGE') kind = 'image';
    else kind = 'image'; // unknown extension: skipped by size, reported as image with its raw shape
  }
  refuseConflictingDuplicates(header, fileName);
  const bitpix = header.get('BITPIX');
  if (typeof bitpix !== 'number' || !VALID_BITPIX.has(bitpix)) {
    throw new InputError(
      'FITS_BAD_BITPIX',
      `${fileName}: invalid BITPIX ${JSON.stringify(bitpix ?? null)} (expected 8, 16, 32, 64, -32 or -64)`,
    );
  }
  const n = header.get('NAXIS');
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 999) {
    throw new InputError('FITS_BAD_NAXIS', `${fileName}: invalid NAXIS ${JSON.stringify(n ?? null)}`);
  }
  const naxis: number[] = [];
  let count = n > 0 ? 1 : 0;
  for (let i = 1; i <= n; i++) {
    const v = header.get(`NAXIS${i}`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new InputError(
        'FITS_BAD_NAXIS',
        `${fileName}: invalid NAXIS${i} ${JSON.stringify(v ?? null)} (must be a non-negative integer)`,
      );
    }
    naxis.push(v);
    count *= v;
  }
  // Random groups (FITS 4.0 §6): a primary HDU with GROUPS = T and NAXIS1 = 0 holds GCOUNT groups of
  // PCOUNT parameters plus NAXIS2 × … values; it is sized correctly and reported as 'empty'.
  const groups = primary && header.get('GROUPS') === true && naxis[0] === 0;
  if (groups) count = naxis.slice(1).reduce((a, b) => a * b, 1);
  const pcount = primary && !groups ? 0 : (header.get('PCOUNT') ?? 0);
  const gcount = primary && !groups ? 1 : (header.get('GCOUNT') ?? 1);
  if (typeof pcount !== 'number' || !Number.isInteger(pcount) || pcount < 0) {
    throw new InputError('FITS_BAD_HEADER', `${fileName}: invalid PCOUNT ${JSON.stringify(pcount)}`);
  }
  if (typeof gcount !== 'number' || !Number.isInteger(gcount) || gcount < 0) {
    throw new InputError('FITS_BAD_HEADER', `${fileName}: invalid GCOUNT ${JSON.stringify(gcount)}`);
  }
  const dataBytes = (Math.abs(bitpix) / 8) * gcount * (pcount + count);
  if (!Number.isSafeInteger(dataBytes)) {
    throw new InputError(
      'FITS_TOO_LARGE',
      `${fileName}: header claims an impossible data size (NAXIS ${naxis.join('×')})`,
    );
  }
  let compressed = false;
  let outBitpix = bitpix;
  let outNaxis = naxis;
  if (kind === 'bintable' && header.get('ZIMAGE') === true) {
    compressed = true;
    kind = 'image';
    const zb = header.get('ZBITPIX');
    const zn = header.get('ZNAXIS');
    if (typeof zb !== 'number' || !VALID_BITPIX.has(zb))
      throw new InputError('FITS_BAD_BITPIX', `${fileName}: invalid ZBITPIX ${JSON.stringify(zb ?? null)}`);
    if (typeof zn !== 'number' || !Number.isInteger(zn) || zn < 0 || zn > 999)
      throw new InputError('FITS_BAD_NAXIS', `${fileName}: invalid ZNAXIS ${JSON.stringify(zn ?? null)}`);
    outBitpix = zb;
    outNaxis = [];
    for (let i = 1; i <= zn; i++) {
      const v = header.get(`ZNAXIS${i}`);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        throw new InputError('FITS_BAD_NAXIS', `${fileName}: invalid ZNAXIS${i} ${JSON.stringify(v ?? null)}`);
      outNaxis.push(v);
    }
  }
  if (!compressed && kind === 'image' && (n === 0 || count === 0 || groups)) kind = 'empty';
  return { kind, compressed, bitpix: outBitpix, naxis: outNaxis, dataBytes };
}

const STRUCTURAL = /^(BITPIX|NAXIS\d*|PCOUNT|GCOUNT|ZIMAGE|ZBITPIX|ZNAXIS\d*|GROUPS)$/;

/**
 * Refuses a header where a keyword that sizes the data (BITPIX, NAXIS, NAXISn, PCOUNT, GCOUNT, and the
 * Z… ones of a compressed image) appears twice with different values: which one a reader believes
 * decides how many bytes it reads, so no choice is safe (FITS 4.0 §4.4.1 forbids such duplicates).
 * Duplicates with one value are harmless and read.
 */
function refuseConflictingDuplicates(header: FitsHeader, fileName: string): void {
  const seen = new Map<string, FitsValue>();
  for (const card of header.cards) {
    if (!STRUCTURAL.test(card.key)) continue;
    const value = card.value ?? null;
    if (!seen.has(card.key)) {
      seen.set(card.key, value);
    } else if (seen.get(card.key) !== value) {
      throw new InputError(
        'FITS_BAD_HEADER',
        `${fileName}: conflicting duplicate ${card.key} cards (${JSON.stringify(seen.get(card.key))} and ${JSON.stringify(value)})`,
      );
    }
  }
}

function formatSimple(v: FitsValue | undefined): string {
  if (v === false) return 'F';
  return v === undefined || v === null ? '(no value)' : JSON.stringify(v);
}

/**
 * Splits `bytes` (a whole uncompressed FITS file) into HDUs. Every HDU's promised data must be in
 * `bytes` (else `FITS_TRUNCATED`), so nothing downstream can allocate more than the file holds.
 */
export function parseFits(bytes: Uint8Array, options: ParseOptions = {}): ParsedFits {
  const fileName = options.fileName ?? 'input';
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
  };
  if (bytes.length === 0) throw new InputError('FITS_EMPTY', `${fileName}: file is empty (0 bytes)`);
  checkMagic(bytes, fileName);
  const hdus: FitsHdu[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const primary = hdus.length === 0;
    if (!primary && !looksLikeExtension(bytes, offset)) {
      if (!isAllPadding(bytes, offset))
        warn(`${fileName}: ${bytes.length - offset} bytes after the last HDU are not a FITS extension; ignored`);
      break;
    }
    const unit = parseHeaderUnit(bytes, offset, fileName, warn);
    if (!unit) {
      if (primary && bytes.length < BLOCK)
        throw new InputError(
          'FITS_TRUNCATED',
          `${fileName}: file is shorter than one FITS block (${bytes.length} bytes)`,
        );
      throw new InputError(
        'FITS_NO_END',
        `${fileName}: header of HDU ${hdus.length} has no END card (file ends first)`,
      );
    }
    const layout = dataLayout(unit.header, primary, fileName);
    const dataOffset = offset + unit.headerBytes;
    const available = bytes.length - dataOffset;
    if (layout.dataBytes > available) {
      throw new InputError(
        'FITS_TRUNCATED',
        `${fileName}: HDU ${hdus.length} is truncated: header promises ${layout.dataBytes} data bytes but only ${available} remain`,
      );
    }
    const padded = Math.ceil(layout.dataBytes / BLOCK) * BLOCK;
    if (padded > available) warn(`${fileName}: HDU ${hdus.length} data is not padded to a whole 2880-byte block`);
    hdus.push({
      index: hdus.length,
      header: unit.header,
      ...layout,
      headerOffset: offset,
      dataOffset,
      data: options.headerOnly ? undefined : bytes.subarray(dataOffset, dataOffset + layout.dataBytes),
    });
    offset = dataOffset + padded;
  }
  return { hdus, warnings };
}

/** Throws a clear message for content that is obviously not FITS (PNG, JPEG, gzip, TIFF, text). */
export function checkMagic(bytes: Uint8Array, fileName: string): void {
  const sig = (...b: number[]): boolean => b.every((v, i) => bytes[i] === v);
  if (sig(0x89, 0x50, 0x4e, 0x47))
    throw new InputError('FITS_NOT_FITS', `${fileName}: not a FITS file (it is a PNG image)`);
  if (sig(0xff, 0xd8, 0xff)) throw new InputError('FITS_NOT_FITS', `${fileName}: not a FITS file (it is a JPEG image)`);
  if (sig(0x49, 0x49, 0x2a, 0x00) || sig(0x4d, 0x4d, 0x00, 0x2a))
    throw new InputError('FITS_NOT_FITS', `${fileName}: not a FITS file (it is a TIFF image)`);
  if (sig(0x1f, 0x8b))
    throw new InputError('FITS_NOT_FITS', `${fileName}: gzip data must be decompressed before parsing`);
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(9, bytes.length)));
  if (!/^SIMPLE {2}=?/.test(head) && !head.startsWith('SIMPLE  ')) {
    throw new InputError('FITS_NOT_FITS', `${fileName}: not a FITS file (does not start with SIMPLE)`);
  }
}

function looksLikeExtension(bytes: Uint8Array, offset: number): boolean {
  if (offset + 8 > bytes.length) return false;
  return String.fromCharCode(...bytes.subarray(offset, offset + 8)) === 'XTENSION';
}

function isAllPadding(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0 && bytes[i] !== 0x20) return false;
  return true;
}
