import { InputError } from '../../../src-workers/core/errors.js';
import { catalogToCsv, catalogToDs9Regions, catalogToJson, outputColumns, type SourceCatalog } from '../../../src-workers/core/catalog/index.js';
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
export async function writeCatalog(path: string, cat: SourceCatalog, meta: Record<string, string | number> = {}): Promise<void> {
  const format = catalogFormat(path);
  if (format === 'csv') return writeFileAtomic(path, catalogToCsv(cat));
  if (format === 'json') return writeFileAtomic(path, catalogToJson(cat, meta));
  const columns = outputColumns(cat).map((c) => ({ name: c.name, data: c.data, unit: c.unit || undefined }));
  const x1 = Float64Array.from(cat.x, (v) => v + 1);
  const y1 = Float64Array.from(cat.y, (v) => v + 1);
  columns.push({ name: 'X_IMAGE', data: x1, unit: 'pix' }, { name: 'Y_IMAGE', data: y1, unit: 'pix' });
  const header: Record<string, string | number> = { APERRAD: Number.isFinite(cat.apertureRadiusPx) ? cat.apertureRadiusPx : 0 };
  for (const [k, v] of Object.entries(meta)) if (/^[A-Z0-9_-]{1,8}$/.test(k)) header[k] = v;
  await writeFitsTable(path, columns, { extname: 'CATALOG', header });
}

/** Writes the DS9 region file of a catalog. */
export async function writeRegions(path: string, cat: SourceCatalog): Promise<void> {
  await writeFileAtomic(path, catalogToDs9Regions(cat));
}
