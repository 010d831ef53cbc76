/**
 * Streaming VOTable 1.4 writer (IVOA VOTable 1.4, 2019-10-21), TABLEDATA or BINARY2 serialization. The header goes
 * out first, then rows in chunks as the caller produces them, so memory stays bounded by one chunk whatever the row
 * count.
 */
import type { ColumnMeta } from '../../../src-main/common/columns.js';
import type { TableSink } from './sink.js';

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

/**
 * BINARY2 bytes for a chunk of rows (VOTable 1.4 §5.5): per row a null-flag bit mask (most significant bit first),
 * then each cell big-endian: double and long 8 bytes, char arraysize="*" a 4-byte length and UTF-8 bytes.
 */
export function binary2Rows(columns: readonly ColumnMeta[], rows: readonly Record<string, unknown>[]): Uint8Array {
  const maskBytes = Math.ceil(columns.length / 8);
  const text = new TextEncoder();
  const strings: Uint8Array[][] = rows.map((r) =>
    columns.map((c) => (c.type === 'char' && r[c.name] != null ? text.encode(charValue(r[c.name])) : EMPTY)),
  );
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    size += maskBytes;
    columns.forEach((c, k) => (size += c.type === 'char' ? 4 + strings[i][k].length : 8));
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  rows.forEach((r, i) => {
    const mask = at;
    at += maskBytes;
    columns.forEach((c, k) => {
      const v = r[c.name];
      const isNull =
        v === null ||
        v === undefined ||
        (c.type === 'double' && typeof v !== 'number') ||
        (c.type === 'long' && !(typeof v === 'number' && Number.isInteger(v)));
      if (isNull) out[mask + (k >> 3)] |= 0x80 >> (k & 7);
      if (c.type === 'double') {
        view.setFloat64(at, isNull ? Number.NaN : (v as number));
        at += 8;
      } else if (c.type === 'long') {
        view.setBigInt64(at, isNull ? 0n : BigInt(v as number));
        at += 8;
      } else {
        const bytes = strings[i][k];
        view.setUint32(at, bytes.length);
        out.set(bytes, at + 4);
        at += 4 + bytes.length;
      }
    });
  });
  return out;
}

const EMPTY = new Uint8Array(0);
const charValue = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Base64 in 76-character lines, carrying the 0–2 bytes that do not fill a 3-byte group over to the next chunk. */
class Base64Lines {
  private carry = new Uint8Array(0);
  push(bytes: Uint8Array, last = false): string {
    const all = new Uint8Array(this.carry.length + bytes.length);
    all.set(this.carry);
    all.set(bytes, this.carry.length);
    const whole = last ? all.length : all.length - (all.length % 57);
    this.carry = all.slice(whole);
    let out = '';
    for (let i = 0; i < whole; i += 57)
      out += `${Buffer.from(all.subarray(i, Math.min(whole, i + 57))).toString('base64')}\n`;
    return out;
  }
}

/** Closing tags after the last row. */
export function votableFooter(serialization: VotableSerialization = 'tabledata'): string {
  const close = serialization === 'binary2' ? '     </STREAM>\n    </BINARY2>\n' : '    </TABLEDATA>\n';
  return `${close}   </DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n`;
}

/** Writes a whole VOTable through `write` (e.g. a file stream), `chunk` rows at a time; returns the row count. */
export async function writeVotable(
  write: TableSink,
  columns: readonly ColumnMeta[],
  rows: Iterable<Record<string, unknown>>,
  tableName: string,
  options: { serialization?: VotableSerialization; chunk?: number } = {},
): Promise<number> {
  const serialization = options.serialization ?? 'tabledata';
  const chunk = options.chunk ?? 4096;
  const b64 = new Base64Lines();
  const emit = async (buf: Record<string, unknown>[], last: boolean) => {
    if (serialization === 'tabledata') await write(votableRows(columns, buf));
    else await write(b64.push(binary2Rows(columns, buf), last));
  };
  await write(votableHeader(columns, tableName, serialization));
  let buf: Record<string, unknown>[] = [];
  let n = 0;
  for (const r of rows) {
    buf.push(r);
    if (buf.length >= chunk) {
      await emit(buf, false);
      n += buf.length;
      buf = [];
    }
  }
  await emit(buf, true);
  n += buf.length;
  await write(votableFooter(serialization));
  return n;
}
