import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** One value in COPY's text format: `\N` for null, numbers in JavaScript's round-trip form, text escaped. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
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
