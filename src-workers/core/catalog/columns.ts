import { CATALOG_COLUMNS, type SourceCatalog } from './catalog.js';

/** One output column: snake_case name, unit, values. */
export interface OutputColumn {
  name: string;
  unit: string;
  data: Float64Array | Int32Array;
}

/**
 * The columns of `cat` in the documented output order, starting with a 1-based `id`; optional columns
 * (ra/dec, mag, PSF) appear only when present.
 */
export function outputColumns(cat: SourceCatalog): OutputColumn[] {
  const id = new Int32Array(cat.count);
  for (let i = 0; i < cat.count; i++) id[i] = i + 1;
  const out: OutputColumn[] = [{ name: 'id', unit: '', data: id }];
  const record = cat as unknown as Record<string, Float64Array | Int32Array | undefined>;
  for (const col of CATALOG_COLUMNS) {
    const data = record[col.key];
    if (data) out.push({ name: col.name, unit: col.unit, data });
  }
  return out;
}
