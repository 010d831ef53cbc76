/**
 * A parser for the small YAML subset synth configurations use — top-level sections holding `key: scalar`
 * lines or one flow mapping (`General: {n_train: 10, seed: 3}`), comments, plain/quoted scalars — so
 * `owb synth` starts without loading the full `yaml` package (≈ 80 ms on a busy machine). Returns
 * `undefined` for anything outside the subset (lists, anchors, block scalars, deeper nesting, tabs, odd
 * numbers), and the caller falls back to the `yaml` package, so results never differ from it.
 */
export function parseSimpleYaml(text: string): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = {};
  let section: Record<string, unknown> | undefined;
  let sectionIndent = -1;
  const blockSections: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const rawLine of lines) {
    if (rawLine.includes('\t')) return undefined;
    const line = stripComment(rawLine);
    if (line === undefined) return undefined;
    if (line.trim() === '') continue;
    if (line.trim() === '---' && Object.keys(root).length === 0) continue;
    const indent = line.length - line.trimStart().length;
    const m = /^([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$/.exec(line.trim());
    if (!m) return undefined;
    const [, key, rest = ''] = m;
    if (indent === 0) {
      if (key in root) return undefined;
      if (rest === '') {
        section = {};
        root[key] = section;
        sectionIndent = -1;
        blockSections.push(key);
      } else if (rest.startsWith('{')) {
        const flow = parseFlowMapping(rest);
        if (!flow) return undefined;
        root[key] = flow;
        section = undefined;
      } else {
        const value = parseScalar(rest);
        if (value === NOT_SIMPLE) return undefined;
        root[key] = value;
        section = undefined;
      }
      continue;
    }
    if (!section) return undefined;
    if (sectionIndent === -1) sectionIndent = indent;
    if (indent !== sectionIndent || key in section) return undefined;
    const value = parseScalar(rest);
    if (value === NOT_SIMPLE || rest === '') return undefined;
    section[key] = value;
  }
  // An empty section (`General:` with nothing under it) is null in YAML.
  for (const key of blockSections) if (Object.keys(root[key] as object).length === 0) root[key] = null;
  return root;
}

const NOT_SIMPLE = Symbol('not simple');

function stripComment(line: string): string | undefined {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || line[i - 1] === ' ')) return line.slice(0, i).trimEnd();
  }
  return quote ? undefined : line.trimEnd();
}

function parseFlowMapping(text: string): Record<string, unknown> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  const body = t.slice(1, -1).trim();
  const out: Record<string, unknown> = {};
  if (body === '') return out;
  for (const part of body.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*):\s+(.+?)\s*$/.exec(part);
    if (!m || m[1] in out) return undefined;
    const value = parseScalar(m[2]);
    if (value === NOT_SIMPLE) return undefined;
    out[m[1]] = value;
  }
  return out;
}

function parseScalar(raw: string): unknown {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) {
    // YAML 1.2 core: decimal integers and floats only; leading zeros and odd forms go to the full parser.
    if (/^[-+]?0\d/.test(s)) return NOT_SIMPLE;
    return Number(s);
  }
  if (/^'[^']*'$/.test(s)) return s.slice(1, -1);
  if (/^"[^"\\]*"$/.test(s)) return s.slice(1, -1);
  // Plain strings: letters, digits and a few safe characters; anything else (flow, anchors, tags, .inf,
  // 0x…, colons) is left to the full parser.
  if (/^[A-Za-z./][A-Za-z0-9_\-./ ]*$/.test(s) && !/^\.(inf|nan)$/i.test(s) && !s.startsWith('...')) return s;
  return NOT_SIMPLE;
}
