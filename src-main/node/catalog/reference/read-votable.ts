import type { CelestialFrameSpec } from '../../../../src-workers/core/wcs/index.js';
import { textCell, type Cell, type RefColumn, type RefTable } from './table.js';

interface Field {
  name: string;
  datatype: string;
  arraysize?: string;
  unit?: string;
  ucd?: string;
  description?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : (ENTITIES[e.toLowerCase()] ?? m),
  );
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = unescapeXml(m[3] ?? m[4] ?? '');
  return out;
}

/**
 * The first TABLE of a VOTable (1.1–1.4) in TABLEDATA or BINARY2 (and BINARY) serialisation: FIELD name,
 * unit, UCD and DESCRIPTION, and scalar or string cells. Array-valued numeric cells are refused by name:
 * a reference list has one value per cell.
 */
export function parseVotable(text: string, file: string): RefTable {
  if (!/<VOTABLE[\s>]/.test(text)) throw new RangeError(`${file}: not a VOTable (no <VOTABLE> element)`);
  const tableStart = text.search(/<TABLE[\s>]/);
  if (tableStart < 0) throw new RangeError(`${file}: the VOTable holds no TABLE`);
  const table = text.slice(tableStart, endOf(text, 'TABLE', tableStart));
  const fields: Field[] = [];
  for (const m of table.matchAll(/<FIELD\b([^>]*?)(\/>|>([\s\S]*?)<\/FIELD>)/g)) {
    const a = attributes(m[1]);
    const description = /<DESCRIPTION>([\s\S]*?)<\/DESCRIPTION>/.exec(m[3] ?? '')?.[1];
    fields.push({
      name: a.name ?? a.ID ?? `col${fields.length + 1}`,
      datatype: a.datatype ?? 'char',
      arraysize: a.arraysize,
      unit: a.unit || undefined,
      ucd: a.ucd || undefined,
      description: description ? unescapeXml(description.trim()) : undefined,
    });
  }
  if (!fields.length) throw new RangeError(`${file}: the TABLE has no FIELD`);
  const columns: RefColumn[] = fields.map((f) => ({
    name: f.name,
    unit: f.unit,
    ucd: f.ucd,
    description: f.description,
    values: [],
  }));
  let rows = 0;
  if (/<TABLEDATA[\s>]/.test(table)) {
    for (const tr of table.matchAll(/<TR\b[^>]*>([\s\S]*?)<\/TR>/g)) {
      const cells = [...tr[1].matchAll(/<TD\b[^>]*?(?:\/>|>([\s\S]*?)<\/TD>)/g)].map((m) => unescapeXml(m[1] ?? ''));
      if (cells.length !== fields.length)
        throw new RangeError(`${file}: row ${rows + 1} has ${cells.length} cells for ${fields.length} fields`);
      cells.forEach((c, j) => columns[j].values.push(isText(fields[j]) ? c : textCell(c)));
      rows++;
    }
  } else {
    const binary = /<(BINARY2?)\b[^>]*>\s*<STREAM\b([^>]*)>([\s\S]*?)<\/STREAM>/.exec(table);
    if (!binary)
      throw new RangeError(`${file}: the TABLE has no TABLEDATA, BINARY or BINARY2 data (FITS data are not read)`);
    if (attributes(binary[2]).href)
      throw new RangeError(`${file}: the STREAM points at an external file; only inline data are read`);
    rows = decodeBinary(
      Buffer.from(binary[3].replace(/\s+/g, ''), 'base64'),
      fields,
      columns,
      binary[1] === 'BINARY2',
      file,
    );
  }
  return { file, format: 'votable', rows, columns, frame: coosys(text) };
}

function endOf(text: string, tag: string, from: number): number {
  const i = text.indexOf(`</${tag}>`, from);
  return i < 0 ? text.length : i;
}

function isText(f: Field): boolean {
  return f.datatype === 'char' || f.datatype === 'unicodeChar';
}

const WIDTH: Record<string, number> = {
  boolean: 1,
  unsignedByte: 1,
  short: 2,
  int: 4,
  long: 8,
  float: 4,
  double: 8,
  char: 1,
  unicodeChar: 2,
};

/** BINARY/BINARY2 rows (big-endian; BINARY2 has a null-flag bit per field before each row). */
function decodeBinary(bytes: Buffer, fields: Field[], columns: RefColumn[], withNulls: boolean, file: string): number {
  let at = 0;
  let rows = 0;
  const maskBytes = withNulls ? Math.ceil(fields.length / 8) : 0;
  const need = (n: number): void => {
    if (at + n > bytes.length) throw new RangeError(`${file}: BINARY stream ends inside row ${rows + 1}`);
  };
  while (at < bytes.length) {
    need(maskBytes);
    const mask = bytes.subarray(at, at + maskBytes);
    at += maskBytes;
    fields.forEach((f, j) => {
      const width = WIDTH[f.datatype];
      if (width === undefined)
        throw new RangeError(
          `${file}: FIELD '${f.name}' has datatype '${f.datatype}', which a reference list cannot use`,
        );
      let count = 1;
      const size = f.arraysize;
      if (size !== undefined) {
        if (size.endsWith('*')) {
          need(4);
          count = bytes.readUInt32BE(at);
          at += 4;
        } else count = Number(size.split('x')[0]);
        if (!isText(f) && count !== 1)
          throw new RangeError(
            `${file}: FIELD '${f.name}' holds arrays (arraysize ${size}); one value per cell is needed`,
          );
      }
      need(width * count);
      const isNull = withNulls && (mask[j >> 3] & (0x80 >> (j & 7))) !== 0;
      let v: Cell;
      if (f.datatype === 'char')
        v = bytes
          .toString('latin1', at, at + count)
          .replace(/\0[\s\S]*$/, '')
          .trimEnd();
      else if (f.datatype === 'unicodeChar')
        v = Buffer.from(bytes.subarray(at, at + 2 * count))
          .swap16()
          .toString('utf16le')
          .replace(/\0[\s\S]*$/, '');
      else v = readNumber(bytes, at, f.datatype);
      columns[j].values.push(isNull ? null : v);
      at += width * count;
    });
    rows++;
  }
  return rows;
}

function readNumber(b: Buffer, at: number, datatype: string): Cell {
  switch (datatype) {
    case 'boolean': {
      const c = String.fromCharCode(b[at]).toUpperCase();
      return c === 'T' || c === '1' ? 1 : c === 'F' || c === '0' ? 0 : null;
    }
    case 'unsignedByte':
      return b.readUInt8(at);
    case 'short':
      return b.readInt16BE(at);
    case 'int':
      return b.readInt32BE(at);
    case 'long':
      return Number(b.readBigInt64BE(at));
    case 'float':
      return b.readFloatBE(at);
    default:
      return b.readDoubleBE(at);
  }
}

/**
 * The COOSYS frame (`system` eq_FK4/FK4 with a Besselian equinox, eq_FK5/FK5 with a Julian one, ICRS), or
 * undefined for ICRS or when absent; one COOSYS is assumed to serve every position in the table.
 */
function coosys(text: string): CelestialFrameSpec | undefined {
  const m = /<COOSYS\b([^>]*)>/.exec(text);
  if (!m) return undefined;
  const a = attributes(m[1]);
  const system = (a.system ?? '').replace(/^eq_/i, '').toUpperCase();
  const equinox = a.equinox ? Number(a.equinox.replace(/^[BJ]/i, '')) : undefined;
  if (system === 'FK4') return { system: 'FK4', equinox: equinox ?? 1950 };
  if (system === 'FK5') return { system: 'FK5', equinox: equinox ?? 2000 };
  if (system === 'GALACTIC') return { system: 'GALACTIC' };
  if (system === 'ECL_FK5' || system === 'ECLIPTIC') return { system: 'ECLIPTIC', equinox: equinox ?? 2000 };
  return undefined;
}
