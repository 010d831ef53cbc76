import { InputError } from '../../../src-workers/core/errors.js';
import {
  catalogToDs9Regions,
  columnsToJson,
  csvBodyBytes,
  csvHeader,
  outputColumns,
  type OutputColumn,
  type SourceCatalog,
} from '../../../src-workers/core/catalog/index.js';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import { writeFitsTable } from '../../../src-workers/io/fits-file.js';

/** Catalog formats chosen by file extension. */
export function catalogFormat(path: string): 'csv' | 'json' | 'fits' {
  const low = path.toLowerCase();
  if (low.endsWith('.csv')) return 'csv';
  if (low.endsWith('.json')) return 'json';
  if (low.endsWith('.fits') || low.endsWith('.fit') || low.endsWith('.fts')) return 'fits';
  throw new InputError('BAD_PARAMETER', `${path}: catalog name must end in .csv, .json or .fits`);
}

/**
 * Writes a catalog atomically as CSV, JSON or a FITS BINTABLE (snake_case columns plus the 1-based
 * `X_IMAGE`/`Y_IMAGE` of SExtractor convention, with units).
 */
export async function writeCatalog(
  path: string,
  cat: SourceCatalog,
  meta: Record<string, string | number> = {},
): Promise<void> {
  const header: Record<string, string | number> = { ...meta };
  if (Number.isFinite(cat.apertureRadiusPx)) header.APERRAD = cat.apertureRadiusPx;
  await writeColumns(path, outputColumns(cat), cat.count, header);
}

/**
 * Writes equal-length columns as CSV, JSON or FITS BINTABLE by extension. For FITS, `x`/`y` columns also
 * appear as 1-based `X_IMAGE`/`Y_IMAGE`, and FITS-style keys of `meta` go into the table header.
 * `meta.MAGSYS` (the magnitudes' system: `instrumental`, `AB`, …) labels every format: the FITS keyword
 * MAGSYS, JSON `meta.mag_system`, and in CSV, which has no header block, a last column `mag_system`.
 */
export async function writeColumns(
  path: string,
  cols: readonly OutputColumn[],
  count: number,
  meta: Record<string, string | number> = {},
): Promise<void> {
  const format = catalogFormat(path);
  const magSystem = meta.MAGSYS === undefined ? undefined : String(meta.MAGSYS);
  if (format === 'csv') return writeFileAtomic(path, csvBytes(cols, count, magSystem));
  if (format === 'json') {
    const { MAGSYS: _, ...rest } = meta;
    return writeFileAtomic(path, columnsToJson(cols, count, magSystem ? { ...rest, mag_system: magSystem } : rest));
  }
  const columns = cols.map((c) => ({ name: c.name, data: c.data, unit: c.unit || undefined }));
  const x = cols.find((c) => c.name === 'x');
  const y = cols.find((c) => c.name === 'y');
  if (x && y) {
    columns.push({ name: 'X_IMAGE', data: Float64Array.from(x.data, (v) => v + 1), unit: 'pix' });
    columns.push({ name: 'Y_IMAGE', data: Float64Array.from(y.data, (v) => v + 1), unit: 'pix' });
  }
  const header: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(meta)) if (/^[A-Z0-9_-]{1,8}$/.test(k)) header[k] = v;
  await writeFitsTable(path, columns, { extname: 'CATALOG', header });
}

/**
 * CSV bytes of the columns; with `constant`, a last column `mag_system` holding it on every row (quoted as
 * RFC 4180 asks when it holds a comma, quote or line break).
 */
function csvBytes(cols: readonly OutputColumn[], count: number, constant: string | undefined): Uint8Array {
  let header = csvHeader(cols);
  let suffix: Uint8Array | undefined;
  if (constant !== undefined) {
    const field = /[",\n\r]/.test(constant) ? `"${constant.replace(/"/g, '""')}"` : constant;
    header += ',mag_system';
    suffix = Buffer.from(`,${field}`, 'utf8');
  }
  return Buffer.concat([Buffer.from(`${header}\n`, 'utf8'), csvBodyBytes(cols, count, suffix)]);
}

/** Writes the DS9 region file of a catalog. */
export async function writeRegions(path: string, cat: SourceCatalog): Promise<void> {
  await writeFileAtomic(path, catalogToDs9Regions(cat));
}
