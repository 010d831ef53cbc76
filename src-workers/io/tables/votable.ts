/**
 * Streaming VOTable 1.4 TABLEDATA writer (IVOA VOTable 1.4, 2019-10-21). The header goes out first, then rows in
 * chunks as the caller produces them, so memory stays bounded by one chunk whatever the row count.
 */

/** What the writer needs to know about a column (src-main/common/columns.ts ColumnMeta satisfies it). */
export interface VotColumn {
  readonly name: string;
  readonly type: 'double' | 'long' | 'char';
  readonly unit: string;
  readonly ucd: string;
  readonly description: string;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** XML prologue through `<TABLEDATA>`. */
export function votableHeader(columns: readonly VotColumn[], tableName: string): string {
  const fields = columns.map((c) => {
    const attrs = [`name="${esc(c.name)}"`, `datatype="${c.type === 'char' ? 'char' : c.type}"`];
    if (c.type === 'char') attrs.push('arraysize="*"');
    if (c.unit) attrs.push(`unit="${esc(c.unit)}"`);
    if (c.ucd) attrs.push(`ucd="${esc(c.ucd)}"`);
    const desc = c.description ? `<DESCRIPTION>${esc(c.description)}</DESCRIPTION>` : '';
    // long columns need an explicit null value for missing cells (VOTable 1.4 §6).
    const nul = c.type === 'long' ? '<VALUES null="-9223372036854775808"/>' : '';
    return `   <FIELD ${attrs.join(' ')}>${desc}${nul}</FIELD>\n`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    ` <RESOURCE>\n  <TABLE name="${esc(tableName)}">\n${fields.join('')}   <DATA>\n    <TABLEDATA>\n`
  );
}

function cellText(v: unknown, type: VotColumn['type']): string {
  if (v === null || v === undefined) return type === 'long' ? '-9223372036854775808' : type === 'double' ? 'NaN' : '';
  if (type === 'double') return typeof v === 'number' ? String(v) : 'NaN';
  if (type === 'long') return typeof v === 'number' && Number.isInteger(v) ? String(v) : '-9223372036854775808';
  return esc(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** `<TR>` lines for a chunk of rows. */
export function votableRows(columns: readonly VotColumn[], rows: readonly Record<string, unknown>[]): string {
  let out = '';
  for (const r of rows) {
    out += '     <TR>';
    for (const c of columns) out += `<TD>${cellText(r[c.name], c.type)}</TD>`;
    out += '</TR>\n';
  }
  return out;
}

/** Closing tags after the last row. */
export const VOTABLE_FOOTER = '    </TABLEDATA>\n   </DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n';

/** Writes a whole VOTable through `write` (e.g. a file stream), `chunk` rows at a time from `rows`. */
export async function writeVotable(
  write: (text: string) => Promise<void> | void,
  columns: readonly VotColumn[],
  rows: Iterable<Record<string, unknown>>,
  tableName: string,
  chunk = 4096,
): Promise<number> {
  await write(votableHeader(columns, tableName));
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
  await write(VOTABLE_FOOTER);
  return n;
}
