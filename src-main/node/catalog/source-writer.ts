import type { Statement } from 'better-sqlite3';
import type { SourceColumns } from '../../common/tasks/process-frame.js';
import type { SqliteDatabase } from './database.js';

/**
 * Column order of `sources` after `id`, as every writer binds them (this INSERT, PostgreSQL's COPY in
 * postgres/result-writer.ts): kept in one place so statements and binders agree.
 */
export const SOURCE_TABLE_COLUMNS = [
  'frame_id',
  'idx',
  'x',
  'y',
  'x_err',
  'y_err',
  'ra',
  'dec',
  'flux',
  'flux_err',
  'flux_auto',
  'mag',
  'mag_err',
  'a',
  'b',
  'theta',
  'fwhm',
  'snr',
  'flags',
  'mag_inst',
  'object_id',
] as const;

/**
 * The `SourceColumns` field each column of `SOURCE_TABLE_COLUMNS` is read from (`frame_id`, `idx` and
 * `object_id` are the writer's), so the SQLite INSERT and the PostgreSQL COPY bind the same arrays.
 */
export const SOURCE_FIELDS: Readonly<Record<(typeof SOURCE_TABLE_COLUMNS)[number], keyof SourceColumns | undefined>> = {
  frame_id: undefined,
  idx: undefined,
  x: 'x',
  y: 'y',
  x_err: 'xErr',
  y_err: 'yErr',
  ra: 'ra',
  dec: 'dec',
  flux: 'flux',
  flux_err: 'fluxErr',
  flux_auto: 'fluxAuto',
  mag: 'mag',
  mag_err: 'magErr',
  a: 'a',
  b: 'b',
  theta: 'theta',
  fwhm: 'fwhm',
  snr: 'snr',
  flags: 'flags',
  mag_inst: 'magInst',
  object_id: undefined,
};
const COLUMNS = SOURCE_TABLE_COLUMNS;
/** Rows per multi-row INSERT: binding many rows per call removes most of the per-statement overhead. */
const BATCH_ROWS = 256;
/** A smaller batch for the remainder, so frames with a few dozen sources do not fall back to single rows. */
const SMALL_BATCH_ROWS = 16;

type Column = ArrayLike<number> | undefined;

/**
 * Batched insert of columnar sources with prepared multi-row statements. Call inside a transaction (the
 * job's commit); the first inserted rowid is returned, rows get consecutive ids in `idx` order.
 */
export class SourceWriter {
  private readonly single: Statement;
  private readonly batch: Statement;
  private readonly smallBatch: Statement;
  private readonly params = new Array<number | null>(COLUMNS.length * BATCH_ROWS);
  private readonly smallParams = new Array<number | null>(COLUMNS.length * SMALL_BATCH_ROWS);

  constructor(private readonly db: SqliteDatabase) {
    const one = `(${COLUMNS.map(() => '?').join(', ')})`;
    const head = `INSERT INTO sources (${COLUMNS.join(', ')}) VALUES `;
    this.single = db.prepare(head + one);
    this.batch = db.prepare(head + new Array(BATCH_ROWS).fill(one).join(', '));
    this.smallBatch = db.prepare(head + new Array(SMALL_BATCH_ROWS).fill(one).join(', '));
  }

  /**
   * Inserts `sources` for `frameId`; `objectIds` (optional) links each row to its cross-matched object.
   * Returns the ids of the inserted rows.
   */
  insert(frameId: number, sources: SourceColumns, objectIds?: ArrayLike<number | null>): number[] {
    const n = sources.count;
    const cols: Column[] = COLUMNS.map((c) => {
      const field = SOURCE_FIELDS[c];
      return field === undefined ? undefined : (sources[field] as Column);
    });
    const width = COLUMNS.length;
    const ids: number[] = new Array(n);
    const p = this.params;
    let i = 0;
    const fill = (target: (number | null)[], row: number, offset: number): void => {
      target[offset] = frameId;
      target[offset + 1] = row;
      for (let c = 2; c < width - 1; c++) {
        const col = cols[c];
        const v = col === undefined ? null : col[row];
        target[offset + c] = v === null || Number.isNaN(v) ? (c === 18 ? 0 : null) : v;
      }
      target[offset + width - 1] = objectIds ? (objectIds[row] ?? null) : null;
    };
    while (n - i >= BATCH_ROWS) {
      for (let r = 0; r < BATCH_ROWS; r++) fill(p, i + r, r * width);
      const last = Number(this.batch.run(p).lastInsertRowid);
      for (let r = 0; r < BATCH_ROWS; r++) ids[i + r] = last - BATCH_ROWS + 1 + r;
      i += BATCH_ROWS;
    }
    const sp = this.smallParams;
    while (n - i >= SMALL_BATCH_ROWS) {
      for (let r = 0; r < SMALL_BATCH_ROWS; r++) fill(sp, i + r, r * width);
      const last = Number(this.smallBatch.run(sp).lastInsertRowid);
      for (let r = 0; r < SMALL_BATCH_ROWS; r++) ids[i + r] = last - SMALL_BATCH_ROWS + 1 + r;
      i += SMALL_BATCH_ROWS;
    }
    const one = new Array<number | null>(width);
    for (; i < n; i++) {
      fill(one, i, 0);
      ids[i] = Number(this.single.run(one).lastInsertRowid);
    }
    return ids;
  }
}
