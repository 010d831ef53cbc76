import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** One value in COPY's text format: `\N` for null, numbers in JavaScript's round-trip form, text escaped. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  // String(-0) is '0': the sign of a negative zero would be lost.
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return String(v).replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c);
}

/**
 * Bulk load through `COPY table (columns) FROM STDIN` (`pg-copy-streams`) on `client`, inside the caller's
 * transaction when there is one. `rows` yields one array of values per row, in `columns` order; they are
 * encoded in chunks of about 256 KiB as the server takes them, so memory stays bounded for any row count.
 * Returns the number of rows the server loaded.
 */
export async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  async function* chunks(): AsyncGenerator<string> {
    let buffer = '';
    for await (const row of rows as AsyncIterable<readonly unknown[]>) {
      buffer += row.map(copyValue).join('\t') + '\n';
      if (buffer.length >= 262_144) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  await pipeline(Readable.from(chunks()), stream);
  return Number(stream.rowCount);
}

/** Column types of a binary COPY, as the target columns are declared (binary COPY does not convert). */
export type CopyType = 'int8' | 'float8' | 'text';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Bulk load through `COPY … FROM STDIN WITH (FORMAT binary)`: numbers travel as their 8 bytes, so nothing is
 * formatted or parsed on either side (several times faster than text for float columns). `types[i]` must be
 * the declared type of `columns[i]`; a value that does not fit its type (a fraction for int8, text for a
 * number) is a `TypeError` naming the table and column, and the COPY is aborted. Returns the rows loaded.
 */
export async function copyRowsBinary(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  types: readonly CopyType[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  if (types.length !== columns.length)
    throw new TypeError(`${table}: ${columns.length} columns, ${types.length} types`);
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT binary)`));
  const CHUNK = 1 << 18;
  function* chunks(): Generator<Buffer> {
    let buf = Buffer.allocUnsafe(CHUNK * 2);
    let at = 0;
    const room = (n: number) => {
      if (at + n <= buf.length) return;
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, at + n));
      buf.copy(bigger, 0, 0, at);
      buf = bigger;
    };
    SIGNATURE.copy(buf, 0);
    buf.writeInt32BE(0, 11); // flags
    buf.writeInt32BE(0, 15); // header extension length
    at = 19;
    for (const row of rows) {
      room(2 + row.length * 12);
      buf.writeInt16BE(row.length, at);
      at += 2;
      for (let c = 0; c < row.length; c++) {
        const v = row[c];
        if (v === null || v === undefined) {
          buf.writeInt32BE(-1, at);
          at += 4;
          continue;
        }
        const type = types[c];
        if (type === 'text') {
          const text = String(v);
          const n = Buffer.byteLength(text);
          room(4 + n);
          buf.writeInt32BE(n, at);
          buf.write(text, at + 4);
          at += 4 + n;
          continue;
        }
        if (typeof v !== 'number' || (type === 'int8' && !Number.isSafeInteger(v)))
          throw new TypeError(
            `${table}.${columns[c]}: ${JSON.stringify(v)} is not a ${type === 'int8' ? '64-bit integer' : 'number'}`,
          );
        buf.writeInt32BE(8, at);
        if (type === 'int8') buf.writeBigInt64BE(BigInt(v), at + 4);
        else buf.writeDoubleBE(v, at + 4);
        at += 12;
      }
      if (at >= CHUNK) {
        yield Buffer.from(buf.subarray(0, at));
        at = 0;
      }
    }
    room(2);
    buf.writeInt16BE(-1, at); // trailer
    at += 2;
    yield Buffer.from(buf.subarray(0, at));
  }
  await pipeline(Readable.from(chunks()), stream);
  return Number(stream.rowCount);
}

/** One column of `copyColumnsBinary`: its values, or one value for every row (`null` for NULL). */
export type CopyColumn = ArrayLike<number | null> | number | null;

/**
 * `copyRowsBinary` for columnar data (struct of arrays, as catalogs travel): row `i` is `columns[c][i]` of
 * every column, encoded straight into the COPY buffer with no per-row array. `nanIsNull` columns store NaN
 * as NULL (how detections mark a value they could not measure). Only `int8` and `float8` columns. Returns
 * the rows loaded.
 */
export async function copyColumnsBinary(
  client: pg.PoolClient | pg.Client,
  table: string,
  names: readonly string[],
  types: readonly ('int8' | 'float8')[],
  columns: readonly CopyColumn[],
  count: number,
  nanIsNull: readonly boolean[] = [],
): Promise<number> {
  if (types.length !== names.length || columns.length !== names.length)
    throw new TypeError(`${table}: ${names.length} columns, ${types.length} types, ${columns.length} value arrays`);
  for (const [c, col] of columns.entries())
    if (col !== null && typeof col !== 'number' && col.length < count)
      throw new TypeError(`${table}.${names[c]}: ${col.length} values for ${count} rows`);
  const stream = client.query(copyFrom(`COPY ${table} (${names.join(', ')}) FROM STDIN WITH (FORMAT binary)`));
  const width = names.length;
  const rowBytes = 2 + 12 * width;
  const CHUNK = 1 << 18;
  // DataView writes: two to four times faster than Buffer's writeDoubleBE/writeInt32BE per value here.
  function* chunks(): Generator<Buffer> {
    let ab = new ArrayBuffer(CHUNK + rowBytes + 19);
    let dv = new DataView(ab);
    new Uint8Array(ab).set(SIGNATURE, 0);
    dv.setInt32(11, 0);
    dv.setInt32(15, 0);
    let at = 19;
    for (let i = 0; i < count; i++) {
      dv.setInt16(at, width);
      at += 2;
      for (let c = 0; c < width; c++) {
        const col = columns[c];
        const v = col === null ? null : typeof col === 'number' ? col : col[i];
        if (v === null || v === undefined || (nanIsNull[c] && Number.isNaN(v))) {
          dv.setInt32(at, -1);
          at += 4;
          continue;
        }
        dv.setInt32(at, 8);
        if (types[c] === 'int8') {
          if (!Number.isSafeInteger(v)) throw new TypeError(`${table}.${names[c]}: ${v} is not a 64-bit integer`);
          // Two 32-bit halves: a BigInt conversion per value costs more than the rest of the row.
          dv.setInt32(at + 4, Math.floor(v / 4294967296));
          dv.setUint32(at + 8, v >>> 0);
        } else dv.setFloat64(at + 4, v);
        at += 12;
      }
      if (at >= CHUNK) {
        yield Buffer.from(ab, 0, at);
        ab = new ArrayBuffer(CHUNK + rowBytes);
        dv = new DataView(ab);
        at = 0;
      }
    }
    dv.setInt16(at, -1);
    yield Buffer.from(ab, 0, at + 2);
  }
  await pipeline(Readable.from(chunks()), stream);
  return Number(stream.rowCount);
}
