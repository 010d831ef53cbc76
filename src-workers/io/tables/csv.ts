/**
 * Streaming RFC 4180 CSV writer with a `#` comment header that says, for each column, its unit, UCD and
 * description, so the file explains itself. Readers told to skip `#` lines (astropy's ascii.csv with comment='#',
 * pandas with comment='#') see a plain CSV. TOPCAT/STILTS' CSV reader does not skip them, hence `header: false`
 * (`owb catalog --plain-csv`); TOPCAT users are better served by VOTable or ECSV, which carry the same metadata.
 */
import type { ColumnMeta } from '../../../src-main/common/columns.js';
import type { TableSink } from './sink.js';

const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  return quote(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** The `#` lines: one per column, `# name [unit] (ucd): description`. */
export function csvCommentHeader(columns: readonly ColumnMeta[], tableName: string): string {
  const lines = [`# ${tableName}: ${columns.length} columns`];
  for (const c of columns) {
    const unit = c.unit ? ` [${c.unit}]` : '';
    const ucd = c.ucd ? ` (${c.ucd})` : '';
    lines.push(`# ${c.name}${unit}${ucd}${c.description ? `: ${c.description}` : ''}`.replace(/[\r\n]/g, ' '));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the comment header, the name row and every row through `write`; returns the row count. */
export async function writeCsv(
  write: TableSink,
  columns: readonly ColumnMeta[],
  rows: Iterable<Record<string, unknown>>,
  tableName: string,
  options: { header?: boolean; chunk?: number } = {},
): Promise<number> {
  const chunk = options.chunk ?? 4096;
  await write(
    `${options.header === false ? '' : csvCommentHeader(columns, tableName)}${columns.map((c) => quote(c.name)).join(',')}\n`,
  );
  let text = '';
  let n = 0;
  for (const r of rows) {
    text += `${columns.map((c) => cell(r[c.name])).join(',')}\n`;
    if (++n % chunk === 0) {
      await write(text);
      text = '';
    }
  }
  await write(text);
  return n;
}
