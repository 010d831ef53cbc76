import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { imageHeaderOfCompressed } from '../../../src-workers/core/fits/index.js';
import {
  parseCelestialWcs,
  summarizeWcs,
  type CelestialWcs,
  type WcsSummary,
} from '../../../src-workers/core/wcs/index.js';

import { firstImageHdu, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb wcs FILE [--hdu N] [--json]
       owb wcs FILE [--hdu N] (--pix X,Y ... | --pix-file IN.csv | --sky RA,DEC ... | --sky-file IN.csv) [--out FILE]

The celestial WCS of an image HDU [the first with pixels; tile-compressed HDUs too]: every FITS WCS Paper II
projection, PC/CD/CDELT/CROTA2, CUNIT, LONPOLE/LATPOLE, SIP, TPV and DSS plate solutions, in any celestial
frame (FK4, FK5, galactic, ecliptic, supergalactic, ICRS). Sky positions are ICRS degrees; pixels are 0-based
pixel centres (the centre of the first pixel is 0,0).

  --json            summary: projection, frame, distortion, image centre, footprint corners (outer pixel
                    edges), pixel scale (arcsec), rotation (position angle of +y, north through east, deg) and
                    parity (normal = north up, east left as seen from the ground; flipped = mirrored)
  --pix X,Y         pixel → sky (repeatable): columns x,y,ra,dec
  --pix-file F      a CSV with columns x,y
  --sky RA,DEC      sky (ICRS deg) → pixel (repeatable): columns ra,dec,x,y
  --sky-file F      a CSV with columns ra,dec
  --out FILE        write CSV, or JSON when FILE ends in .json [stdout, CSV]
Negative numbers need '=': --sky=150.1,-2.5. A header without a usable celestial WCS exits 2 naming the file,
the HDU and the keyword.
`;

/** Pairs from `A,B` arguments. */
function pairs(option: string, values: readonly string[]): [number, number][] {
  return values.map((v) => {
    const p = v.split(',').map((s) => Number(s.trim()));
    if (p.length !== 2 || p.some((n) => !Number.isFinite(n)))
      throw new UsageError(`--${option} must be two numbers separated by a comma, got '${v}'`);
    return [p[0], p[1]];
  });
}

/** Pairs from the two named columns of a CSV file. */
async function pairsFromCsv(path: string, a: string, b: string): Promise<[number, number][]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = (lines[0] ?? '').split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const [ia, ib] = [head.indexOf(a), head.indexOf(b)];
  if (ia < 0 || ib < 0) throw new InputError('WCS_CSV', `${basename(path)}: needs columns '${a}' and '${b}'`);
  return lines.slice(1).map((line, r) => {
    const cells = line.split(',');
    const p: [number, number] = [Number(cells[ia]), Number(cells[ib])];
    if (!p.every(Number.isFinite))
      throw new InputError('WCS_CSV', `${basename(path)}: row ${r + 2}: '${a}' and '${b}' must be numbers`);
    return p;
  });
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);

function formatRows(rows: Array<Record<string, number>>, json: boolean): string {
  if (json)
    return `${JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)]))))}\n`;
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: number): string => (Number.isFinite(v) ? String(v) : '');
  return `${[cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

function formatSummary(file: string, hdu: number, s: WcsSummary): string {
  const deg = (v: number): string => (Number.isFinite(v) ? v.toFixed(6) : 'n/a');
  const frame = s.frame.equinox === undefined ? s.frame.system : `${s.frame.system} (equinox ${s.frame.equinox})`;
  return [
    `${file} HDU ${hdu}: ${s.projection} projection, frame ${frame}, distortion ${s.distortion}`,
    `  centre     x ${s.centre.x} y ${s.centre.y}  →  RA ${deg(s.centre.ra)}  Dec ${deg(s.centre.dec)} (ICRS)` +
      (s.centreNative ? `; ${deg(s.centreNative.lon)} ${deg(s.centreNative.lat)} (${s.frame.system})` : ''),
    ...s.corners.map((c, i) => `  corner ${i + 1}   x ${c.x} y ${c.y}  →  RA ${deg(c.ra)}  Dec ${deg(c.dec)}`),
    `  scale      ${s.pixelScaleArcsec.toFixed(4)} arcsec/px, rotation ${s.rotationDeg.toFixed(3)}° (PA of +y), parity ${s.parity}`,
    '',
  ].join('\n');
}

export const command: CliCommand = {
  name: 'wcs',
  summary: 'celestial WCS of an image: summary, pixel ↔ sky (ICRS) conversion',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('wcs', argv, {
      hdu: { type: 'string' },
      json: { type: 'boolean' },
      pix: { type: 'string', multiple: true },
      'pix-file': { type: 'string' },
      sky: { type: 'string', multiple: true },
      'sky-file': { type: 'string' },
      out: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError(`wcs: expected one FILE, got ${positionals.length}`);
    const path = positionals[0];
    const file = basename(path);
    const modes = [values.pix, values['pix-file'], values.sky, values['sky-file']].filter((v) => v !== undefined);
    if (modes.length > 1) throw new UsageError('wcs: give one of --pix, --pix-file, --sky, --sky-file');
    const structure = await readFitsStructure(path);
    let index: number;
    if (values.hdu === undefined) index = firstImageHdu(structure.hdus);
    else {
      index = Number(values.hdu);
      if (!Number.isInteger(index) || index < 0 || index >= structure.hdus.length)
        throw new UsageError(`wcs: --hdu must be an HDU index 0–${structure.hdus.length - 1}, got '${values.hdu}'`);
    }
    const hdu = structure.hdus[index];
    const header = hdu.compressed ? imageHeaderOfCompressed(hdu.header) : hdu.header;
    const parsed = parseCelestialWcs(header);
    if (!('wcs' in parsed)) throw new InputError('WCS_UNSUPPORTED', `${file}: HDU ${index}: ${parsed.reason}`);
    const wcs: CelestialWcs = parsed.wcs;
    const json = values.out ? extname(values.out).toLowerCase() === '.json' : Boolean(values.json);
    let text: string;
    if (values.pix || values['pix-file']) {
      const pts = values.pix ? pairs('pix', values.pix) : await pairsFromCsv(values['pix-file'] as string, 'x', 'y');
      const sky = wcs.pixelsToSky(
        pts.map((p) => p[0]),
        pts.map((p) => p[1]),
      );
      text = formatRows(
        pts.map(([x, y], i) => ({ x, y, ra: sky.ra[i], dec: sky.dec[i] })),
        json,
      );
    } else if (values.sky || values['sky-file']) {
      const pts = values.sky ? pairs('sky', values.sky) : await pairsFromCsv(values['sky-file'] as string, 'ra', 'dec');
      const pix = wcs.skyToPixels(
        pts.map((p) => p[0]),
        pts.map((p) => p[1]),
      );
      text = formatRows(
        pts.map(([ra, dec], i) => ({ ra, dec, x: pix.x[i], y: pix.y[i] })),
        json,
      );
    } else {
      const s = summarizeWcs(wcs);
      text = json
        ? `${JSON.stringify({ file, hdu: index, ...s }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`
        : formatSummary(file, index, s);
    }
    if (values.out) await writeFile(values.out, text);
    else ctx.stdout.write(text);
    return 0;
  },
};
