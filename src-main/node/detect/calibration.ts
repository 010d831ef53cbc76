import { readFile } from 'node:fs/promises';
import { matchPositions, type OutputColumn, type SourceCatalog } from '../../../src-workers/core/catalog/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { fitZeroPoint, type ZeroPointFit } from '../../../src-workers/core/photometry/index.js';
import { parseCelestialWcs, type KeywordSource, type SkyWcs } from '../../../src-workers/core/wcs/index.js';

/** Numeric columns of a CSV file with a header row (names lower-cased and trimmed). */
export async function readNumericCsv(path: string): Promise<{ count: number; columns: Map<string, Float64Array> }> {
  const text = await readFile(path, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new InputError('CSV_EMPTY', `${path}: no header row`);
  const names = lines[0].split(',').map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
  const count = lines.length - 1;
  const columns = new Map<string, Float64Array>(names.map((n) => [n, new Float64Array(count)]));
  for (let r = 0; r < count; r++) {
    const parts = lines[r + 1].split(',');
    if (parts.length !== names.length)
      throw new InputError(
        'CSV_BAD_ROW',
        `${path}: row ${r + 2} has ${parts.length} fields, header has ${names.length}`,
      );
    names.forEach((n, k) => {
      columns.get(n)![r] = Number(parts[k]);
    });
  }
  return { count, columns };
}

/**
 * The frame's celestial WCS (any FITS projection, SIP/TPV/DSS, any frame; sky positions in ICRS), or
 * undefined when the header has none usable; then `warn` [none] gets one line naming `source` and why.
 */
export function frameWcs(
  header: KeywordSource,
  source = 'header',
  warn?: (message: string) => void,
): SkyWcs | undefined {
  const r = parseCelestialWcs(header);
  if ('wcs' in r) return r.wcs;
  warn?.(`${source}: no sky coordinates: ${r.reason}`);
  return undefined;
}

/** Why `header` gives no sky coordinates, or '' when it does. */
export function noSkyReason(header: KeywordSource): string {
  const r = parseCelestialWcs(header);
  return 'reason' in r ? r.reason : '';
}

/**
 * The leading columns of a measured table: `id` (1-based), `x`, `y` (pix, 0-based centres) and, when the
 * header has a usable WCS, `ra`, `dec` (deg, ICRS); without one, `warn` hears why (see `frameWcs`).
 */
export function positionColumns(
  header: KeywordSource,
  x: Float64Array,
  y: Float64Array,
  source: string,
  warn?: (message: string) => void,
): OutputColumn[] {
  const cols: OutputColumn[] = [
    { name: 'id', unit: '', data: Int32Array.from({ length: x.length }, (_, i) => i + 1) },
    { name: 'x', unit: 'pix', data: x },
    { name: 'y', unit: 'pix', data: y },
  ];
  const wcs = frameWcs(header, source, warn);
  if (wcs) {
    const sky = wcs.pixelsToSky(x, y);
    cols.push({ name: 'ra', unit: 'deg', data: sky.ra }, { name: 'dec', unit: 'deg', data: sky.dec });
  }
  return cols;
}

/** Adds `ra`/`dec` (deg) columns from the WCS. */
export function addSkyPositions(cat: SourceCatalog, wcs: SkyWcs): void {
  const { ra, dec } = wcs.pixelsToSky(cat.x, cat.y);
  cat.ra = ra;
  cat.dec = dec;
}

/**
 * Zero point from a reference CSV with `ra`, `dec`, `mag` columns: reference stars are projected with the WCS,
 * matched one-to-one to unflagged-by-saturation catalog sources within `matchRadiusPx` [2], then fitted with
 * outlier rejection (`fitZeroPoint`).
 */
export async function zeroPointFromReference(
  cat: SourceCatalog,
  wcs: SkyWcs | undefined,
  refPath: string,
  exposureSec: number,
  matchRadiusPx = 2,
): Promise<ZeroPointFit & { matched: number }> {
  if (!wcs) throw new InputError('WCS_UNSUPPORTED', `${refPath}: the frame has no usable WCS to match reference stars`);
  const ref = await readNumericCsv(refPath);
  const ra = ref.columns.get('ra');
  const dec = ref.columns.get('dec');
  const mag = ref.columns.get('mag');
  if (!ra || !dec || !mag) throw new InputError('CSV_COLUMNS', `${refPath}: needs columns ra, dec, mag`);
  const { x, y } = wcs.skyToPixels(ra, dec);
  const match = matchPositions(x, y, cat.x, cat.y, matchRadiusPx);
  const inst: number[] = [];
  const refMag: number[] = [];
  for (let i = 0; i < ref.count; i++) {
    const j = match[i];
    if (j < 0 || !(cat.flux[j] > 0) || (cat.flags[j] & 4) !== 0) continue;
    inst.push(-2.5 * Math.log10(cat.flux[j] / exposureSec));
    refMag.push(mag[i]);
  }
  return { ...fitZeroPoint(inst, refMag), matched: inst.length };
}
