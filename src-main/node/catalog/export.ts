import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { HeaderInput } from '../../../src-workers/core/fits/encode.js';
import type { TableColumnInput } from '../../../src-workers/core/fits/table.js';
import { writeFitsTable } from '../../../src-workers/io/fits-file.js';
import { writeCsv } from '../../../src-workers/io/tables/csv.js';
import { writeEcsv } from '../../../src-workers/io/tables/ecsv.js';
import type { ByteSink } from '../../../src-workers/io/tables/sink.js';
import { writeVotable, writeVotableArrays } from '../../../src-workers/io/tables/votable.js';
import { resolveColumns, type ColumnMeta } from '../../common/columns.js';

export type RowFormat = 'table' | 'csv' | 'json' | 'fits' | 'votable' | 'votable-binary2' | 'ecsv';
export const ROW_FORMATS: readonly RowFormat[] = ['table', 'csv', 'json', 'fits', 'votable', 'votable-binary2', 'ecsv'];

type Row = Record<string, unknown>;

/** Rows inspected to find column names and the types of columns the registry does not know. */
const SAMPLE = 100;

function namesOf(rows: readonly Row[], columns?: readonly string[]): string[] {
  if (columns) return [...columns];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** Registry metadata, with the type of unknown columns taken from the values (all integers → long, numbers → double). */
export function columnMetaOf(sample: readonly Row[], names: readonly string[], fluxUnit?: string): ColumnMeta[] {
  return resolveColumns(names, fluxUnit).map((c) => {
    if (c.ucd || c.unit || c.description) return c;
    const values = sample.map((r) => r[c.name]).filter((v) => v !== null && v !== undefined);
    const type = values.every((v) => typeof v === 'number')
      ? values.every((v) => Number.isInteger(v))
        ? 'long'
        : 'double'
      : 'char';
    return { ...c, type };
  });
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    // Ten significant digits keep a JD to 86 s and an MJD to 0.9 s: values from 10⁴ up (times, mostly) are
    // written in full (shortest round-trip form), so a BJD_TDB keeps its milliseconds.
    if (Number.isInteger(v) || Math.abs(v) >= 1e4) return String(v);
    return String(Number(v.toPrecision(10)));
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Rows as an aligned text table (header line, then one line per row). */
export function formatTable(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = namesOf(rows.slice(0, SAMPLE), columns);
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

/**
 * Writes rows as a FITS BINTABLE: numbers as 64-bit floats (NULL → NaN) or 32-bit integers when every value
 * is an integer, text as strings; TUNIT/TUCD/TCOMM from the column registry. Pixel columns `x`/`y` get their
 * 1-based FITS twins `X_IMAGE`/`Y_IMAGE`.
 */
export async function writeRowsFits(
  path: string,
  rows: readonly Row[],
  extname: string,
  columns?: readonly string[],
  options: { fluxUnit?: string; header?: HeaderInput } = {},
): Promise<void> {
  const meta = columnMetaOf(rows.slice(0, SAMPLE), namesOf(rows.slice(0, SAMPLE), columns), options.fluxUnit);
  const out: TableColumnInput[] = [];
  for (const c of meta) {
    const values = rows.map((r) => r[c.name]);
    const described = { ...(c.unit ? { unit: c.unit } : {}), ucd: c.ucd, description: c.description };
    const numeric = values.every((v) => v === null || v === undefined || typeof v === 'number');
    if (numeric && c.type !== 'char') {
      const integer = values.every(
        (v) => v !== null && v !== undefined && Number.isInteger(v) && Math.abs(v as number) < 2 ** 31,
      );
      const data = integer
        ? Int32Array.from(values as number[])
        : Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN));
      out.push({ name: c.name.toUpperCase(), data, ...described });
      if ((c.name === 'x' || c.name === 'y') && !integer) {
        out.push({
          name: `${c.name.toUpperCase()}_IMAGE`,
          data: Float64Array.from(data, (v) => v + 1),
          unit: 'pix',
          ucd: described.ucd,
          description: `${c.name} in FITS 1-based pixel coordinates`,
        });
      }
    } else {
      out.push({ name: c.name.toUpperCase(), data: values.map((v) => cell(v)), ...described });
    }
  }
  await writeFitsTable(path, out, { extname, header: options.header });
}

export interface ExportOptions {
  /** File to write; without it text formats go to `stdout`. */
  out?: string;
  /** Table name (VOTable TABLE name, ECSV meta name, FITS EXTNAME). */
  extname: string;
  /** Columns in this order; default: every key of the first rows. */
  columns?: readonly string[];
  /** The image's BUNIT for flux columns ('' when the rows mix units, so none is claimed). */
  fluxUnit?: string;
  /** CSV only: write the `#` lines of units and descriptions [true]. */
  csvHeader?: boolean;
  /** Extra FITS header cards (RADESYS, EQUINOX, MJD-OBS, …). */
  fitsHeader?: HeaderInput;
  /** Where text goes without `out`. */
  stdout?: { write(text: string): unknown };
  /** Called every few thousand rows with the running count, for progress on long exports. */
  onProgress?: (rows: number) => void;
}

/**
 * A sink over a file stream that waits for 'drain', so a slow disk bounds memory instead of the write queue. The
 * stream's error (no such folder, disk full) is kept and rethrown by the next write or at the end.
 */
/** A sink writing to `stream` with backpressure; a write error becomes a RangeError naming `path`. */
export function fileSink(stream: WriteStream, path: string): { write: ByteSink; failure: () => Error | undefined } {
  let failure: Error | undefined;
  stream.on('error', (e) => (failure ??= new RangeError(`${path}: ${e.message}`)));
  return {
    failure: () => failure,
    write: async (text) => {
      if (failure) throw failure;
      if (text && !stream.write(text)) {
        // The listener that loses the race is removed, or every drain would leave one behind (a 10⁷-row
        // export piled up thousands and Node warned of a leak).
        const done = new AbortController();
        await Promise.race([
          once(stream, 'drain', { signal: done.signal }),
          once(stream, 'close', { signal: done.signal }),
        ]).catch(() => undefined);
        done.abort();
      }
      if (failure) throw failure;
    },
  };
}

function* counted(rows: Iterable<Row>, onProgress?: (n: number) => void): Generator<Row> {
  let n = 0;
  for (const r of rows) {
    yield r;
    if (onProgress && ++n % 10_000 === 0) onProgress(n);
  }
}

/**
 * Streams `rows` (an iterable, typically paging through the catalog) in `format` to `options.out` or stdout, and
 * returns how many rows went out. FITS needs every row before the header (NAXIS2), so it alone collects them.
 */
export async function exportRows(rows: Iterable<Row>, format: RowFormat, options: ExportOptions): Promise<number> {
  const it = rows[Symbol.iterator]();
  const sample: Row[] = [];
  let step = it.next();
  while (!step.done && sample.length < SAMPLE) {
    sample.push(step.value);
    step = it.next();
  }
  const rest: Iterable<Row> = {
    *[Symbol.iterator]() {
      yield* sample;
      while (!step.done) {
        yield step.value;
        step = it.next();
      }
    },
  };
  const all = counted(rest, options.onProgress);
  if (format === 'fits') {
    if (!options.out) throw new RangeError('--format fits needs --out FILE');
    const collected = [...all];
    await writeRowsFits(options.out, collected, options.extname, options.columns, {
      fluxUnit: options.fluxUnit,
      header: options.fitsHeader,
    });
    return collected.length;
  }
  const meta = columnMetaOf(sample, namesOf(sample, options.columns), options.fluxUnit);
  const stream = options.out ? createWriteStream(options.out) : undefined;
  const file = stream && fileSink(stream, options.out as string);
  const write: ByteSink = file ? file.write : (t) => void options.stdout?.write(String(t));
  try {
    let n: number;
    switch (format) {
      case 'votable':
      case 'votable-binary2':
        n = await writeVotable(write, meta, all, options.extname, {
          serialization: format === 'votable' ? 'tabledata' : 'binary2',
        });
        break;
      case 'ecsv':
        n = await writeEcsv(write, meta, all, options.extname);
        break;
      case 'csv':
        n = await writeCsv(write, meta, all, options.extname, { header: options.csvHeader });
        break;
      case 'json': {
        n = 0;
        await write('[');
        for (const r of all) await write(`${n++ ? ',\n' : '\n'}${JSON.stringify(r)}`);
        await write('\n]\n');
        break;
      }
      default: {
        const list = [...all];
        await write(formatTable(list, options.columns));
        n = list.length;
      }
    }
    if (stream) {
      if (!stream.closed) {
        stream.end();
        await once(stream, 'close');
      }
      const failure = file?.failure();
      if (failure) throw failure;
    }
    return n;
  } finally {
    if (stream && !stream.closed) stream.destroy();
  }
}

/**
 * `exportRows` for rows that come as arrays in the order of `names` (better-sqlite3 `raw()` rows). BINARY2 encodes
 * the arrays directly, which is what makes a 10⁷-row VOTable export fast; other formats see each row as an object.
 */
export async function exportArrayRows(
  names: readonly string[],
  rows: Iterable<ArrayLike<unknown>>,
  format: RowFormat,
  options: ExportOptions,
): Promise<number> {
  const asObject = (r: ArrayLike<unknown>): Row => {
    const o: Row = {};
    for (let k = 0; k < names.length; k++) o[names[k]] = r[k];
    return o;
  };
  if (format !== 'votable-binary2' || !options.out)
    return exportRows(
      (function* () {
        for (const r of rows) yield asObject(r);
      })(),
      format,
      { ...options, columns: options.columns ?? names },
    );
  const it = rows[Symbol.iterator]();
  const sample: ArrayLike<unknown>[] = [];
  let step = it.next();
  while (!step.done && sample.length < SAMPLE) {
    sample.push(step.value);
    step = it.next();
  }
  const meta = columnMetaOf(sample.map(asObject), names, options.fluxUnit);
  function* all(): Generator<ArrayLike<unknown>> {
    let n = 0;
    for (const r of sample) {
      yield r;
      if (options.onProgress && ++n % 10_000 === 0) options.onProgress(n);
    }
    while (!step.done) {
      yield step.value;
      if (options.onProgress && ++n % 10_000 === 0) options.onProgress(n);
      step = it.next();
    }
  }
  const stream = createWriteStream(options.out);
  const file = fileSink(stream, options.out);
  try {
    const n = await writeVotableArrays(file.write, meta, all(), options.extname);
    if (!stream.closed) {
      stream.end();
      await once(stream, 'close');
    }
    const failure = file.failure();
    if (failure) throw failure;
    return n;
  } finally {
    if (!stream.closed) stream.destroy();
  }
}

/** Plain RFC 4180 CSV with a header row (no `#` lines), for small in-memory tables. */
export function formatCsv(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = namesOf(rows.slice(0, SAMPLE), columns);
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return `${[cols.map(quote).join(','), ...rows.map((r) => cols.map((c) => quote(cell(r[c]))).join(','))].join('\n')}\n`;
}

/** `exportRows` for callers that hold their rows: returns the text when there is no `out` file. */
export async function emitRows(
  rows: readonly Row[],
  format: RowFormat,
  options: Omit<ExportOptions, 'stdout'>,
): Promise<string | undefined> {
  let text = '';
  await exportRows(rows, format, { ...options, stdout: { write: (t: string) => (text += t) } });
  return options.out ? undefined : text;
}
