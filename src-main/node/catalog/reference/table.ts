/**
 * A table a user brings (a reference star list, a catalog from VizieR or TOPCAT), read into columns with
 * the metadata its format carries: unit and UCD where the format has them.
 */
import type { CelestialFrameSpec } from '../../../../src-workers/core/wcs/index.js';

export type Cell = number | string | null;

export interface RefColumn {
  name: string;
  unit?: string;
  ucd?: string;
  description?: string;
  values: Cell[];
}

export interface RefTable {
  /** The file the table came from, for messages. */
  file: string;
  format: 'votable' | 'ecsv' | 'csv' | 'fits';
  rows: number;
  columns: RefColumn[];
  /** Frame of the positions when the file says (VOTable COOSYS); ICRS otherwise. */
  frame?: CelestialFrameSpec;
}

/** Largest table file read whole into memory [512 MiB]; a bigger one is refused naming the limit. */
export const MAX_REFERENCE_BYTES = 512 * 1024 * 1024;

/** A number from a text cell: '' and the usual null spellings are null, unparsable text stays text. */
export function textCell(s: string): Cell {
  const t = s.trim();
  if (t === '' || /^(null|--|n\/a)$/i.test(t)) return null;
  if (/^nan$/i.test(t)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const v = Number(t);
  return Number.isFinite(v) ? v : t;
}
