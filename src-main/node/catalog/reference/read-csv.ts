import { textCell, type RefColumn, type RefTable } from './table.js';

/**
 * RFC 4180 fields of one CSV text (quotes, doubled quotes, newlines inside quotes). Lines starting with `#`
 * outside quotes are comments; our own exports put `# name [unit] (ucd): description` there, which is read
 * back as each column's metadata.
 */
export function parseCsv(text: string, file: string, delimiter = ','): RefTable {
  const records: string[][] = [];
  const comments: string[] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (atLineStart && ch === '#') {
      const end = text.indexOf('\n', i);
      comments.push(text.slice(i + 1, end < 0 ? text.length : end).trim());
      i = end < 0 ? text.length : end;
      continue;
    }
    atLineStart = false;
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      field = '';
      atLineStart = true;
    } else field += ch;
  }
  if (quoted) throw new RangeError(`${file}: a quoted field is not closed before the end of the file`);
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  if (!records.length) throw new RangeError(`${file}: no header row (the file is empty or only comments)`);
  const [names, ...rows] = records;
  const meta = commentMeta(comments);
  const columns: RefColumn[] = names.map((n) => ({ name: n.trim(), ...meta.get(n.trim()), values: [] }));
  rows.forEach((r, k) => {
    if (r.length !== names.length)
      throw new RangeError(`${file}: row ${k + 1} has ${r.length} fields, the header has ${names.length}`);
    r.forEach((v, j) => columns[j].values.push(textCell(v)));
  });
  return { file, format: 'csv', rows: rows.length, columns };
}

/** `name [unit] (ucd): description` comment lines, as our CSV exports write them. */
function commentMeta(lines: readonly string[]): Map<string, { unit?: string; ucd?: string; description?: string }> {
  const out = new Map<string, { unit?: string; ucd?: string; description?: string }>();
  for (const line of lines) {
    const m = /^(\S+)(?: \[([^\]]*)\])?(?: \(([^)]*)\))?(?:: (.*))?$/.exec(line);
    if (m && (m[2] !== undefined || m[3] !== undefined))
      out.set(m[1], { unit: m[2] || undefined, ucd: m[3] || undefined, description: m[4] || undefined });
  }
  return out;
}
