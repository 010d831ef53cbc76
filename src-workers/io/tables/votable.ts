/**
 * Streaming VOTable 1.4 writer (IVOA VOTable 1.4, 2019-10-21), TABLEDATA or BINARY2 serialization. The header goes
 * out first, then rows in chunks as the caller produces them, so memory stays bounded by one chunk whatever the row
 * count.
 */
import type { ColumnMeta } from '../../../src-main/common/columns.js';
import { Base64Lines, Binary2Encoder } from './binary2.js';
import type { ByteSink } from './sink.js';

export type VotableSerialization = 'tabledata' | 'binary2';

const LONG_NULL = '-9223372036854775808';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** XML prologue through `<TABLEDATA>` or `<BINARY2><STREAM encoding="base64">`. */
export function votableHeader(
  columns: readonly ColumnMeta[],
  tableName: string,
  serialization: VotableSerialization = 'tabledata',
): string {
  const fields = columns.map((c) => {
    const attrs = [`name="${esc(c.name)}"`, `datatype="${c.type}"`];
    if (c.type === 'char') attrs.push('arraysize="*"');
    if (c.unit) attrs.push(`unit="${esc(c.unit)}"`);
    if (c.ucd) attrs.push(`ucd="${esc(c.ucd)}"`);
    const desc = c.description ? `<DESCRIPTION>${esc(c.description)}</DESCRIPTION>` : '';
    // TABLEDATA long cells need an explicit null value (VOTable 1.4 §6); BINARY2 has per-row null flags instead.
    const nul = c.type === 'long' && serialization === 'tabledata' ? `<VALUES null="${LONG_NULL}"/>` : '';
    return `   <FIELD ${attrs.join(' ')}>${desc}${nul}</FIELD>\n`;
  });
  const open = serialization === 'binary2' ? '<BINARY2>\n     <STREAM encoding="base64">\n' : '<TABLEDATA>\n';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    ` <RESOURCE>\n  <TABLE name="${esc(tableName)}">\n${fields.join('')}   <DATA>\n    ${open}`
  );
}

function cellText(v: unknown, type: ColumnMeta['type']): string {
  if (v === null || v === undefined) return type === 'long' ? LONG_NULL : type === 'double' ? 'NaN' : '';
  if (type === 'double') return typeof v === 'number' ? String(v) : 'NaN';
  if (type === 'long') return typeof v === 'number' && Number.isInteger(v) ? String(v) : LONG_NULL;
  return esc(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** `<TR>` lines for a chunk of rows. */
export function votableRows(columns: readonly ColumnMeta[], rows: readonly Record<string, unknown>[]): string {
  let out = '';
  for (const r of rows) {
    out += '     <TR>';
    for (const c of columns) out += `<TD>${cellText(r[c.name], c.type)}</TD>`;
    out += '</TR>\n';
  }
  return out;
}

/** BINARY2 bytes for a chunk of rows given as objects keyed by column name (see `Binary2Encoder`). */
export function binary2Rows(columns: readonly ColumnMeta[], rows: readonly Record<string, unknown>[]): Uint8Array {
  return new Binary2Encoder(columns).encode(rows.map((r) => columns.map((c) => r[c.name])));
}

/** Closing tags after the last row. */
export function votableFooter(serialization: VotableSerialization = 'tabledata'): string {
  const close = serialization === 'binary2' ? '     </STREAM>\n    </BINARY2>\n' : '    </TABLEDATA>\n';
  return `${close}   </DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n`;
}

/** Writes a whole VOTable through `write` (e.g. a file stream), `chunk` rows at a time; returns the row count. */
export async function writeVotable(
  write: ByteSink,
  columns: readonly ColumnMeta[],
  rows: Iterable<Record<string, unknown>>,
  tableName: string,
  options: { serialization?: VotableSerialization; chunk?: number } = {},
): Promise<number> {
  const serialization = options.serialization ?? 'tabledata';
  if (serialization === 'binary2') {
    const names = columns.map((c) => c.name);
    return writeVotableArrays(write, columns, mapRows(rows, names), tableName, options);
  }
  const chunk = options.chunk ?? 4096;
  await write(votableHeader(columns, tableName, serialization));
  let buf: Record<string, unknown>[] = [];
  let n = 0;
  for (const r of rows) {
    buf.push(r);
    if (buf.length >= chunk) {
      await write(votableRows(columns, buf));
      n += buf.length;
      buf = [];
    }
  }
  await write(votableRows(columns, buf));
  n += buf.length;
  await write(votableFooter(serialization));
  return n;
}

function* mapRows(rows: Iterable<Record<string, unknown>>, names: readonly string[]): Generator<unknown[]> {
  for (const r of rows) yield names.map((k) => r[k]);
}

/**
 * Writes a BINARY2 VOTable of rows given as arrays in column order (better-sqlite3 `raw()` rows), `chunk` rows
 * per Buffer [8192]; returns the row count. The row arrays are not kept, so memory is one chunk.
 */
export async function writeVotableArrays(
  write: ByteSink,
  columns: readonly ColumnMeta[],
  rows: Iterable<ArrayLike<unknown>>,
  tableName: string,
  options: { chunk?: number } = {},
): Promise<number> {
  const chunk = options.chunk ?? 8192;
  const encoder = new Binary2Encoder(columns);
  const b64 = new Base64Lines();
  await write(votableHeader(columns, tableName, 'binary2'));
  const buf: ArrayLike<unknown>[] = new Array(chunk);
  let fill = 0;
  let n = 0;
  for (const r of rows) {
    buf[fill++] = r;
    if (fill === chunk) {
      await write(b64.push(encoder.encode(buf, fill)));
      n += fill;
      fill = 0;
    }
  }
  await write(b64.push(encoder.encode(buf, fill), true));
  n += fill;
  await write(votableFooter('binary2'));
  return n;
}
