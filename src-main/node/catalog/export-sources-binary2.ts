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
 *
 * Threads: a page frame is cut into pieces of consecutive rowids (export-binary2-pages.ts) that a helper thread
 * (export-binary2.worker.ts) reads and encodes ahead, while this thread turns the finished pieces, in file order,
 * into base64 lines and writes them. Pieces carry no base64 or file state, so the bytes do not depend on the number
 * of threads; the base64 line carry and the cut-back of a frame handed to SQLite stay here, where the order is.
 */
import { open } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { ColumnMeta } from '../../common/columns.js';
import { Base64Lines, Binary2Encoder } from '../../../src-workers/io/tables/binary2.js';
import { votableFooter, votableHeader } from '../../../src-workers/io/tables/votable.js';
import { SOURCE_SELECT } from './catalog.js';
import { columnMetaOf } from './export.js';
import { runningFromSource, workerExecArgv } from '../pool/task-file.js';
import {
  PieceEncoder,
  SOURCE_COLUMN_OF,
  type PagePlan,
  type Piece,
  type PieceResult,
  type ZeroPoint,
} from './export-binary2-pages.js';
import { fileIsSnapshot, SqliteFile } from './sqlite-table-file.js';

/** Rows per piece of work: ~1.8 MB of BINARY2, small enough that a few in flight stay well inside the memory goal. */
const PIECE_ROWS = 8192;
const FALLBACK_ROWS = 8192;
/** Below this many rows the helper threads' start-up (~50 ms each) costs more than they save. */
const THREADS_FROM_ROWS = 200_000;

export interface FastExportStats {
  /** Frames read from the database pages. */
  pageFrames: number;
  /** Frames read through SQLite (not one run of rows in index order). */
  sqliteFrames: number;
}

interface Plan extends PagePlan {
  meta: ColumnMeta[];
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
    const source = SOURCE_COLUMN_OF.get(names[k]);
    if (source === undefined) return undefined; // a column this path does not know: SQLite does it all
    kind[k] = meta[k].type === 'double' ? 0 : meta[k].type === 'long' ? 1 : 2;
    if (typeof source === 'number') field[k] = source;
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

/**
 * Writes every source (or frame `frameId`'s) to `out` as a VOTable BINARY2, reading the pages; returns the row count
 * and which frames took which path, or undefined (nothing written) when the file is not the read snapshot or the
 * schema is not the one this path knows, so the caller exports through SQLite. `threads` helper threads [0, none
 * under 200 000 rows] encode pieces of `pieceRows` rows [8192]; the file does not depend on either.
 */
export async function exportSourcesBinary2(
  db: Database,
  options: ExportOptions & { fluxUnit?: string },
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

/**
 * Helper threads when the caller does not say: `OWB_EXPORT_THREADS` [0: every piece encoded on the export thread].
 * Measured on 2 cores, 10⁷ rows, warm cache: at load 0.5 one thread took 8.4 s wall (128 MB) and one helper 16.7 s
 * (177 MB), 10 + 4 CPU-s against 7.4 + 1.9; only at load 18 did the helper win (52 s against 88 s), by taking more
 * of a crowded machine. Why the helper costs CPU is not yet found (the piece hand-off, or the two threads' reads
 * and writes contending); until it is, it stays opt-in. Two helpers took peak RSS to 225 MB.
 */
function defaultThreads(): number {
  const given = Number(process.env.OWB_EXPORT_THREADS ?? 0);
  return Number.isInteger(given) && given >= 0 && given <= 16 ? given : 0;
}

interface ExportOptions {
  out: string;
  extname: string;
  frameId?: number;
  onProgress?: (rows: number) => void;
  threads?: number;
  pieceRows?: number;
}

/** What the writer does next, in file order: a piece read from the pages, or a whole frame through SQLite. */
type Step =
  | { frame: number; first: boolean; last: boolean; result: () => Promise<PieceResult> }
  | { frame: number; sqlite: true };

async function writeAll(
  db: Database,
  file: SqliteFile,
  plan: Plan,
  options: ExportOptions,
): Promise<{ rows: number; stats: FastExportStats }> {
  const pieceRows = Math.max(1, Math.floor(options.pieceRows ?? PIECE_ROWS));
  const span = db.prepare('SELECT max(id) - min(id) + 1 FROM sources').pluck().get() as number | null;
  const threads =
    (span ?? 0) >= THREADS_FROM_ROWS || options.threads !== undefined ? (options.threads ?? defaultThreads()) : 0;
  const local = new PieceEncoder(file, plan);
  const helpers = threads > 0 ? new EncoderThreads(file.path, plan, threads, pieceRows) : undefined;
  const handle = await open(options.out, 'w');
  // One write in flight while the next piece is turned into base64 (the lines alternate between two buffers).
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
    /** Writes base64 lines already made by `b64.push`. */
    const sink = async (lines: Uint8Array) => {
      await put(lines);
      if (options.onProgress && rows - reported >= 10_000) options.onProgress((reported = rows));
    };
    const bySqlite = db.prepare(`${SOURCE_SELECT} WHERE frame_id = ? ORDER BY idx`).raw(true);
    const encoder = new Binary2Encoder(plan.meta);
    const throughSqlite = async (frame: number) => {
      const batch: unknown[][] = [];
      for (const row of bySqlite.iterate(frame) as IterableIterator<unknown[]>) {
        batch.push(row);
        if (batch.length === FALLBACK_ROWS) {
          rows += batch.length;
          await sink(b64.push(encoder.encode(batch)));
          batch.length = 0;
        }
      }
      rows += batch.length;
      await sink(b64.push(encoder.encode(batch)));
      stats.sqliteFrames++;
    };
    // Pieces are encoded ahead (two per helper thread) while earlier ones are written, in file order.
    const window = helpers ? 2 * threads : 1;
    // On this thread one buffer serves every piece, encoded only when its turn comes.
    let localOut = Buffer.alloc(0);
    const here = (piece: Piece) => () => {
      const bytes = local.boundBytes(piece.to - piece.from + 1, piece.zp.source.length);
      if (localOut.length < bytes) localOut = Buffer.allocUnsafe(bytes);
      return Promise.resolve(local.encode(piece, localOut));
    };
    const steps = planSteps(db, options.frameId, pieceRows, (piece) => (helpers ? helpers.encode(piece) : here(piece)));
    const ahead: Step[] = [];
    const refill = () => {
      while (ahead.length < window) {
        const next = steps.next();
        if (next.done) return;
        ahead.push(next.value);
      }
    };
    // Rows go out as they are read; a frame found not to be one run in index order is taken back (the file cut to
    // where it began, the base64 carry restored) and written again through SQLite.
    let mark = { position, pending: b64.pending, rows };
    let lastIdx = Number.NEGATIVE_INFINITY;
    let dropFrame: number | undefined;
    for (refill(); ahead.length > 0; refill()) {
      const step = ahead.shift() as Step;
      if ('sqlite' in step) {
        await throughSqlite(step.frame);
        continue;
      }
      const result = await step.result();
      if (step.frame === dropFrame) continue;
      if (step.first) {
        mark = { position, pending: b64.pending, rows };
        lastIdx = Number.NEGATIVE_INFINITY;
      }
      if (!result.ok || !(result.firstIdx >= lastIdx)) {
        await inFlight;
        await handle.truncate(mark.position);
        position = mark.position;
        b64.restore(mark.pending);
        rows = mark.rows;
        dropFrame = step.frame;
        await throughSqlite(step.frame);
        continue;
      }
      lastIdx = result.lastIdx;
      rows += result.rows;
      const written = b64.push(result.bytes); // copies: the piece's buffer is free once this returns
      helpers?.release(result.bytes);
      await sink(written);
      if (step.last) stats.pageFrames++;
    }
    await put(b64.push(new Uint8Array(0), true));
    await put(Buffer.from(votableFooter('binary2')));
    await inFlight;
    options.onProgress?.(rows);
    return { rows, stats };
  } finally {
    await inFlight.catch(() => undefined);
    await handle.close();
    await helpers?.close();
  }
}

/**
 * The steps of the export in file order, frame by frame (`ORDER BY frame_id`): a frame whose rows are one run of
 * consecutive rowids, as many as it has rows, is cut into pieces handed to `encode` as they are drawn; any other
 * frame goes through SQLite.
 */
function* planSteps(
  db: Database,
  frameId: number | undefined,
  pieceRows: number,
  encode: (piece: Piece) => () => Promise<PieceResult>,
): Generator<Step> {
  const nextFrame = db.prepare('SELECT frame_id FROM sources WHERE frame_id > ? ORDER BY frame_id LIMIT 1').pluck();
  const count = db.prepare('SELECT count(*) FROM sources WHERE frame_id = ?').pluck();
  const first = db.prepare('SELECT id FROM sources WHERE frame_id = ? ORDER BY idx LIMIT 1').pluck();
  const last = db.prepare('SELECT id FROM sources WHERE frame_id = ? ORDER BY idx DESC LIMIT 1').pluck();
  const zeroPoint = db.prepare(
    `SELECT phot_zp AS zp, phot_zp_err AS zpErr, 'owb plate solve, ' || coalesce(phot_zp_band, 'MAG_VT') AS source
       FROM frames WHERE id = ?`,
  );
  let frame: number | undefined = frameId ?? (nextFrame.get(Number.MIN_SAFE_INTEGER) as number | undefined);
  while (frame !== undefined) {
    const n = count.get(frame) as number;
    const from = first.get(frame) as number | undefined;
    const to = last.get(frame) as number | undefined;
    const zp = zeroPointOf(zeroPoint.get(frame) as ZeroPointRow | undefined);
    if (n > 0 && zp && from !== undefined && to !== undefined && to - from + 1 === n) {
      for (let at = from; at <= to; at += pieceRows) {
        const end = Math.min(to, at + pieceRows - 1);
        yield { frame, first: at === from, last: end === to, result: encode({ frame, from: at, to: end, zp }) };
      }
    } else if (n > 0) yield { frame, sqlite: true };
    frame = frameId === undefined ? (nextFrame.get(frame) as number | undefined) : undefined;
  }
}

type ZeroPointRow = { zp: unknown; zpErr: unknown; source: string };

/** The frame's zero point, or undefined when its columns hold something other than numbers (SQLite would convert). */
function zeroPointOf(row: ZeroPointRow | undefined): ZeroPoint | undefined {
  if (!row) return { zp: null, zpErr2: 0, source: new Uint8Array(0) };
  const { zp, zpErr } = row;
  if ((zp !== null && typeof zp !== 'number') || (zpErr !== null && typeof zpErr !== 'number')) return undefined;
  return { zp, zpErr2: zpErr === null ? 0 : zpErr * zpErr, source: new Uint8Array(Buffer.from(row.source)) };
}

/**
 * Helper threads (export-binary2.worker.ts) that encode pieces, each answering in the order it was asked; a piece
 * goes to the thread with the fewest waiting. The export thread's read transaction keeps the file the snapshot.
 */
class EncoderThreads {
  private readonly threads: Array<{ worker: Worker; waiting: Array<(r: PieceReply) => void>; exited: boolean }>;
  private seq = 0;
  private failure: Error | undefined;
  /** Which thread a piece's buffer came from, to hand it back once written. */
  private readonly owner = new WeakMap<ArrayBufferLike, Worker>();

  constructor(path: string, plan: PagePlan, count: number, pieceRows: number) {
    const fromSource = runningFromSource();
    const entry = fileURLToPath(new URL(`./export-binary2.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
    // The threads make few JavaScript objects: a small young generation keeps each one's memory down.
    const resourceLimits = { maxYoungGenerationSizeMb: 4 };
    const workerData = { path, plan: { ...plan, meta: undefined }, pieceRows };
    this.threads = Array.from({ length: count }, () => {
      const worker = fromSource
        ? // Node loads a worker's entry before `--import` hooks are in place: register tsx's, then load it.
          new Worker(
            `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); ` +
              `return import(${JSON.stringify(pathToFileURL(entry).href)}); })`,
            { eval: true, workerData, execArgv: workerExecArgv(), resourceLimits },
          )
        : new Worker(entry, { workerData, resourceLimits });
      const thread = { worker, waiting: [] as Array<(r: PieceReply) => void>, exited: false };
      worker.on('message', (reply: PieceReply) => {
        if ('result' in reply && reply.result.ok) this.owner.set(reply.result.bytes.buffer, worker);
        thread.waiting.shift()?.(reply);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        thread.exited = true;
        this.fail(new Error(`export thread stopped (exit code ${code})`));
      });
      return thread;
    });
  }

  /** Posts `piece` now; the returned function waits for its bytes. */
  encode(piece: Piece): () => Promise<PieceResult> {
    const thread = this.threads.reduce((a, b) => (b.waiting.length < a.waiting.length ? b : a));
    const seq = ++this.seq;
    const reply = new Promise<PieceResult>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      thread.waiting.push((r) => {
        if (r.seq !== seq) reject(new Error(`export thread answered piece ${r.seq} for ${seq}`));
        else if ('error' in r) reject(new Error(r.error));
        else resolve(r.result);
      });
      thread.worker.postMessage({ seq, piece });
    });
    reply.catch(() => undefined); // a piece of a frame handed to SQLite may never be awaited
    return () => reply;
  }

  /** Hands a piece's buffer back to the thread that filled it, for its next piece (the bytes are written out). */
  release(bytes: Uint8Array): void {
    const worker = this.owner.get(bytes.buffer);
    if (!worker || this.failure) return;
    this.owner.delete(bytes.buffer);
    worker.postMessage({ release: bytes.buffer }, [bytes.buffer as ArrayBuffer]);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const t of this.threads) for (const w of t.waiting.splice(0)) w({ seq: -1, error: this.failure.message });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('export threads closed');
    // Asked to stop rather than terminated, so each closes its file descriptor (a process-wide resource).
    await Promise.all(
      this.threads.map(
        (t) =>
          t.exited ||
          new Promise<void>((resolve) => {
            t.worker.once('exit', () => resolve());
            t.worker.postMessage('close');
          }),
      ),
    );
  }
}

type PieceReply = { seq: number; result: PieceResult } | { seq: number; error: string };
