/**
 * The encoding half of the page-read BINARY2 source export (export-sources-binary2.ts): one piece of a frame, a run
 * of consecutive rowids, decoded from the catalog's leaf pages and written as BINARY2 rows into one buffer, with no
 * JavaScript value per cell. Pieces are independent of each other (no base64 state, no file offset), so the export
 * thread or helper threads (export-binary2.worker.ts) may encode them in any order and the file is the same.
 */
import { SOURCE_FIELDS, SOURCE_TABLE_COLUMNS } from './source-writer.js';
import { OverflowRecord, SqliteFile, TableCursor } from './sqlite-table-file.js';

/** Computed columns of `SOURCE_SELECT`, which no table column holds. */
export const ROWID = -1;
export const MAG_CAL = -2;
export const MAG_CAL_ERR = -3;
export const ZP_SOURCE = -4;

/**
 * Where each column of `SOURCE_SELECT` comes from: a table column by name, or (negative) a computed one. Derived
 * from the writers' `SOURCE_FIELDS` (its field name is the export's column name; `frame_id`, `idx`, `object_id` are
 * the writer's own and go camel-case), so a column added to `sources` is exported here without a second list.
 */
export const SOURCE_COLUMN_OF: ReadonlyMap<string, string | number> = new Map<string, string | number>([
  ['id', ROWID],
  ...SOURCE_TABLE_COLUMNS.map((c): [string, string] => [
    SOURCE_FIELDS[c] ?? c.replace(/_([a-z])/g, (_, l: string) => l.toUpperCase()),
    c,
  ]),
  ['magCal', MAG_CAL],
  ['magCalErr', MAG_CAL_ERR],
  ['zpSource', ZP_SOURCE],
]);

/** What a piece encoder needs to know of the schema; plain data, so it travels to helper threads. */
export interface PagePlan {
  /** Per output column: table column index, or ROWID / MAG_CAL / MAG_CAL_ERR / ZP_SOURCE. */
  field: Int32Array;
  /** Per output column: 0 double, 1 long, 2 char. */
  kind: Uint8Array;
  /** Table columns of frame_id, idx, mag_inst, mag_err. */
  frameCol: number;
  idxCol: number;
  magInstCol: number;
  magErrCol: number;
  tableColumns: number;
  root: number;
}

/** A frame's plate-solve zero point, as `CALIBRATED_COLUMNS` reads it. */
export interface ZeroPoint {
  zp: number | null;
  /** coalesce(phot_zp_err², 0) */
  zpErr2: number;
  /** The zpSource text as UTF-8 bytes. */
  source: Uint8Array;
}

/** Rowids `from`…`to` of frame `frame`: one piece of work. */
export interface Piece {
  frame: number;
  from: number;
  to: number;
  zp: ZeroPoint;
}

/**
 * A piece's BINARY2 bytes, or `ok: false` when a row is not what the page path handles (another frame's, not
 * consecutive, idx decreasing, spilling to overflow pages, a text in a number column): the frame then goes to SQLite.
 * `firstIdx`/`lastIdx` let the caller check that pieces of a frame join in idx order.
 */
export type PieceResult =
  { ok: true; bytes: Uint8Array; rows: number; firstIdx: number; lastIdx: number } | { ok: false };

/** Bytes of a record value per serial type 0–9 (SQLite file format §2.1). */
const SERIAL_BYTES = Uint8Array.from([0, 1, 2, 3, 4, 6, 8, 8, 0, 0]);
const TWO32 = 4294967296;

/** One record's fields: serial type and absolute offset in the page buffer, per table column. */
class RecordFields {
  readonly types: Int32Array;
  readonly offsets: Int32Array;
  count = 0;
  constructor(columns: number) {
    this.types = new Int32Array(columns);
    this.offsets = new Int32Array(columns);
  }

  /** Parses the record header at `at`; false when a field is not a number or NULL, or the header is unusual. */
  read(page: Uint8Array, at: number, bytes: number): boolean {
    const header = page[at];
    if (header >= 128 || header > bytes) return false;
    let body = at + header;
    let n = 0;
    for (let p = at + 1; p < at + header; p++) {
      const type = page[p];
      if (type > 9 || n >= this.types.length) return false; // text, blob, or a varint serial type
      this.types[n] = type;
      this.offsets[n++] = body;
      body += SERIAL_BYTES[type];
    }
    if (body > at + bytes) return false;
    for (let i = n; i < this.types.length; i++) this.types[i] = 0; // added later with a NULL default
    this.count = n;
    return true;
  }
}

/** The integer of a field (serial types 1–6, 8, 9); NaN for NULL or a real. */
function intField(view: DataView, page: Uint8Array, type: number, at: number): number {
  switch (type) {
    case 1:
      return view.getInt8(at);
    case 2:
      return view.getInt16(at);
    case 3:
      return ((page[at] << 24) | (page[at + 1] << 16) | (page[at + 2] << 8)) >> 8;
    case 4:
      return view.getInt32(at);
    case 5:
      return view.getInt16(at) * TWO32 + view.getUint32(at + 2);
    case 6:
      return view.getInt32(at) * TWO32 + view.getUint32(at + 4);
    case 8:
      return 0;
    case 9:
      return 1;
    default:
      return Number.NaN;
  }
}

/** A number field as SQLite returns it from a REAL or INTEGER column; NaN for NULL. */
function numberField(view: DataView, page: Uint8Array, type: number, at: number): number {
  return type === 7 ? view.getFloat64(at) : intField(view, page, type, at);
}

/** Reads pieces of the sources table from the pages and encodes them as BINARY2 rows. */
export class PieceEncoder {
  private readonly cursor: TableCursor;
  private readonly record: RecordFields;
  private readonly maskBytes: number;
  /** Bytes of a row without its zpSource text. */
  private readonly rowBytes: number;

  constructor(
    file: SqliteFile,
    private readonly plan: PagePlan,
  ) {
    this.cursor = new TableCursor(file, plan.root);
    this.record = new RecordFields(plan.tableColumns);
    this.maskBytes = Math.ceil(plan.field.length / 8);
    this.rowBytes = this.maskBytes + 8 * plan.field.length + 4;
  }

  /** Largest BINARY2 size of a piece of `rows` rows with zpSource text of `sourceBytes` bytes. */
  boundBytes(rows: number, sourceBytes: number): number {
    return rows * (this.rowBytes + sourceBytes);
  }

  /** Encodes `piece` into `out` (at least `boundBytes` long; a new buffer when not given). */
  encode(piece: Piece, out?: Buffer): PieceResult {
    const { frame, from, to, zp } = piece;
    const { cursor, record, plan } = this;
    const { field, kind } = plan;
    const ncol = field.length;
    const page = cursor.page;
    const view = cursor.view;
    const maskBytes = this.maskBytes;
    const source = zp.source;
    const buffer = out ?? Buffer.allocUnsafe(this.boundBytes(to - from + 1, source.length));
    const outView = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    cursor.seek(from);
    let at = 0;
    let firstIdx = Number.NaN;
    let lastIdx = Number.NEGATIVE_INFINITY;
    const types = record.types;
    const offsets = record.offsets;
    for (let rowid = from; rowid <= to; rowid++) {
      try {
        if (!cursor.next() || cursor.rowid !== rowid) return { ok: false };
      } catch (error) {
        if (error instanceof OverflowRecord) return { ok: false };
        throw error;
      }
      if (!record.read(page, cursor.pageAt + cursor.recordAt, cursor.recordBytes) || types[0] !== 0)
        return { ok: false };
      const idx = numberField(view, page, types[plan.idxCol], offsets[plan.idxCol]);
      if (intField(view, page, types[plan.frameCol], offsets[plan.frameCol]) !== frame || !(idx >= lastIdx))
        return { ok: false };
      if (rowid === from) firstIdx = idx;
      lastIdx = idx;
      for (let c = 0; c < record.count; c++)
        if (types[c] === 6 && !Number.isSafeInteger(intField(view, page, 6, offsets[c]))) return { ok: false };
      const mask = at;
      for (let m = 0; m < maskBytes; m++) buffer[at + m] = 0;
      at += maskBytes;
      for (let k = 0; k < ncol; k++) {
        const f = field[k];
        if (f >= 0) {
          const type = types[f];
          const src = offsets[f];
          if (type === 0) {
            buffer[mask + (k >> 3)] |= 0x80 >> (k & 7);
            if (kind[k] === 0) outView.setFloat64(at, Number.NaN);
            else outView.setFloat64(at, 0);
          } else if (kind[k] === 0) {
            if (type === 7) {
              // Both big-endian IEEE doubles: the 8 bytes as they are.
              outView.setUint32(at, view.getUint32(src));
              outView.setUint32(at + 4, view.getUint32(src + 4));
            } else outView.setFloat64(at, intField(view, page, type, src));
          } else {
            writeLong(buffer, outView, mask, k, at, numberField(view, page, type, src));
          }
          at += 8;
          continue;
        }
        if (f === ROWID) {
          at = writeLong(buffer, outView, mask, k, at, rowid);
          continue;
        }
        if (f === ZP_SOURCE) {
          const t = types[plan.magInstCol];
          if (t === 0 || zp.zp === null) {
            buffer[mask + (k >> 3)] |= 0x80 >> (k & 7);
            outView.setUint32(at, 0);
            at += 4;
          } else {
            outView.setUint32(at, source.length);
            buffer.set(source, at + 4);
            at += 4 + source.length;
          }
          continue;
        }
        const ti = types[plan.magInstCol];
        let v = Number.NaN;
        if (ti !== 0 && zp.zp !== null) {
          const magInst = numberField(view, page, ti, offsets[plan.magInstCol]);
          if (f === MAG_CAL) v = magInst + zp.zp;
          else {
            const te = types[plan.magErrCol];
            const magErr = te === 0 ? Number.NaN : numberField(view, page, te, offsets[plan.magErrCol]);
            v = Math.sqrt((te === 0 ? 0 : magErr * magErr) + zp.zpErr2);
          }
        }
        // SQLite's arithmetic gives NULL for a NaN result, as for a NULL operand.
        if (kind[k] === 0) {
          if (Number.isNaN(v)) buffer[mask + (k >> 3)] |= 0x80 >> (k & 7);
          outView.setFloat64(at, v);
          at += 8;
        } else at = writeLong(buffer, outView, mask, k, at, Number.isNaN(v) ? Number.NaN : v);
      }
    }
    return { ok: true, bytes: buffer.subarray(0, at), rows: to - from + 1, firstIdx, lastIdx };
  }
}

/** A long cell as `Binary2Encoder` writes it from a number (NaN: NULL); returns the offset after it. */
function writeLong(out: Buffer, view: DataView, mask: number, k: number, at: number, v: number): number {
  if (Number.isSafeInteger(v)) {
    const hi = Math.floor(v / TWO32);
    view.setInt32(at, hi);
    view.setUint32(at + 4, v - hi * TWO32);
  } else if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) view.setBigInt64(at, BigInt(v));
  else {
    out[mask + (k >> 3)] |= 0x80 >> (k & 7);
    view.setFloat64(at, 0);
  }
  return at + 8;
}
