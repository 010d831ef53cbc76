/**
 * Binary and ASCII tables (FITS Standard 4.0, §7.2 and §7.3): column decoding into typed arrays and
 * BINTABLE encoding of columnar catalogs.
 */
import { InputError } from '../errors.js';
import type { EncodeHdu, HeaderInput } from './encode.js';
import { isStructuralKey } from './encode.js';
import { FitsHeader } from './header.js';
import type { FitsHdu } from './parse.js';

export type ColumnData = Float64Array | Float32Array | Int32Array | Int16Array | Uint8Array | string[];

/** One column to write. */
export interface TableColumnInput {
  name: string;
  data: ColumnData;
  unit?: string;
  /** IVOA UCD, written as TUCDn (the HEASARC/IVOA column-UCD convention astropy and TOPCAT read). */
  ucd?: string;
  /** One-line description, written as TCOMMn (at most 68 characters; longer text is cut). */
  description?: string;
}

/** One decoded column. Numeric columns with repeat > 1 are flat (row-major), `repeat` values per row. */
export interface TableColumn {
  name: string;
  /** TFORMn as written, e.g. `1E`, `20A`, `1PB(42)`. */
  format: string;
  unit?: string;
  repeat: number;
  data: ColumnData;
}

export interface DecodedTable {
  rows: number;
  columns: TableColumn[];
}

/** A parsed TFORM: repeat count, type letter, and for P/Q the element type. */
export interface BinaryField {
  repeat: number;
  type: string;
  /** For P/Q descriptors, the element type letter. */
  elementType?: string;
  /** Byte width of the field in a row. */
  width: number;
  /** Byte offset within the row. */
  offset: number;
}

const TYPE_BYTES: Record<string, number> = {
  L: 1,
  X: 0,
  B: 1,
  I: 2,
  J: 4,
  K: 8,
  A: 1,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
  P: 8,
  Q: 16,
};

/** Parses TFORM1…TFORMn of a BINTABLE header into byte layouts, checking they add up to NAXIS1. */
export function binaryFields(header: FitsHeader, fileName = 'input'): BinaryField[] {
  const n = header.getNumber('TFIELDS') ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 999)
    throw new InputError('FITS_BAD_TABLE', `${fileName}: invalid TFIELDS ${n}`);
  const fields: BinaryField[] = [];
  let offset = 0;
  for (let i = 1; i <= n; i++) {
    const tform = (header.getString(`TFORM${i}`) ?? '').trim().toUpperCase();
    const m = /^(\d*)([LXBIJKAEDCMPQ])([LXBIJKAEDCM])?/.exec(tform);
    if (!m) throw new InputError('FITS_BAD_TABLE', `${fileName}: column ${i} has an invalid TFORM '${tform}'`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const type = m[2];
    const width = type === 'X' ? Math.ceil(repeat / 8) : repeat * TYPE_BYTES[type];
    fields.push({ repeat, type, ...(m[3] ? { elementType: m[3] } : {}), width, offset });
    offset += width;
  }
  const rowBytes = header.getNumber('NAXIS1') ?? 0;
  if (offset > rowBytes)
    throw new InputError(
      'FITS_BAD_TABLE',
      `${fileName}: columns need ${offset} bytes per row but NAXIS1 is ${rowBytes}`,
    );
  return fields;
}

export interface TableReadOptions {
  rowStart?: number;
  rowCount?: number;
  fileName?: string;
}

/** Decodes a BINTABLE or ASCII TABLE HDU (with `data`). TSCAL/TZERO and TNULL give Float64 values with NaN. */
export function decodeTable(hdu: FitsHdu, options: TableReadOptions = {}): DecodedTable {
  const fileName = options.fileName ?? 'input';
  const h = hdu.header;
  if (hdu.kind !== 'bintable' && hdu.kind !== 'table' && !hdu.compressed) {
    throw new InputError('FITS_NOT_TABLE', `${fileName}: HDU ${hdu.index} is not a table`);
  }
  if (!hdu.data) throw new InputError('FITS_NO_DATA', `${fileName}: HDU ${hdu.index} was read header-only`);
  const rowBytes = h.getNumber('NAXIS1') ?? 0;
  const nrows = h.getNumber('NAXIS2') ?? 0;
  const rowStart = options.rowStart ?? 0;
  const rows = options.rowCount ?? nrows - rowStart;
  if (rowStart < 0 || rows < 0 || rowStart + rows > nrows) {
    throw new InputError(
      'BAD_PARAMETER',
      `${fileName}: rows ${rowStart}..${rowStart + rows - 1} are outside the table's 0..${nrows - 1}`,
    );
  }
  const data = hdu.data;
  const n = h.getNumber('TFIELDS') ?? 0;
  const columns: TableColumn[] = [];
  if (hdu.kind === 'table') {
    for (let i = 1; i <= n; i++) {
      const tform = (h.getString(`TFORM${i}`) ?? 'A1').trim().toUpperCase();
      const tbcol = (h.getNumber(`TBCOL${i}`) ?? 1) - 1;
      const width = Number(/^[AIFED](\d+)/.exec(tform)?.[1] ?? 1);
      const texts: string[] = [];
      for (let r = 0; r < rows; r++) {
        const at = (rowStart + r) * rowBytes + tbcol;
        texts.push(String.fromCharCode(...data.subarray(at, at + width)).trim());
      }
      let col: ColumnData = texts;
      if (tform[0] !== 'A') {
        const nul = h.getString(`TNULL${i}`)?.trim();
        const scale = h.getNumber(`TSCAL${i}`) ?? 1;
        const zero = h.getNumber(`TZERO${i}`) ?? 0;
        col = Float64Array.from(texts, (t) =>
          t === '' || t === nul ? Number.NaN : Number(t.replace(/[dD]/, 'E')) * scale + zero,
        );
      }
      columns.push(columnMeta(h, i, tform, 1, col));
    }
    return { rows, columns };
  }
  const fields = binaryFields(h, fileName);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  fields.forEach((f, k) => {
    const i = k + 1;
    const tform = h.getString(`TFORM${i}`)?.trim() ?? '';
    const scale = h.getNumber(`TSCAL${i}`) ?? 1;
    const zero = h.getNumber(`TZERO${i}`) ?? 0;
    const tnull = h.getNumber(`TNULL${i}`);
    const count = rows * f.repeat;
    const base = (r: number): number => (rowStart + r) * rowBytes + f.offset;
    let col: ColumnData;
    if (f.type === 'A') {
      const texts: string[] = [];
      for (let r = 0; r < rows; r++) {
        let s = '';
        const at = base(r);
        for (let j = 0; j < f.repeat; j++) {
          const b = data[at + j];
          if (b === 0) break;
          s += String.fromCharCode(b);
        }
        texts.push(s.trimEnd());
      }
      col = texts;
    } else if (f.type === 'P' || f.type === 'Q') {
      // Descriptors (count, heap offset) as pairs.
      const out = new Float64Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        const at = base(r);
        if (f.type === 'P') {
          out[2 * r] = dv.getInt32(at, false);
          out[2 * r + 1] = dv.getInt32(at + 4, false);
        } else {
          out[2 * r] = Number(dv.getBigInt64(at, false));
          out[2 * r + 1] = Number(dv.getBigInt64(at + 8, false));
        }
      }
      columns.push(columnMeta(h, i, tform, 2, out));
      return;
    } else {
      const scaled = scale !== 1 || zero !== 0 || tnull !== undefined;
      const raw = readNumeric(dv, f, rows, rowBytes, rowStart);
      if (scaled && f.type !== 'E' && f.type !== 'D') {
        const out = new Float64Array(count);
        for (let j = 0; j < count; j++)
          out[j] = tnull !== undefined && raw[j] === tnull ? Number.NaN : raw[j] * scale + zero;
        col = out;
      } else if (scaled) {
        const out = new Float64Array(count);
        for (let j = 0; j < count; j++) out[j] = raw[j] * scale + zero;
        col = out;
      } else col = raw;
    }
    columns.push(columnMeta(h, i, tform, f.repeat, col));
  });
  return { rows, columns };
}

function columnMeta(h: FitsHeader, i: number, format: string, repeat: number, data: ColumnData): TableColumn {
  const unit = h.getString(`TUNIT${i}`);
  return { name: h.getString(`TTYPE${i}`)?.trim() ?? `COL${i}`, format, repeat, data, ...(unit ? { unit } : {}) };
}

function readNumeric(
  dv: DataView,
  f: BinaryField,
  rows: number,
  rowBytes: number,
  rowStart: number,
): Exclude<ColumnData, string[]> {
  const count = rows * f.repeat;
  const size = TYPE_BYTES[f.type];
  const make = (): Exclude<ColumnData, string[]> => {
    switch (f.type) {
      case 'L':
      case 'B':
      case 'X':
        return new Uint8Array(f.type === 'X' ? rows * f.width : count);
      case 'I':
        return new Int16Array(count);
      case 'J':
        return new Int32Array(count);
      case 'E':
        return new Float32Array(count);
      case 'C':
        return new Float32Array(count * 2);
      case 'M':
        return new Float64Array(count * 2);
      default:
        return new Float64Array(count);
    }
  };
  const out = make();
  for (let r = 0; r < rows; r++) {
    const at = (rowStart + r) * rowBytes + f.offset;
    if (f.type === 'X') {
      for (let j = 0; j < f.width; j++) out[r * f.width + j] = dv.getUint8(at + j);
      continue;
    }
    const per = f.type === 'C' || f.type === 'M' ? 2 : 1;
    for (let j = 0; j < f.repeat * per; j++) {
      const o = at + j * (size / per);
      const k = r * f.repeat * per + j;
      switch (f.type) {
        case 'L':
          out[k] = dv.getUint8(o) === 0x54 ? 1 : 0;
          break;
        case 'B':
          out[k] = dv.getUint8(o);
          break;
        case 'I':
          out[k] = dv.getInt16(o, false);
          break;
        case 'J':
          out[k] = dv.getInt32(o, false);
          break;
        case 'K':
          out[k] = Number(dv.getBigInt64(o, false));
          break;
        case 'E':
        case 'C':
          out[k] = dv.getFloat32(o, false);
          break;
        default:
          out[k] = dv.getFloat64(o, false);
      }
    }
  }
  return out;
}

export interface TableHduOptions {
  header?: HeaderInput;
  extname?: string;
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

/** Builds a BINTABLE HDU from equal-length columns (TTYPE/TFORM/TUNIT/TUCD/TCOMM written per column). */
export function tableHdu(columns: readonly TableColumnInput[], options: TableHduOptions = {}): EncodeHdu {
  const nrows = columns.length ? columns[0].data.length : 0;
  const layout = columns.map((c, k) => {
    if (c.data.length !== nrows) {
      throw new InputError(
        'BAD_PARAMETER',
        `column '${c.name}' has ${c.data.length} rows, column '${columns[0].name}' has ${nrows}`,
      );
    }
    if (!/^[\x20-\x7e]+$/.test(c.name))
      throw new InputError('BAD_PARAMETER', `column ${k + 1} needs a printable ASCII name`);
    if (Array.isArray(c.data)) {
      const width = Math.max(1, ...c.data.map((s) => s.length));
      for (const s of c.data)
        if (!/^[\x20-\x7e]*$/.test(s)) throw new InputError('BAD_PARAMETER', `column '${c.name}' holds non-ASCII text`);
      return { tform: `${width}A`, width };
    }
    const d = c.data;
    if (d instanceof Float64Array) return { tform: '1D', width: 8 };
    if (d instanceof Float32Array) return { tform: '1E', width: 4 };
    if (d instanceof Int32Array) return { tform: '1J', width: 4 };
    if (d instanceof Int16Array) return { tform: '1I', width: 2 };
    return { tform: '1B', width: 1 };
  });
  const rowBytes = layout.reduce((n, l) => n + l.width, 0);
  const data = new Uint8Array(rowBytes * nrows);
  const dv = new DataView(data.buffer);
  let offset = 0;
  columns.forEach((c, k) => {
    const { width } = layout[k];
    const d = c.data;
    for (let r = 0; r < nrows; r++) {
      const at = r * rowBytes + offset;
      if (Array.isArray(d)) {
        const s = d[r];
        for (let j = 0; j < s.length; j++) data[at + j] = s.charCodeAt(j);
        for (let j = s.length; j < width; j++) data[at + j] = 0x20;
      } else if (d instanceof Float64Array) dv.setFloat64(at, d[r], false);
      else if (d instanceof Float32Array) dv.setFloat32(at, d[r], false);
      else if (d instanceof Int32Array) dv.setInt32(at, d[r], false);
      else if (d instanceof Int16Array) dv.setInt16(at, d[r], false);
      else data[at] = d[r];
    }
    offset += width;
  });
  const h = new FitsHeader();
  h.set('BITPIX', 8);
  h.set('NAXIS', 2);
  h.set('NAXIS1', rowBytes, 'width of table in bytes');
  h.set('NAXIS2', nrows, 'number of rows in table');
  h.set('PCOUNT', 0);
  h.set('TFIELDS', columns.length);
  columns.forEach((c, k) => {
    h.set(`TTYPE${k + 1}`, c.name);
    h.set(`TFORM${k + 1}`, layout[k].tform);
    if (c.unit) h.set(`TUNIT${k + 1}`, c.unit);
    if (c.ucd) h.set(`TUCD${k + 1}`, c.ucd.slice(0, 68));
    if (c.description) h.set(`TCOMM${k + 1}`, printable(c.description).slice(0, 68));
  });
  if (options.extname) h.set('EXTNAME', options.extname, 'extension name');
  for (const card of FitsHeader.from(options.header).cards) {
    if (isStructuralKey(card.key) || (card.key === 'EXTNAME' && options.extname)) continue;
    h.append(card);
  }
  return { kind: 'bintable', header: h, data };
}
