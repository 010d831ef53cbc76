/** Numbers of region files: sexagesimal and decimal angles, and sizes with their unit suffixes. */

/** A region file's problem, naming the file and the line (the CLI exits 2 with it). */
export class RegionParseError extends RangeError {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'RegionParseError';
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal number, or NaN. */
export function plainNumber(text: string): number {
  return NUMBER.test(text.trim()) ? Number(text) : Number.NaN;
}

/**
 * Degrees of `12:34:56.7`, `12 34 56.7` (already split on ':'), `12h34m56.7s` or `-12d34m56s`: the first part is
 * hours when `hours` (or the text says `h`), degrees otherwise; a leading minus applies to the whole angle. NaN
 * when the text is not sexagesimal.
 */
export function sexagesimal(text: string, hours: boolean): number {
  const t = text.trim();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  if (!/[:hdm]/i.test(body)) return Number.NaN;
  const inHours = /h/i.test(body) || (hours && !/d/i.test(body));
  const parts = body
    .replace(/s$/i, '')
    .split(/[:hdm]/i)
    .filter((p, i, all) => p !== '' || i < all.length - 1);
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => /^\d+(\.\d*)?$/.test(p))) return Number.NaN;
  const [a, b, c = 0] = parts.map(Number);
  if (b >= 60 || c >= 60) return Number.NaN;
  return sign * (a + b / 60 + c / 3600) * (inHours ? 15 : 1);
}

/** Arcsec per unit of the angular size suffixes DS9 and CRTF use. */
export const ARCSEC_PER: Readonly<Record<string, number>> = {
  '"': 1,
  arcsec: 1,
  "'": 60,
  arcmin: 60,
  d: 3600,
  deg: 3600,
  r: (180 / Math.PI) * 3600,
  rad: (180 / Math.PI) * 3600,
};
