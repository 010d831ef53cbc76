import { parse as parseYaml } from 'yaml';
import { parseCsv } from './read-csv.js';
import type { RefTable } from './table.js';

interface EcsvColumnHeader {
  name?: unknown;
  unit?: unknown;
  description?: unknown;
  meta?: { ucd?: unknown } | null;
}

/**
 * ECSV 1.0 (astropy APE 6): the YAML in the `# ` header lines gives names, units, descriptions and (as column
 * meta, the way astropy stores VOTable UCDs) UCDs; the body is a CSV with the header's delimiter.
 */
export function parseEcsv(text: string, file: string): RefTable {
  if (!/^# %ECSV \d/.test(text)) throw new RangeError(`${file}: not ECSV (no '# %ECSV' first line)`);
  const lines = text.split(/\r?\n/);
  const headerLines: string[] = [];
  let body = 0;
  while (body < lines.length && lines[body].startsWith('#')) headerLines.push(lines[body++].replace(/^# ?/, ''));
  let header: { datatype?: EcsvColumnHeader[]; delimiter?: string };
  try {
    header = (parseYaml(
      headerLines
        .slice(1)
        .join('\n')
        .replace(/^---\n?/, ''),
    ) ?? {}) as typeof header;
  } catch (error) {
    throw new RangeError(`${file}: the ECSV header is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(header.datatype)) throw new RangeError(`${file}: the ECSV header has no 'datatype' list`);
  const delimiter = header.delimiter ?? ' ';
  if (delimiter !== ' ' && delimiter !== ',')
    throw new RangeError(`${file}: ECSV delimiter must be a space or a comma, got '${delimiter}'`);
  const table = parseCsv(lines.slice(body).join('\n'), file, delimiter);
  const names = table.columns.map((c) => c.name);
  const declared = header.datatype.map((d) => String(d.name));
  if (names.join('\u0000') !== declared.join('\u0000'))
    throw new RangeError(
      `${file}: the ECSV column line (${names.join(' ')}) does not match its header (${declared.join(' ')})`,
    );
  header.datatype.forEach((d, i) => {
    const c = table.columns[i];
    if (typeof d.unit === 'string') c.unit = d.unit;
    if (typeof d.description === 'string') c.description = d.description;
    if (d.meta && typeof d.meta.ucd === 'string') c.ucd = d.meta.ucd;
  });
  return { ...table, format: 'ecsv' };
}
