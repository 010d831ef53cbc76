/**
 * FITS header cards and the `FitsHeader` container (FITS Standard 4.0, §4).
 *
 * Reading is lenient (astropy.io.fits style): free-format values, `D` exponents, HIERARCH keywords,
 * CONTINUE long strings and duplicate keywords (the last one wins, a warning is recorded) are accepted.
 * Writing is strict: fixed-format values, long strings split with CONTINUE, keys longer than 8
 * characters written as HIERARCH.
 */
import { InputError } from '../errors.js';

/** A keyword value: string, integer or real number, logical, or `null` for an undefined value. */
export type FitsValue = string | number | boolean | null;

/** One logical card (a CONTINUE chain is folded into the card that starts it). */
export interface FitsCard {
  /** Upper-case keyword; HIERARCH keys without the `HIERARCH ` prefix; '' for a blank card. */
  key: string;
  /** `undefined` for commentary cards (COMMENT, HISTORY, blank) whose text is in `comment`. */
  value?: FitsValue;
  comment?: string;
}

/** Keywords that are commentary: they may repeat and carry text, not a value. */
export const COMMENTARY_KEYS = new Set(['COMMENT', 'HISTORY', '']);

/** An ordered list of cards with keyword lookup (the last card of a repeated keyword wins). */
export class FitsHeader {
  readonly cards: FitsCard[];
  private index = new Map<string, number>();

  constructor(cards: FitsCard[] = []) {
    this.cards = [];
    for (const card of cards) this.append(card);
  }

  /** The value of `key` (case-insensitive), or `undefined` when absent. */
  get(key: string): FitsValue | undefined {
    const i = this.index.get(normaliseKey(key));
    return i === undefined ? undefined : this.cards[i].value;
  }

  /** The value of `key` when it is a number (integers and reals), else `undefined`. */
  getNumber(key: string): number | undefined {
    const v = this.get(key);
    return typeof v === 'number' ? v : undefined;
  }

  /** The value of `key` when it is a string (trailing blanks removed), else `undefined`. */
  getString(key: string): string | undefined {
    const v = this.get(key);
    return typeof v === 'string' ? v : undefined;
  }

  /** The value of `key` when it is a logical, else `undefined`. */
  getBoolean(key: string): boolean | undefined {
    const v = this.get(key);
    return typeof v === 'boolean' ? v : undefined;
  }

  has(key: string): boolean {
    return this.index.has(normaliseKey(key));
  }

  /** The comment of `key`'s card, if any. */
  getComment(key: string): string | undefined {
    const i = this.index.get(normaliseKey(key));
    return i === undefined ? undefined : this.cards[i].comment;
  }

  /** Sets `key` in place when present (keeping its comment unless one is given), else appends it. */
  set(key: string, value: FitsValue, comment?: string): this {
    const k = normaliseKey(key);
    if (COMMENTARY_KEYS.has(k)) return this.append({ key: k, comment: String(value ?? '') });
    const i = this.index.get(k);
    if (i === undefined) return this.append({ key: k, value, comment });
    this.cards[i] = { key: k, value, comment: comment ?? this.cards[i].comment };
    return this;
  }

  /** Appends a card even when the key exists (use `set` to replace). */
  append(card: FitsCard): this {
    const k = normaliseKey(card.key);
    this.cards.push({ ...card, key: k });
    if (!COMMENTARY_KEYS.has(k)) this.index.set(k, this.cards.length - 1);
    return this;
  }

  /** Inserts a card at position `at` (0-based). */
  insert(at: number, card: FitsCard): this {
    this.cards.splice(at, 0, { ...card, key: normaliseKey(card.key) });
    this.reindex();
    return this;
  }

  /** Removes every card with `key`; returns how many were removed. */
  delete(key: string): number {
    const k = normaliseKey(key);
    const before = this.cards.length;
    for (let i = this.cards.length - 1; i >= 0; i--) if (this.cards[i].key === k) this.cards.splice(i, 1);
    this.reindex();
    return before - this.cards.length;
  }

  /** Appends a HISTORY card. */
  addHistory(text: string): this {
    return this.append({ key: 'HISTORY', comment: text });
  }

  /** Appends a COMMENT card. */
  addComment(text: string): this {
    return this.append({ key: 'COMMENT', comment: text });
  }

  /** The texts of every COMMENT (or HISTORY) card, in order. */
  commentary(key: 'COMMENT' | 'HISTORY'): string[] {
    return this.cards.filter((c) => c.key === key).map((c) => c.comment ?? '');
  }

  /** `{KEY: value}` for every valued keyword (last wins); commentary cards are left out. */
  toRecord(): Record<string, FitsValue> {
    const out: Record<string, FitsValue> = {};
    for (const card of this.cards)
      if (card.value !== undefined && !COMMENTARY_KEYS.has(card.key)) out[card.key] = card.value;
    return out;
  }

  /** A deep copy. */
  clone(): FitsHeader {
    return new FitsHeader(this.cards.map((c) => ({ ...c })));
  }

  /** Builds a header from a record or a list of cards (the shape `writeFitsImage` accepts). */
  static from(
    source:
      | FitsHeader
      | Record<string, FitsValue>
      | ReadonlyArray<{ key: string; value: FitsValue; comment?: string }>
      | undefined,
  ): FitsHeader {
    if (!source) return new FitsHeader();
    if (source instanceof FitsHeader) return source.clone();
    if (Array.isArray(source)) {
      const h = new FitsHeader();
      for (const c of source) h.set(c.key, c.value, c.comment);
      return h;
    }
    const h = new FitsHeader();
    for (const [k, v] of Object.entries(source as Record<string, FitsValue>)) h.set(k, v);
    return h;
  }

  private reindex(): void {
    this.index.clear();
    this.cards.forEach((c, i) => {
      if (!COMMENTARY_KEYS.has(c.key)) this.index.set(c.key, i);
    });
  }
}

function normaliseKey(key: string): string {
  let k = key.trim().toUpperCase();
  if (k.startsWith('HIERARCH ')) k = k.slice(9).trim();
  return k;
}

// ---------------------------------------------------------------------------------------------
// Parsing (lenient)

/** Parses one 80-character card image. Returns `undefined` for END. */
export function parseCard(text: string): FitsCard | 'END' {
  const keyField = text.slice(0, 8).trimEnd();
  if (keyField === 'END' && text.slice(8).trim() === '') return 'END';
  if (keyField.toUpperCase() === 'HIERARCH') {
    const eq = text.indexOf('=', 8);
    if (eq > 0) {
      const key = text.slice(9, eq).trim().toUpperCase();
      return { key, ...parseValueAndComment(text.slice(eq + 1)) };
    }
    return { key: 'HIERARCH', comment: text.slice(8).trim() };
  }
  const key = keyField.toUpperCase();
  if (key === 'CONTINUE') return { key: 'CONTINUE', ...parseValueAndComment(text.slice(8)) };
  if (COMMENTARY_KEYS.has(key) || text.slice(8, 10) !== '= ') {
    return { key, comment: text.slice(8).trimEnd().replace(/^ /, '') };
  }
  return { key, ...parseValueAndComment(text.slice(10)) };
}

function unescapeString(raw: string): string {
  return raw.replace(/''/g, "'").trimEnd();
}

function parseValueAndComment(field: string): { value: FitsValue; comment?: string; raw?: string } {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (i >= field.length) return { value: null };
  if (field[i] === "'") {
    // The closing quote is the first one not part of a '' pair and followed by the end, a blank or '/'
    // (astropy's rule): a lone quote elsewhere is literal, which is how a '' pair split across two
    // CONTINUE cards reads. The raw (still escaped) text is kept so that CONTINUE pieces join first.
    let j = i + 1;
    while (j < field.length) {
      if (field[j] === "'") {
        if (field[j + 1] === "'") {
          j += 2;
          continue;
        }
        if (j + 1 >= field.length || field[j + 1] === ' ' || field[j + 1] === '/') break;
      }
      j++;
    }
    const raw = field.slice(i + 1, j);
    return { value: unescapeString(raw), raw, ...commentAfter(field, j + 1) };
  }
  if (field[i] === '/') return { value: null, comment: field.slice(i + 1).trim() };
  const slash = field.indexOf('/', i);
  const raw = (slash < 0 ? field.slice(i) : field.slice(i, slash)).trim();
  const comment = slash < 0 ? undefined : field.slice(slash + 1).trim();
  return { value: parseScalar(raw), ...(comment !== undefined ? { comment } : {}) };
}

function commentAfter(field: string, from: number): { comment?: string } {
  const slash = field.indexOf('/', from);
  return slash < 0 ? {} : { comment: field.slice(slash + 1).trim() };
}

function parseScalar(raw: string): FitsValue {
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  if (raw === '') return null;
  if (/^[+-]?\d+$/.test(raw)) return Number(raw);
  const num = Number(raw.replace(/[dD]/, 'E'));
  if (raw.length > 0 && !Number.isNaN(num)) return num;
  // Complex values "(re, im)" and anything unparseable are kept as their text.
  return raw;
}

/**
 * Folds CONTINUE cards into the string values they extend and reports duplicate keywords.
 * `warn` receives one message per problem.
 */
export function foldCards(raw: FitsCard[], warn: (message: string) => void): FitsCard[] {
  const out: Array<FitsCard & { raw?: string }> = [];
  const seen = new Set<string>();
  for (const card of raw as Array<FitsCard & { raw?: string }>) {
    if (card.key === 'CONTINUE') {
      const prev = out[out.length - 1];
      const prevRaw = prev?.raw?.trimEnd();
      if (prev && prevRaw !== undefined && prevRaw.endsWith('&') && card.raw !== undefined) {
        // Join the escaped texts, then unescape, so that a '' pair split across cards reads as one quote.
        prev.raw = prevRaw.slice(0, -1) + card.raw;
        prev.value = unescapeString(prev.raw);
        if (card.comment) prev.comment = prev.comment ? `${prev.comment} ${card.comment}` : card.comment;
        continue;
      }
      warn('CONTINUE card without a preceding long string; kept as commentary');
      out.push({ key: 'CONTINUE', comment: typeof card.value === 'string' ? card.value : card.comment });
      continue;
    }
    if (!COMMENTARY_KEYS.has(card.key) && card.value !== undefined) {
      if (seen.has(card.key)) warn(`duplicate keyword ${card.key}; the last value is used`);
      seen.add(card.key);
    }
    out.push(card);
  }
  for (const card of out) delete card.raw;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting (strict)

const KEY_RE = /^[A-Z0-9_-]{1,8}$/;

/** True for a keyword of a standard card (8 characters at most, no HIERARCH). */
export function isStandardKeyword(key: string): boolean {
  return KEY_RE.test(key);
}

/** Formats a number the way FITS fixed format wants it: integers plain, reals with '.' or 'E'. */
export function formatNumber(value: number, key: string): string {
  if (!Number.isFinite(value)) {
    throw new InputError('FITS_BAD_VALUE', `keyword ${key}: ${String(value)} cannot be written to a FITS header`);
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e18) return value.toFixed(0);
  let s = String(value).toUpperCase();
  if (!s.includes('.') && !s.includes('E')) s += '.0';
  if (s.includes('E') && !s.includes('.')) s = s.replace('E', '.0E');
  return s;
}

/**
 * Splits commentary text into lines of at most 72 characters at blanks (after a comma, semicolon or
 * slash when a line has no blank), so that a number or a file name is never cut in two across HISTORY
 * cards; only a word longer than a whole card is split. The blank at a break is dropped (a reader joins
 * HISTORY lines with one).
 */
export function wrapCommentary(text: string, width = 72): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    let skip = 1;
    if (cut <= 0) {
      const soft = Math.max(
        rest.lastIndexOf(',', width - 1),
        rest.lastIndexOf(';', width - 1),
        rest.lastIndexOf('/', width - 1),
      );
      cut = soft > 0 ? soft + 1 : width;
      skip = 0;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + skip);
  }
  out.push(rest);
  return out;
}

/** Formats one logical card as one or more 80-character card images (CONTINUE for long strings). */
export function formatCard(card: FitsCard): string[] {
  const key = card.key.toUpperCase();
  if (card.value === undefined || COMMENTARY_KEYS.has(key)) {
    const text = asciiOnly(card.comment ?? '', key);
    return wrapCommentary(text).map((line) => pad80(`${key.padEnd(8)}${line}`));
  }
  const hierarch = !KEY_RE.test(key);
  const prefix = hierarch ? `HIERARCH ${key} = ` : `${key.padEnd(8)}= `;
  const comment = card.comment ? asciiOnly(card.comment, key) : '';
  const v = card.value;
  if (typeof v === 'string') return formatStringCard(prefix, asciiOnly(v, key), comment, key);
  let text: string;
  if (v === null) text = '';
  else if (typeof v === 'boolean') text = (v ? 'T' : 'F').padStart(hierarch ? 1 : 20);
  else text = formatNumber(v, key).padStart(hierarch ? 1 : 20);
  let line = prefix + text;
  if (line.length > 80) throw new InputError('FITS_BAD_VALUE', `keyword ${key}: card is longer than 80 characters`);
  if (comment) line += ` / ${comment}`;
  return [pad80(line.slice(0, 80))];
}

function formatStringCard(prefix: string, value: string, comment: string, key: string): string[] {
  const quoted = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const room = 80 - prefix.length;
  const minQuoted = (s: string): string => {
    const q = quoted(s.padEnd(8));
    return q;
  };
  const whole = minQuoted(value);
  if (whole.length <= room) {
    let line = prefix + whole.padEnd(hierarchOrFixed(prefix) ? whole.length : 20);
    if (comment) line += ` / ${comment}`;
    return [pad80(line.slice(0, 80))];
  }
  if (prefix.length > 40)
    throw new InputError('FITS_BAD_VALUE', `keyword ${key}: string value too long for a HIERARCH card`);
  // Long string: split into pieces ending in '&', continued on CONTINUE cards (FITS 4.0 §4.2.1.2).
  const lines: string[] = [];
  let rest = value;
  let first = true;
  while (rest.length > 0) {
    const head = first ? prefix : 'CONTINUE  ';
    const space = 80 - head.length - 3; // quotes and '&'
    let n = Math.min(rest.length, space);
    // Do not split an escaped quote across cards.
    while (n > 1 && quoted(rest.slice(0, n)).length - 2 > space) n--;
    const piece = rest.slice(0, n);
    rest = rest.slice(n);
    const body = rest.length > 0 ? `${piece}&` : piece;
    lines.push(pad80(head + quoted(body)));
    first = false;
  }
  if (comment) {
    // The comment goes on the last card, shortened if it does not fit (strings keep priority).
    const last = lines.length - 1;
    lines[last] = pad80(`${lines[last].trimEnd()} / ${comment}`);
  }
  return lines;
}

function hierarchOrFixed(prefix: string): boolean {
  return prefix.startsWith('HIERARCH');
}

/** A card image: `s` cut or padded with spaces to 80 characters. */
export function pad80(s: string): string {
  return s.length >= 80 ? s.slice(0, 80) : s.padEnd(80);
}

function asciiOnly(s: string, key: string): string {
  if (!/^[\x20-\x7e]*$/.test(s)) {
    throw new InputError('FITS_BAD_VALUE', `keyword ${key}: header text must be printable ASCII`);
  }
  return s;
}
