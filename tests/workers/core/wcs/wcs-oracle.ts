// Helpers for the WCS tests: read a header file as FITS cards and ask astropy.wcs (WCSLIB) to convert
// the same points, origin 0. astropy runs under /usr/bin/python3 (Debian's modules).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { FitsHeader, parseCard } from '../../../../src-workers/core/fits/index.js';

export const ASTROPY_WCS_DATA = '/usr/lib/python3/dist-packages/astropy/wcs/tests/data';

/** Why astropy cannot serve as the oracle here, or undefined when it can. */
export function astropyMissing(): string | undefined {
  if (!existsSync('/usr/bin/python3')) return '/usr/bin/python3 is absent';
  const r = spawnSync('/usr/bin/python3', ['-c', 'import astropy.wcs'], { encoding: 'utf8' });
  if (r.status !== 0) return 'astropy is not installed for /usr/bin/python3 (Debian python3-astropy)';
  if (!existsSync(`${ASTROPY_WCS_DATA}/maps/1904-66_TAN.hdr`)) return `${ASTROPY_WCS_DATA}/maps is absent`;
  return undefined;
}

/** Header of 80-character cards (the text of a .hdr file, or astropy's Header.tostring()). */
export function headerFromText(text: string): FitsHeader {
  const h = new FitsHeader();
  const flat = text.replace(/\n/g, '');
  for (let i = 0; i + 80 <= flat.length; i += 80) {
    const card = parseCard(flat.slice(i, i + 80));
    if (card === 'END') break;
    h.append(card);
  }
  return h;
}

export function headerFromFile(path: string): FitsHeader {
  return headerFromText(readFileSync(path, 'latin1'));
}

/** Runs `code` under /usr/bin/python3 with `input` as JSON on stdin; returns the JSON it prints. */
export function python<T>(code: string, input: unknown): T {
  const r = spawnSync('/usr/bin/python3', ['-c', code], {
    encoding: 'utf8',
    input: JSON.stringify(input),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Angular distance in degrees (haversine). */
export function sepDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d = Math.PI / 180;
  const s =
    Math.sin(((dec2 - dec1) * d) / 2) ** 2 +
    Math.cos(dec1 * d) * Math.cos(dec2 * d) * Math.sin(((ra2 - ra1) * d) / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(s)))) / d;
}
