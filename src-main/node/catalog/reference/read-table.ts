import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { readFitsTable } from '../../../../src-workers/io/fits-file.js';
import { parseCsv } from './read-csv.js';
import { parseEcsv } from './read-ecsv.js';
import { parseVotable } from './read-votable.js';
import { MAX_REFERENCE_BYTES, type Cell, type RefTable } from './table.js';

/**
 * Reads a VOTable, ECSV, FITS table or CSV file, chosen by its first bytes (FITS `SIMPLE`, gzip, `<?xml` or
 * `<VOTABLE`, `# %ECSV`), else by extension, else CSV. Errors are RangeErrors that name the file.
 */
export async function readReferenceTable(path: string): Promise<RefTable> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new RangeError(`${path}: cannot open: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 512));
    await handle.read(head, 0, head.length, 0);
    const start = head.toString('latin1');
    const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
    if (
      start.startsWith('SIMPLE  =') ||
      (head[0] === 0x1f && head[1] === 0x8b) ||
      ['.fits', '.fit', '.fts'].includes(ext)
    )
      return await readFits(path);
    if (size > MAX_REFERENCE_BYTES)
      throw new RangeError(
        `${path}: ${size} bytes is over the ${MAX_REFERENCE_BYTES}-byte limit for text tables; use FITS`,
      );
    const text = (await handle.readFile()).toString('utf8').replace(/^\uFEFF/, '');
    if (/^\s*(<\?xml|<VOTABLE)/.test(text) || ['.vot', '.xml', '.votable'].includes(ext))
      return parseVotable(text, path);
    if (text.startsWith('# %ECSV') || ext === '.ecsv') return parseEcsv(text, path);
    return parseCsv(text, path, ext === '.tsv' ? '\t' : ',');
  } finally {
    await handle.close();
  }
}

async function readFits(path: string): Promise<RefTable> {
  const { table, header } = await readFitsTable(path);
  const columns = table.columns.map((c, i) => {
    if (c.repeat !== 1 && !Array.isArray(c.data))
      throw new RangeError(
        `${path}: column '${c.name}' holds ${c.repeat} values per row; one value per cell is needed`,
      );
    const values: Cell[] = Array.isArray(c.data) ? c.data.map((s) => s.trim()) : Array.from(c.data);
    return {
      name: c.name,
      unit: c.unit || undefined,
      ucd: header.getString(`TUCD${i + 1}`)?.trim() || undefined,
      description: header.getString(`TCOMM${i + 1}`)?.trim() || undefined,
      values,
    };
  });
  return { file: path, format: 'fits', rows: table.rows, columns };
}
