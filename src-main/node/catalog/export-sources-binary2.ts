/**
 * The source export to VOTable BINARY2 at file speed: rows are decoded from the catalog's own pages
 * (`sqlite-table-file.ts`) and encoded into BINARY2 bytes with no JavaScript value per cell, where reading them
 * through better-sqlite3 made ~25 values a row and held a whole export to ~0.25 M rows/s. The file is byte for byte
 * what `exportArrayRows` writes from `SOURCE_SELECT`'s rows; the computed columns (magCal, magCalErr, zpSource)
 * repeat that query's SQL expressions on the same doubles.
 *
 * Output order is `ORDER BY frame_id, idx`. A frame is read from the pages when its rows are one run of consecutive
 * rowids in (idx, rowid) order, which is what a job's one-transaction insert leaves; any other frame (re-ordered,
 * interleaved, a row spilling to overflow pages, a text in a number column) goes through SQLite with the usual
 * encoder, so the file does not depend on which path a frame took.
 */
import { open } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import type { ColumnMeta } from '../../common/columns.js';
import { Base64Lines, Binary2Encoder } from '../../../src-workers/io/tables/binary2.js';
import { votableFooter, votableHeader } from '../../../src-workers/io/tables/votable.js';
import { SOURCE_SELECT } from './catalog.js';
import { columnMetaOf } from './export.js';
import { fileIsSnapshot, OverflowRecord, SqliteFile, TableCursor } from './sqlite-table-file.js';

/** Where each column of `SOURCE_SELECT` comes from: a table column by name, or one of the computed ones. */
const SOURCES: Record<string, string> = {
  id: '(rowid)',
  frameId: 'frame_id',
  idx: 'idx',
  x: 'x',
  y: 'y',
  xErr: 'x_err',
  yErr: 'y_err',
  ra: 'ra',
  dec: 'dec',
  flux: 'flux',
  fluxErr: 'flux_err',
  fluxAuto: 'flux_auto',
  mag: 'mag',
  magErr: 'mag_err',
  a: 'a',
  b: 'b',
  theta: 'theta',
  fwhm: 'fwhm',
  snr: 'snr',
  flags: 'flags',
  objectId: 'object_id',
  magInst: 'mag_inst',
  magCal: '(magCal)',
  magCalErr: '(magCalErr)',
  zpSource: '(zpSource)',
};
const ROWID = -1;
const MAG_CAL = -2;
const MAG_CAL_ERR = -3;
const ZP_SOURCE = -4;
const COMPUTED: Record<string, number> = {
  '(rowid)': ROWID,
  '(magCal)': MAG_CAL,
  '(magCalErr)': MAG_CAL_ERR,
  '(zpSource)': ZP_SOURCE,
};

/** Bytes of a record value per serial type 0–9 (SQLite file format §2.1). */
const SERIAL_BYTES = Uint8Array.from([0, 1, 2, 3, 4, 6, 8, 8, 0, 0]);
const TWO32 = 4294967296;
/** Output chunk: flushed (base64, written) when less than a row's worth is left. */
const CHUNK_BYTES = 1 << 20;
const FALLBACK_ROWS = 8192;

export interface FastExportStats {
  /** Frames read from the database pages. */
  pageFrames: number;
  /** Frames read through SQLite (not one run of rows in index order). */
  sqliteFrames: number;
}

interface Plan {
  meta: ColumnMeta[];
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

/** The plan for `SOURCE_SELECT`'s columns over this schema, or undefined when the pages cannot be read for it. */
function planFor(db: Database, fluxUnit: string | undefined): Plan | undefined {
  const statement = db.prepare(`${SOURCE_SELECT} ORDER BY frame_id, idx LIMIT 100`).raw(true);
  const names = statement.columns().map((c) => c.name);
  const sample = (statement.all() as unknown[][]).map((r) => Object.fromEntries(names.map((n, k) => [n, r[k]])));
  const meta = columnMetaOf(sample, names, fluxUnit);
  const table = db.pragma('table_info(sources)') as Array<{
    cid: number;
    name: string;
    type: string;
    dflt_value: unknown;
  }>;
  // Columns added by ALTER TABLE are missing from older records and read as their default: only NULL is handled.
  if (table.some((c, i) => c.cid !== i || (c.name !== 'flags' && c.dflt_value !== null))) return undefined;
  const cid = new Map(table.map((c) => [c.name, c]));
  const field = new Int32Array(names.length);
  const kind = new Uint8Array(names.length);
  for (let k = 0; k < names.length; k++) {
    const source = SOURCES[names[k]];
    if (source === undefined) return undefined; // a column this path does not know: SQLite does it all
    kind[k] = meta[k].type === 'double' ? 0 : meta[k].type === 'long' ? 1 : 2;
    if (source in COMPUTED) field[k] = COMPUTED[source];
    else {
      const column = cid.get(source);
      if (!column || kind[k] === 2) return undefined;
      field[k] = column.cid;
    }
  }
  if (kind[names.indexOf('zpSource')] !== 2 || cid.get('id')?.cid !== 0) return undefined;
  const root = db.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'sources'").pluck().get();
  const col = (n: string) => cid.get(n)?.cid ?? -1;
  return {
    meta,
    field,
    kind,
    frameCol: col('frame_id'),
    idxCol: col('idx'),
    magInstCol: col('mag_inst'),
    magErrCol: col('mag_err'),
    tableColumns: table.length,
    root: root as number,
  };
}

/** A frame's plate-solve zero point, as `CALIBRATED_COLUMNS` reads it. */
interface ZeroPoint {
  zp: number | null;
  /** coalesce(phot_zp_err², 0) */
  zpErr2: number;
  /** The zpSource text and its UTF-8 bytes. */
  source: Buffer;
}

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

/**
 * Writes every source (or frame `frameId`'s) to `out` as a VOTable BINARY2, reading the pages; returns the row count
 * and which frames took which path, or undefined (nothing written) when the file is not the read snapshot or the
 * schema is not the one this path knows, so the caller exports through SQLite.
 */
export async function exportSourcesBinary2(
  db: Database,
  options: { out: string; extname: string; frameId?: number; fluxUnit?: string; onProgress?: (rows: number) => void },
): Promise<{ rows: number; stats: FastExportStats } | undefined> {
  if (db.inTransaction || db.memory) return undefined;
  db.exec('BEGIN');
  try {
    db.prepare('SELECT 1 FROM sources LIMIT 1').get(); // takes the read snapshot (BEGIN alone is deferred)
    const journal = String(db.pragma('journal_mode', { simple: true }));
    if (!fileIsSnapshot(db.name, journal, true)) return undefined;
    const plan = planFor(db, options.fluxUnit);
    if (!plan) return undefined;
    const file = SqliteFile.open(db.name);
    // The per-frame index look-ups would otherwise fill the connection's page cache (64 MB) over a large table.
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma('cache_size = -4096');
    try {
      return await writeAll(db, file, plan, options);
    } finally {
      db.pragma(`cache_size = ${cacheSize}`);
      file.close();
    }
  } finally {
    db.exec('COMMIT');
  }
}

async function writeAll(
  db: Database,
  file: SqliteFile,
  plan: Plan,
  options: { out: string; extname: string; frameId?: number; onProgress?: (rows: number) => void },
): Promise<{ rows: number; stats: FastExportStats }> {
  const handle = await open(options.out, 'w');
  // One write in flight while the next chunk is encoded (the base64 lines alternate between two buffers).
  let inFlight: Promise<unknown> = Promise.resolve();
  try {
    const b64 = new Base64Lines({ reuse: true });
    let position = 0;
    const put = async (bytes: Uint8Array) => {
      await inFlight;
      if (!bytes.length) return;
      const at = position;
      inFlight = handle.write(bytes, 0, bytes.length, at).then(({ bytesWritten }) => {
        if (bytesWritten !== bytes.length) throw new RangeError(`${options.out}: short write at byte ${at}`);
      });
      position += bytes.length;
    };
    await put(Buffer.from(votableHeader(plan.meta, options.extname, 'binary2')));
    const stats: FastExportStats = { pageFrames: 0, sqliteFrames: 0 };
    let rows = 0;
    let reported = 0;
    const sink = async (bytes: Uint8Array) => {
      await put(b64.push(bytes));
      if (options.onProgress && rows - reported >= 10_000) options.onProgress((reported = rows));
    };
    const nextFrame = db.prepare('SELECT frame_id FROM sources WHERE frame_id > ? ORDER BY frame_id LIMIT 1').pluck();
    const count = db.prepare('SELECT count(*) FROM sources WHERE frame_id = ?').pluck();
    const first = db.prepare('SELECT id FROM sources WHERE frame_id = ? ORDER BY idx LIMIT 1').pluck();
    const last = db.prepare('SELECT id FROM sources WHERE frame_id = ? ORDER BY idx DESC LIMIT 1').pluck();
    const zeroPoint = db.prepare(
      `SELECT phot_zp AS zp, phot_zp_err AS zpErr, 'owb plate solve, ' || coalesce(phot_zp_band, 'MAG_VT') AS source
         FROM frames WHERE id = ?`,
    );
    const bySqlite = db.prepare(`${SOURCE_SELECT} WHERE frame_id = ? ORDER BY idx`).raw(true);
    const encoder = new Binary2Encoder(plan.meta);
    const pages = new PageRows(file, plan);
    let frame: number | undefined = options.frameId ?? (nextFrame.get(Number.MIN_SAFE_INTEGER) as number | undefined);
    while (frame !== undefined) {
      const n = count.get(frame) as number;
      const from = first.get(frame) as number | undefined;
      const to = last.get(frame) as number | undefined;
      const zp = zeroPointOf(zeroPoint.get(frame) as ZeroPointRow | undefined);
      let done = false;
      if (n > 0 && zp && from !== undefined && to !== undefined && to - from + 1 === n) {
        // Rows go out as they are read; a frame found not to be one run in index order is taken back (the file
        // cut to where it began, the base64 carry restored) and written again through SQLite.
        const mark = { position, pending: b64.pending, rows };
        done = await pages.write(frame, from, to, zp, sink, (k) => (rows += k));
        if (done) stats.pageFrames++;
        else {
          await inFlight;
          await handle.truncate(mark.position);
          position = mark.position;
          b64.restore(mark.pending);
          rows = mark.rows;
        }
      }
      if (!done && n > 0) {
        const batch: unknown[][] = [];
        for (const row of bySqlite.iterate(frame) as IterableIterator<unknown[]>) {
          batch.push(row);
          if (batch.length === FALLBACK_ROWS) {
            rows += batch.length;
            await sink(encoder.encode(batch));
            batch.length = 0;
          }
        }
        rows += batch.length;
        await sink(encoder.encode(batch));
        stats.sqliteFrames++;
      }
      frame = options.frameId === undefined ? (nextFrame.get(frame) as number | undefined) : undefined;
    }
    await put(b64.push(new Uint8Array(0), true));
    await put(Buffer.from(votableFooter('binary2')));
    await inFlight;
    options.onProgress?.(rows);
    return { rows, stats };
  } finally {
    await inFlight.catch(() => undefined);
    await handle.close();
  }
}

type ZeroPointRow = { zp: unknown; zpErr: unknown; source: string };

/** The frame's zero point, or undefined when its columns hold something other than numbers (SQLite would convert). */
function zeroPointOf(row: ZeroPointRow | undefined): ZeroPoint | undefined {
  if (!row) return { zp: null, zpErr2: 0, source: Buffer.alloc(0) };
  const { zp, zpErr } = row;
  if ((zp !== null && typeof zp !== 'number') || (zpErr !== null && typeof zpErr !== 'number')) return undefined;
  return { zp, zpErr2: zpErr === null ? 0 : zpErr * zpErr, source: Buffer.from(row.source) };
}

/** Reads a run of source rows from the pages and encodes them as BINARY2 rows. */
class PageRows {
  private readonly cursor: TableCursor;
  private readonly record: RecordFields;
  private readonly maskBytes: number;
  private readonly maxRowBytes: number;
  private readonly out = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly outView = new DataView(this.out.buffer, this.out.byteOffset, this.out.byteLength);

  constructor(
    file: SqliteFile,
    private readonly plan: Plan,
  ) {
    this.cursor = new TableCursor(file, plan.root);
    this.record = new RecordFields(plan.tableColumns);
    this.maskBytes = Math.ceil(plan.field.length / 8);
    this.maxRowBytes = this.maskBytes + 8 * plan.field.length + 4 + 4096;
  }

  /**
   * Encodes rowids `from`…`to` of frame `frame` into chunks for `sink` (`counted` gets each chunk's rows) while
   * checking that they are all that frame's, consecutive, with idx never decreasing (so rowid order is the index's
   * (idx, rowid) order), each record numbers and NULLs within its page. False at the first row that is not: what
   * went to `sink` must then be taken back.
   */
  async write(
    frame: number,
    from: number,
    to: number,
    zp: ZeroPoint,
    sink: (bytes: Uint8Array) => Promise<void>,
    counted: (rows: number) => void,
  ): Promise<boolean> {
    const { cursor, record, plan, out, outView } = this;
    const { field, kind } = plan;
    const ncol = field.length;
    const page = cursor.page;
    const view = cursor.view;
    const maskBytes = this.maskBytes;
    const limit = CHUNK_BYTES - this.maxRowBytes - zp.source.length;
    cursor.seek(from);
    let at = 0;
    let inChunk = 0;
    let lastIdx = Number.NEGATIVE_INFINITY;
    const types = record.types;
    const offsets = record.offsets;
    for (let rowid = from; rowid <= to; rowid++) {
      try {
        if (!cursor.next() || cursor.rowid !== rowid) return false;
      } catch (error) {
        if (error instanceof OverflowRecord) return false;
        throw error;
      }
      if (!record.read(page, cursor.pageAt + cursor.recordAt, cursor.recordBytes) || types[0] !== 0) return false;
      const idx = numberField(view, page, types[plan.idxCol], offsets[plan.idxCol]);
      if (intField(view, page, types[plan.frameCol], offsets[plan.frameCol]) !== frame || !(idx >= lastIdx))
        return false;
      lastIdx = idx;
      for (let c = 0; c < record.count; c++)
        if (types[c] === 6 && !Number.isSafeInteger(intField(view, page, 6, offsets[c]))) return false;
      const mask = at;
      for (let m = 0; m < maskBytes; m++) out[at + m] = 0;
      at += maskBytes;
      for (let k = 0; k < ncol; k++) {
        const f = field[k];
        if (f >= 0) {
          const type = types[f];
          const src = offsets[f];
          if (type === 0) {
            out[mask + (k >> 3)] |= 0x80 >> (k & 7);
            if (kind[k] === 0) outView.setFloat64(at, Number.NaN);
            else outView.setFloat64(at, 0);
          } else if (kind[k] === 0) {
            if (type === 7) {
              outView.setUint32(at, view.getUint32(src));
              outView.setUint32(at + 4, view.getUint32(src + 4));
            } else outView.setFloat64(at, intField(view, page, type, src));
          } else {
            writeLong(out, outView, mask, k, at, numberField(view, page, type, src));
          }
          at += 8;
          continue;
        }
        if (f === ROWID) {
          at = writeLong(out, outView, mask, k, at, rowid);
          continue;
        }
        if (f === ZP_SOURCE) {
          const t = types[plan.magInstCol];
          if (t === 0 || zp.zp === null) {
            out[mask + (k >> 3)] |= 0x80 >> (k & 7);
            outView.setUint32(at, 0);
            at += 4;
          } else {
            outView.setUint32(at, zp.source.length);
            zp.source.copy(out, at + 4);
            at += 4 + zp.source.length;
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
          if (Number.isNaN(v)) out[mask + (k >> 3)] |= 0x80 >> (k & 7);
          outView.setFloat64(at, v);
          at += 8;
        } else at = writeLong(out, outView, mask, k, at, Number.isNaN(v) ? Number.NaN : v);
      }
      inChunk++;
      if (at > limit) {
        counted(inChunk);
        inChunk = 0;
        await sink(out.subarray(0, at));
        at = 0;
      }
    }
    counted(inChunk);
    await sink(out.subarray(0, at));
    return true;
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
