/**
 * Frames whose sky footprint contains a position (issue 18's cone search over frames): each frame's WCS —
 * the `solve` step's solution when it solved the frame, else the header stored at ingest — is inverted at
 * the position, and the frame is kept when the pixel falls inside the image's outer edges (−½ … N − ½ on
 * both axes). Exact for every projection and distortion the WCS reader knows, unlike a polygon of the four
 * corners. Frames whose stored footprint corners (wcs_json at ingest) lie all nearer the frame centre than
 * the position are skipped before any WCS is built.
 */
import { parseCelestialWcs, recordSource } from '../../../src-workers/core/wcs/index.js';
import type { SqliteDatabase } from './database.js';
import { angularDistanceArcsec } from './sky.js';

/** A frame that covers the position, with where the position falls in it (0-based pixel). */
export interface FrameAtPosition {
  id: number;
  fileName: string;
  dateObs: string | null;
  mjd: number | null;
  filter: string | null;
  x: number;
  y: number;
  /** Angular distance of the position from the frame's centre, arcsec. */
  fromCentreArcsec: number;
}

interface Row {
  id: number;
  file_name: string;
  date_obs: string | null;
  mjd: number | null;
  filter: string | null;
  width: number | null;
  height: number | null;
  ra_center: number | null;
  dec_center: number | null;
  header_json: string | null;
  wcs_json: string | null;
  solve_status?: string | null;
}

function parse(text: string | null): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Largest distance (arcsec) from the centre to a stored footprint corner, or undefined without a footprint. */
function footprintRadius(wcs: Record<string, unknown> | undefined, ra: number, dec: number): number | undefined {
  const fp = wcs?.footprint;
  if (!Array.isArray(fp) || fp.length < 3) return undefined;
  let r = 0;
  for (const c of fp) {
    if (!Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) return undefined;
    r = Math.max(r, angularDistanceArcsec(ra, dec, c[0] as number, c[1] as number));
  }
  return r;
}

/** Frames of catalog `db` whose footprint contains ICRS (raDeg, decDeg), nearest centre first. */
export function framesContaining(db: SqliteDatabase, raDeg: number, decDeg: number): FrameAtPosition[] {
  const hasSolve = (db.prepare('PRAGMA table_info(frames)').all() as { name: string }[]).some(
    (c) => c.name === 'solve_status',
  );
  const rows = db
    .prepare(
      `SELECT id, file_name, date_obs, mjd, filter, width, height, ra_center, dec_center, header_json, wcs_json
         ${hasSolve ? ', solve_status' : ''} FROM frames WHERE ra_center IS NOT NULL AND dec_center IS NOT NULL`,
    )
    .all() as Row[];
  const out: FrameAtPosition[] = [];
  for (const f of rows) {
    const fromCentre = angularDistanceArcsec(raDeg, decDeg, f.ra_center as number, f.dec_center as number);
    const stored = parse(f.wcs_json);
    const solved = f.solve_status === 'solved' && stored !== undefined && stored.footprint === undefined;
    const radius = solved ? undefined : footprintRadius(stored, f.ra_center as number, f.dec_center as number);
    if (radius !== undefined && fromCentre > radius * 1.001 + 1) continue;
    const header = parse(f.header_json) ?? {};
    const parsed = parseCelestialWcs(recordSource(solved ? { ...header, ...stored } : header));
    if (!('wcs' in parsed)) continue;
    const n = parsed.wcs.model.naxis ?? (f.width && f.height ? [f.width, f.height] : undefined);
    if (!n) continue;
    const [x, y] = parsed.wcs.skyToPixel(raDeg, decDeg);
    if (!(x >= -0.5 && x <= n[0] - 0.5 && y >= -0.5 && y <= n[1] - 0.5)) continue;
    // The inverse of a projection can land on the image from the far side of the sphere: check the way back.
    const [ra2, dec2] = parsed.wcs.pixelToSky(x, y);
    if (!(angularDistanceArcsec(raDeg, decDeg, ra2, dec2) < 1e-3)) continue;
    out.push({
      id: f.id,
      fileName: f.file_name,
      dateObs: f.date_obs,
      mjd: f.mjd,
      filter: f.filter,
      x,
      y,
      fromCentreArcsec: fromCentre,
    });
  }
  return out.sort((a, b) => a.fromCentreArcsec - b.fromCentreArcsec);
}
