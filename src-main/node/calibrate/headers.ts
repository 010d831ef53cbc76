/** Header helpers for the FITS files the calibration pipeline writes. */
import { basename } from 'node:path';
import { FitsHeader } from '../../../src-workers/core/fits/index.js';

const DROP = new Set(['CHECKSUM', 'DATASUM']);

/** A copy of `source` without checksums (the writer adds fresh ones); a blank header when absent. */
export function derivedHeader(source?: FitsHeader): FitsHeader {
  if (!source) return new FitsHeader();
  return new FitsHeader(source.cards.filter((c) => !DROP.has(c.key)).map((c) => ({ ...c })));
}

/** HISTORY lines naming every input file (one per line, base names, FITS-safe length). */
export function inputHistory(verb: string, paths: readonly string[]): string[] {
  return [`${verb} ${paths.length} frame(s) with owb:`, ...paths.map((p) => `  ${basename(p)}`.slice(0, 70))];
}
