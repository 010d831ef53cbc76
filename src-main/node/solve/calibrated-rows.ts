/**
 * Calibrated magnitudes for exports (issue 19): the frame's plate-solve zero point applied to the stored
 * flux, `magCal = −2.5 log10(flux) + phot_zp` (the catalog's `mag_inst + phot_zp`), with
 * `magCalErr = √((1.0857 σ_F / F)² + σ_zp²)` and the zero point's provenance (`zpSource`, e.g.
 * "Tycho-2 V_T (owb plate solve, 41 stars)"). NULL where the frame was not solved or has no zero point.
 * The ensemble (differential) magnitudes of light curves stay as they are beside these columns.
 */
import type { SqliteDatabase } from '../catalog/database.js';
import type { ObjectLightCurve } from '../catalog/light-curves.js';

type Row = Record<string, number | string | null>;

/** A frame's photometric calibration as stored by the solve step. */
export interface FrameCalibration {
  zp: number;
  zpErr: number | null;
  source: string;
}

const BAND_NAMES: Record<string, string> = { MAG_VT: 'Tycho-2 V_T' };

/** The stored zero points of `frameIds` (frames without one are absent from the map). */
export function frameCalibrations(db: SqliteDatabase, frameIds: readonly number[]): Map<number, FrameCalibration> {
  const out = new Map<number, FrameCalibration>();
  const hasBand = (db.prepare('SELECT name FROM pragma_table_info(?)').all('frames') as Array<{ name: string }>).some(
    (c) => c.name === 'phot_zp_band',
  );
  const stmt = db.prepare(
    `SELECT phot_zp AS zp, phot_zp_err AS zpErr, ${hasBand ? 'phot_zp_band' : 'NULL'} AS band,
            json_extract(solve_json, '$.zeroPointStars') AS stars FROM frames WHERE id = ? AND phot_zp IS NOT NULL`,
  );
  for (const id of new Set(frameIds)) {
    const r = stmt.get(id) as
      { zp: number; zpErr: number | null; band: string | null; stars: number | null } | undefined;
    if (!r) continue;
    const band = r.band ? (BAND_NAMES[r.band] ?? r.band) : 'Tycho-2 V_T';
    out.set(id, {
      zp: r.zp,
      zpErr: r.zpErr,
      source: `${band} (owb plate solve${r.stars ? `, ${r.stars} stars` : ''})`,
    });
  }
  return out;
}

/** Calibrated magnitude and error of a stored flux under a zero point; nulls when not computable. */
export function calibratedMagnitude(
  flux: number | null | undefined,
  fluxErr: number | null | undefined,
  cal: FrameCalibration | undefined,
): { magCal: number | null; magCalErr: number | null } {
  if (!cal || typeof flux !== 'number' || !(flux > 0)) return { magCal: null, magCalErr: null };
  const magCal = -2.5 * Math.log10(flux) + cal.zp;
  const inst = typeof fluxErr === 'number' && fluxErr > 0 ? (2.5 / Math.LN10) * (fluxErr / flux) : null;
  const parts = [inst, cal.zpErr].filter((v): v is number => v !== null && Number.isFinite(v));
  return { magCal, magCalErr: parts.length ? Math.hypot(...parts) : null };
}

/**
 * Light-curve rows (`lightCurveRows`) with `magCal`, `magCalErr` and `zpSource` appended: the target's
 * stored flux in each frame under that frame's zero point.
 */
export function withCalibratedLightCurve(db: SqliteDatabase, lc: ObjectLightCurve, rows: Row[]): Row[] {
  const { field, target } = lc;
  const nS = field.input.stars.length;
  const cals = frameCalibrations(db, field.frameIds);
  return rows.map((row, f) => {
    const cal = cals.get(field.frameIds[f]);
    const k = f * nS + target;
    const { magCal, magCalErr } = calibratedMagnitude(field.input.fluxE[k], field.input.fluxErrE[k], cal);
    return { ...row, magCal, magCalErr, zpSource: cal && magCal !== null ? cal.source : null };
  });
}
