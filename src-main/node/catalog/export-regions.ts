import type { SqliteDatabase } from './database.js';
import { ds9Regions, type RegionSource, type RegionSystem } from '../../../src-workers/core/regions/index.js';
import { parseCelestialWcs, recordSource } from '../../../src-workers/core/wcs/index.js';

/** Region formats offered wherever sources are exported: DS9 in image, ICRS or FK5 (J2000) coordinates. */
export const REGION_FORMATS = { ds9: 'image', 'ds9-icrs': 'icrs', 'ds9-fk5': 'fk5' } as const;
export type RegionFormat = keyof typeof REGION_FORMATS;

export function isRegionFormat(format: string): format is RegionFormat {
  return Object.hasOwn(REGION_FORMATS, format);
}

/**
 * The stored frame's WCS as a 0-based pixel → ICRS function, or why there is none. Any WCS the reader
 * understands (every Paper II projection, SIP/TPV/DSS, galactic or FK4 frames), not only TAN.
 */
export function frameSkyTransform(
  db: SqliteDatabase,
  frameId: number,
): ((x: number, y: number) => [number, number]) | string {
  const row = db.prepare('SELECT header_json, wcs_json, solve_status FROM frames WHERE id = ?').get(frameId) as
    { header_json: string | null; wcs_json: string | null; solve_status: string | null } | undefined;
  if (!row) return `frame ${frameId} does not exist`;
  // A plate solution of the `solve` step (migration 006) takes the place of the header's WCS.
  const solved = row.solve_status === 'solved' && row.wcs_json;
  const parsed = parseCelestialWcs(
    recordSource(JSON.parse((solved ? row.wcs_json : row.header_json) ?? '{}') as Record<string, unknown>),
  );
  if ('reason' in parsed) return `frame ${frameId} has no usable WCS (${parsed.reason})`;
  return (x, y) => parsed.wcs.pixelToSky(x, y);
}

/**
 * A DS9 region file of `sources`. Sky systems are drawn through one frame's WCS, so they need `frameId`;
 * a RangeError says what is missing (the CLI turns it into exit 2, the API into a refusal).
 */
export function sourceRegions(
  db: SqliteDatabase,
  sources: Iterable<RegionSource>,
  format: RegionFormat,
  frameId: number | undefined,
): string {
  const system: RegionSystem = REGION_FORMATS[format];
  if (system === 'image') return ds9Regions(sources, { system });
  if (frameId === undefined) throw new RangeError('sky regions are made per frame: choose a frame (--frame ID) first');
  const pixelToSky = frameSkyTransform(db, frameId);
  if (typeof pixelToSky === 'string') throw new RangeError(pixelToSky);
  return ds9Regions(sources, { system, pixelToSky });
}
