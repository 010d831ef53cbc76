import { writeFile } from 'node:fs/promises';
import type { TableColumnInput } from '../../../src-workers/core/fits/table.js';
import { writeFitsTable } from '../../../src-workers/io/fits-file.js';
import { writeVotable } from '../../../src-workers/io/tables/votable.js';
import { resolveColumns } from '../../common/columns.js';

export type RowFormat = 'table' | 'csv' | 'json' | 'fits' | 'votable';
export const ROW_FORMATS: readonly RowFormat[] = ['table', 'csv', 'json', 'fits', 'votable'];

type Row = Record<string, unknown>;

function columnsOf(rows: readonly Row[], columns?: readonly string[]): string[] {
  if (columns) return [...columns];
  const seen = new Set<string>();
  for (const r of rows.slice(0, 100)) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Rows as an aligned text table (header line, then one line per row). */
export function formatTable(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = columnsOf(rows, columns);
  if (cols.length === 0) return '(no rows)\n';
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => row[i].length))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (v.length > widths[i] ? `${v.slice(0, widths[i] - 1)}…` : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[line(cols), ...cells.map(line)].join('\n')}\n`;
}

/** RFC 4180 CSV with a header row. */
export function formatCsv(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = columnsOf(rows, columns);
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${[cols.map(quote).join(','), ...rows.map((r) => cols.map((c) => quote(cell(r[c]))).join(','))].join('\n')}\n`;
}

/**
 * Writes rows as a FITS BINTABLE: numbers as 64-bit floats (NULL → NaN) or 32-bit integers when every value
 * is an integer, text as strings. Pixel columns `x`/`y` get their 1-based FITS twins `X_IMAGE`/`Y_IMAGE`.
 */
export async function writeRowsFits(
  path: string,
  rows: readonly Row[],
  extname: string,
  columns?: readonly string[],
): Promise<void> {
  const cols = columnsOf(rows, columns);
  const out: TableColumnInput[] = [];
  for (const name of cols) {
    const values = rows.map((r) => r[name]);
    const numeric = values.every((v) => v === null || v === undefined || typeof v === 'number');
    if (numeric) {
      const integer = values.every(
        (v) => v !== null && v !== undefined && Number.isInteger(v) && Math.abs(v as number) < 2 ** 31,
      );
      const data = integer
        ? Int32Array.from(values as number[])
        : Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN));
      out.push({ name: name.toUpperCase(), data });
      if ((name === 'x' || name === 'y') && !integer) {
        out.push({ name: `${name.toUpperCase()}_IMAGE`, data: Float64Array.from(data, (v) => v + 1), unit: 'pix' });
      }
    } else {
      out.push({ name: name.toUpperCase(), data: values.map((v) => cell(v)) });
    }
  }
  await writeFitsTable(path, out, { extname });
}

/** Formats rows for stdout or writes them to `out` (required for FITS). Returns what to print, if anything. */
export async function emitRows(
  rows: readonly Row[],
  format: RowFormat,
  options: { out?: string; extname: string; columns?: readonly string[] },
): Promise<string | undefined> {
  if (format === 'fits') {
    if (!options.out) throw new RangeError('--format fits needs --out FILE');
    await writeRowsFits(options.out, rows, options.extname, options.columns);
    return undefined;
  }
  if (format === 'votable') {
    // Units, UCDs and descriptions come from the column registry (src-main/common/columns.ts).
    let text = '';
    await writeVotable(
      (t) => void (text += t),
      resolveColumns(columnsOf(rows, options.columns)),
      rows,
      options.extname,
    );
    if (!options.out) return text;
    await writeFile(options.out, text);
    return undefined;
  }
  const text =
    format === 'json'
      ? `${JSON.stringify(rows, null, 0)}\n`
      : format === 'csv'
        ? formatCsv(rows, options.columns)
        : formatTable(rows, options.columns);
  if (options.out) {
    await writeFile(options.out, text);
    return undefined;
  }
  return text;
}
