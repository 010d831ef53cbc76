/**
 * Streaming ECSV 1.0 writer (astropy's Enhanced Character Separated Values, APE 6): a YAML header in `# ` comment
 * lines giving each column's datatype, unit, description and UCD (as column meta), then space-delimited rows.
 */
import type { ColumnMeta } from '../../../src-main/common/columns.js';
import type { TableSink } from './sink.js';

const ECSV_TYPE: Record<ColumnMeta['type'], string> = { double: 'float64', long: 'int64', char: 'string' };

/** JSON strings are valid YAML flow scalars, so every free-text value is written JSON-quoted. */
const yamlString = (s: string): string => JSON.stringify(s);

/** The `# %ECSV 1.0` header and the column-name line. */
export function ecsvHeader(columns: readonly ColumnMeta[], tableName: string): string {
  const lines = ['# %ECSV 1.0', '# ---', '# datatype:'];
  for (const c of columns) {
    const parts = [`name: ${yamlString(c.name)}`];
    if (c.unit) parts.push(`unit: ${yamlString(c.unit)}`);
    parts.push(`datatype: ${ECSV_TYPE[c.type]}`);
    if (c.description) parts.push(`description: ${yamlString(c.description)}`);
    if (c.ucd) parts.push(`meta: {ucd: ${yamlString(c.ucd)}}`);
    lines.push(`# - {${parts.join(', ')}}`);
  }
  lines.push(`# meta: {name: ${yamlString(tableName)}}`, '# schema: astropy-2.0');
  lines.push(columns.map((c) => quoteField(c.name)).join(' '));
  return `${lines.join('\n')}\n`;
}

/** Space-delimited fields are quoted CSV-style when they hold a space, quote or are empty. */
function quoteField(s: string): string {
  return s === '' || /[\s"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A missing value is an empty quoted field, which astropy reads back as masked. */
function cell(v: unknown, type: ColumnMeta['type']): string {
  if (v === null || v === undefined) return '""';
  if (type === 'double') return typeof v === 'number' ? (Number.isNaN(v) ? 'nan' : String(v)) : '""';
  if (type === 'long') return typeof v === 'number' && Number.isInteger(v) ? String(v) : '""';
  return quoteField(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** Writes a whole ECSV table through `write`, `chunk` rows at a time; returns the row count. */
export async function writeEcsv(
  write: TableSink,
  columns: readonly ColumnMeta[],
  rows: Iterable<Record<string, unknown>>,
  tableName: string,
  chunk = 4096,
): Promise<number> {
  await write(ecsvHeader(columns, tableName));
  let text = '';
  let n = 0;
  for (const r of rows) {
    text += `${columns.map((c) => cell(r[c.name], c.type)).join(' ')}\n`;
    if (++n % chunk === 0) {
      await write(text);
      text = '';
    }
  }
  await write(text);
  return n;
}
