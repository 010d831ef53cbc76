import type { SourceCatalog } from './catalog.js';
import { outputColumns, type OutputColumn } from './columns.js';
import { asciiToString, csvBodyBytes } from './csv-bytes.js';

/** The catalog as CSV with a header row of snake_case column names. */
export function catalogToCsv(cat: SourceCatalog): string {
  return columnsToCsv(outputColumns(cat), cat.count);
}

/**
 * Any set of equal-length columns as CSV (header row of names; numbers as the shortest decimal that keeps 10
 * significant digits, integers as they are, NaN as `nan`, which Python's float() reads).
 */
export function columnsToCsv(cols: readonly OutputColumn[], count: number): string {
  return `${csvHeader(cols)}\n${asciiToString(csvBodyBytes(cols, count))}`;
}

/** The CSV header row (column names joined by commas, no line end). */
export function csvHeader(cols: readonly OutputColumn[]): string {
  return cols.map((c) => c.name).join(',');
}

/**
 * The catalog as JSON: `{ meta, columns: [{name, unit}], sources: [{id, x, y, …}] }`; NaN becomes null.
 */
export function catalogToJson(cat: SourceCatalog, meta: Record<string, unknown> = {}): string {
  return columnsToJson(outputColumns(cat), cat.count, {
    ...meta,
    apertureRadiusPx: finiteOrNull(cat.apertureRadiusPx),
  });
}

/** Any set of equal-length columns as the JSON layout of `catalogToJson`. */
export function columnsToJson(
  cols: readonly OutputColumn[],
  count: number,
  meta: Record<string, unknown> = {},
): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    rows.push(`{${cols.map((c) => `${JSON.stringify(c.name)}:${jsonNumber(c, i)}`).join(',')}}`);
  }
  const head = JSON.stringify({ meta: { ...meta, count }, columns: cols.map((c) => ({ name: c.name, unit: c.unit })) });
  return `${head.slice(0, -1)},"sources":[\n${rows.join(',\n')}\n]}\n`;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function jsonNumber(col: OutputColumn, i: number): string {
  const v = col.data[i];
  if (!Number.isFinite(v)) return 'null';
  return col.data instanceof Int32Array ? String(v) : String(Number(v.toPrecision(10)));
}

/**
 * A DS9 region file in image coordinates (DS9 is 1-based: x + 1, y + 1): an ellipse of the Kron aperture
 * when measured, else a circle of the aperture radius; flagged objects in red, others in green.
 */
export function catalogToDs9Regions(cat: SourceCatalog): string {
  const lines = [
    '# Region file format: DS9 version 4.1',
    'global color=green width=1 font="helvetica 9 normal"',
    'image',
  ];
  const r0 = Number.isFinite(cat.apertureRadiusPx) ? cat.apertureRadiusPx : 3;
  for (let i = 0; i < cat.count; i++) {
    const x = cat.x[i] + 1;
    const y = cat.y[i] + 1;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const colour = cat.flags[i] !== 0 ? ' color=red' : '';
    const k = Math.max(2.5 * cat.kronRadius[i], 3.5);
    const a = k * cat.a[i];
    const b = k * cat.b[i];
    const tag = `#${colour} text={${i + 1}}`;
    if (Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0) {
      lines.push(`ellipse(${fmt(x)},${fmt(y)},${fmt(a)},${fmt(b)},${fmt(cat.theta[i])}) ${tag}`);
    } else {
      lines.push(`circle(${fmt(x)},${fmt(y)},${fmt(r0)}) ${tag}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function fmt(v: number): string {
  return String(Number(v.toFixed(4)));
}
