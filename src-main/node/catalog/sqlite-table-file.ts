/**
 * Reads the rows of one SQLite table straight from the database file, in rowid order, without making a JavaScript
 * value per cell (SQLite database file format, https://www.sqlite.org/fileformat2.html §1.6 B-tree pages, §2.1
 * records). Only a caller that holds a read transaction in which the file itself is the snapshot may use it
 * (`fileIsSnapshot`): the pages are read with `pread`, not through SQLite's pager.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

const LEAF_TABLE = 13;
const INTERIOR_TABLE = 5;
/** Pages read per `pread` while leaves come in file order (sequentially built tables). */
const BLOCK_PAGES = 32;

/** A table's cells in rowid order; `next()` moves to the next cell and exposes it through the public fields. */
export class TableCursor {
  /** The current leaf page: `page[pageAt + cellAt]` is the current cell's record. */
  readonly page: Buffer;
  readonly view: DataView;
  pageAt = 0;
  /** Offset of the current cell's record (its payload) from `pageAt`. */
  recordAt = 0;
  /** Record bytes; `false` from `next()` when the record spills to overflow pages. */
  recordBytes = 0;
  rowid = 0;
  private readonly stack: Array<{ page: Buffer; cell: number; cells: number; at: number }> = [];
  private leafCells = 0;
  private leafCell = 0;
  private blockFirst = -1;
  private blockPages = 0;
  private sequential = true;

  constructor(
    private readonly file: SqliteFile,
    private readonly root: number,
  ) {
    this.page = Buffer.allocUnsafe(file.pageSize * BLOCK_PAGES);
    this.view = new DataView(this.page.buffer, this.page.byteOffset, this.page.byteLength);
  }

  /** Positions before the first cell whose rowid is ≥ `rowid`. */
  seek(rowid: number): void {
    this.stack.length = 0;
    let pgno = this.root;
    for (let depth = 0; depth < 40; depth++) {
      const page = this.file.readPage(pgno);
      const at = pgno === 1 ? 100 : 0;
      const type = page[at];
      const cells = page.readUInt16BE(at + 3);
      if (type === LEAF_TABLE) {
        this.loadLeaf(pgno);
        // Binary search of the first cell with a rowid ≥ `rowid`.
        let lo = 0;
        let hi = cells;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.cellRowid(mid) < rowid) lo = mid + 1;
          else hi = mid;
        }
        this.leafCell = lo;
        return;
      }
      if (type !== INTERIOR_TABLE) throw new Error(`${this.file.path}: page ${pgno} is not a table B-tree page`);
      let lo = 0;
      let hi = cells;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (interiorKey(page, at, mid) < rowid) lo = mid + 1;
        else hi = mid;
      }
      this.stack.push({ page, cell: lo, cells, at });
      pgno = lo < cells ? page.readUInt32BE(page.readUInt16BE(at + 12 + 2 * lo)) : page.readUInt32BE(at + 8);
    }
    throw new Error(`${this.file.path}: B-tree deeper than 40 levels`);
  }

  /**
   * Moves to the next cell: `true` with `rowid`, `recordAt` and `recordBytes` set, or `false` at the end. Throws
   * `OverflowRecord` for a record that spills to overflow pages (callers fall back to SQLite for it).
   */
  next(): boolean {
    while (this.leafCell >= this.leafCells) {
      if (!this.nextLeaf()) return false;
    }
    const page = this.page;
    const base = this.pageAt;
    const header = base + (this.currentPgno === 1 ? 100 : 0);
    let p = base + page.readUInt16BE(header + 8 + 2 * this.leafCell++);
    // payload size and rowid: varints
    let size = 0;
    for (let k = 0; k < 9; k++) {
      const b = page[p++];
      if (k === 8) {
        size = size * 256 + b;
        break;
      }
      size = size * 128 + (b & 127);
      if (b < 128) break;
    }
    // The rowid, decoded here rather than by readVarint, which makes an object per call.
    let rowid = 0;
    for (let k = 0; k < 9; k++) {
      const b = page[p++];
      if (k === 8) {
        rowid = rowid * 256 + b;
        break;
      }
      rowid = rowid * 128 + (b & 127);
      if (b < 128) break;
    }
    if (rowid >= 2 ** 63) rowid -= 2 ** 64;
    if (size > this.file.usable - 35) throw new OverflowRecord(rowid);
    this.rowid = rowid;
    this.recordAt = p - base;
    this.recordBytes = size;
    return true;
  }

  private currentPgno = 0;

  private cellRowid(cell: number): number {
    const page = this.page;
    const base = this.pageAt;
    let p = base + page.readUInt16BE(base + (this.currentPgno === 1 ? 100 : 0) + 8 + 2 * cell);
    while (page[p] >= 128) p++; // payload size
    return readVarint(page, p + 1).value;
  }

  private nextLeaf(): boolean {
    // Climb to the first ancestor with a child left, then down its leftmost path.
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1];
      if (top.cell < top.cells) {
        top.cell++;
        const pgno =
          top.cell < top.cells
            ? top.page.readUInt32BE(top.page.readUInt16BE(top.at + 12 + 2 * top.cell))
            : top.page.readUInt32BE(top.at + 8);
        this.descendLeftmost(pgno);
        return true;
      }
      this.stack.pop();
    }
    return false;
  }

  private descendLeftmost(pgno: number): void {
    for (let depth = 0; depth < 40; depth++) {
      const page = this.file.readPage(pgno);
      const at = pgno === 1 ? 100 : 0;
      if (page[at] === LEAF_TABLE) {
        this.loadLeaf(pgno);
        this.leafCell = 0;
        return;
      }
      if (page[at] !== INTERIOR_TABLE) throw new Error(`${this.file.path}: page ${pgno} is not a table B-tree page`);
      const cells = page.readUInt16BE(at + 3);
      this.stack.push({ page, cell: 0, cells, at });
      pgno = cells > 0 ? page.readUInt32BE(page.readUInt16BE(at + 12)) : page.readUInt32BE(at + 8);
    }
    throw new Error(`${this.file.path}: B-tree deeper than 40 levels`);
  }

  /** Makes leaf `pgno` current, reading a block of following pages when leaves have been coming in file order. */
  private loadLeaf(pgno: number): void {
    const size = this.file.pageSize;
    if (pgno < this.blockFirst || pgno >= this.blockFirst + this.blockPages) {
      this.sequential = pgno === this.blockFirst + this.blockPages;
      const pages = this.sequential ? Math.min(BLOCK_PAGES, this.file.pageCount - pgno + 1) : 1;
      this.file.readInto(this.page, pgno, Math.max(1, pages));
      this.blockFirst = pgno;
      this.blockPages = Math.max(1, pages);
    }
    this.pageAt = (pgno - this.blockFirst) * size;
    this.currentPgno = pgno;
    const header = this.pageAt + (pgno === 1 ? 100 : 0);
    if (this.page[header] !== LEAF_TABLE) throw new Error(`${this.file.path}: page ${pgno} is not a table leaf`);
    this.leafCells = this.page.readUInt16BE(header + 3);
  }
}

/** A record too long for its page (the rest is in overflow pages), which this reader does not follow. */
export class OverflowRecord extends Error {
  constructor(readonly rowid: number) {
    super(`row ${rowid} spills to overflow pages`);
  }
}

function interiorKey(page: Buffer, at: number, cell: number): number {
  const p = page.readUInt16BE(at + 12 + 2 * cell) + 4;
  return readVarint(page, p).value;
}

/** A SQLite varint (1–9 bytes, big-endian) at `p`, as a number (exact to 2^53). */
export function readVarint(bytes: Uint8Array, p: number): { value: number; end: number } {
  let value = 0;
  for (let k = 0; k < 8; k++) {
    const b = bytes[p++];
    value = value * 128 + (b & 127);
    if (b < 128) return { value: value > 2 ** 63 - 1 ? value - 2 ** 64 : value, end: p };
  }
  value = value * 256 + bytes[p++];
  return { value: value >= 2 ** 63 ? value - 2 ** 64 : value, end: p };
}

/** An open database file: page size, usable bytes per page, pages read with `pread`. */
export class SqliteFile {
  readonly pageSize: number;
  readonly usable: number;
  readonly pageCount: number;
  private readonly fd: number;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
    const header = Buffer.alloc(100);
    readSync(fd, header, 0, 100, 0);
    if (header.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw new Error(`${path}: not a SQLite database`);
    const size = header.readUInt16BE(16);
    this.pageSize = size === 1 ? 65536 : size;
    this.usable = this.pageSize - header[20];
    this.pageCount = Math.floor(statSync(path).size / this.pageSize);
  }

  static open(path: string): SqliteFile {
    return new SqliteFile(path, openSync(path, 'r'));
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Page `pgno` (1-based) in a new Buffer. */
  readPage(pgno: number): Buffer {
    const page = Buffer.allocUnsafe(this.pageSize);
    this.readInto(page, pgno, 1);
    return page;
  }

  /** `pages` pages from `pgno` into the start of `into`. */
  readInto(into: Buffer, pgno: number, pages: number): void {
    const bytes = pages * this.pageSize;
    let done = 0;
    while (done < bytes) {
      const n = readSync(this.fd, into, done, bytes - done, (pgno - 1) * this.pageSize + done);
      if (n === 0) throw new Error(`${this.path}: page ${pgno + Math.floor(done / this.pageSize)} is past the end`);
      done += n;
    }
  }
}

/**
 * Whether the database file alone holds the snapshot of the read transaction `db` has open, so that reading pages
 * with `pread` sees what SQLite would, for as long as that transaction lasts. Rollback journal: a read transaction
 * holds SHARED, which keeps writers from the file. WAL: the file is the snapshot when every frame of the log has
 * been copied back (nBackfill = mxFrame in the WAL-index, https://www.sqlite.org/walformat.html §2.1); checkpoints
 * then cannot write past our read mark, and new commits go to the log only.
 */
export function fileIsSnapshot(path: string, journalMode: string, inReadTransaction: boolean): boolean {
  if (!inReadTransaction) return false;
  if (journalMode !== 'wal') return journalMode === 'delete' || journalMode === 'truncate' || journalMode === 'persist';
  let shm: Buffer;
  try {
    shm = readFileSync(`${path}-shm`).subarray(0, 136);
  } catch {
    return false; // exclusive locking keeps the WAL-index in heap memory: nothing to check against
  }
  if (shm.length < 136) return false;
  // Two copies of the 48-byte header; a writer between them means a commit is under way: do not trust either.
  if (!shm.subarray(0, 48).equals(shm.subarray(48, 96))) return false;
  const little = new DataView(shm.buffer, shm.byteOffset, shm.byteLength);
  const native = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const mxFrame = little.getUint32(16, native);
  const nBackfill = little.getUint32(96, native);
  return shm[12] === 1 && nBackfill === mxFrame;
}
