/**
 * `owb db retime`: recomputes every frame's times (mid-exposure MJD UTC, start, exposure, BJD_TDB, sources
 * and notes) with the current time library, for catalogs ingested before migration 004 or with an older
 * parser. The header is read again from the frame's file when it is still there (card comments say when
 * an exposure is in minutes), else from the header stored at ingest. Measurements and objects take the
 * new mid-exposure times, all in one transaction.
 */
import { existsSync } from 'node:fs';
import { FitsHeader, type FitsValue } from '../../../src-workers/core/fits/index.js';
import { firstImageHdu, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import type { SqliteDatabase } from '../catalog/database.js';
import type { FrameMeta } from '../catalog/index.js';
import type { ObservatorySite } from '../../../src-workers/core/time/index.js';
import { frameMetaFromHeader } from './frame-meta.js';

/** What a retime run did. */
export interface RetimeSummary {
  frames: number;
  /** Frames whose header came from their file (the rest from the stored header). */
  fromFile: number;
  withTime: number;
  withBjdTdb: number;
  /** Frames whose mid-exposure MJD moved by more than 1 ms. */
  changed: number;
}

async function headerMeta(
  path: string,
  stored: string | null,
  site: ObservatorySite | undefined,
): Promise<{ meta: FrameMeta; fromFile: boolean }> {
  if (existsSync(path)) {
    try {
      const structure = await readFitsStructure(path);
      const i = firstImageHdu(structure.hdus);
      const primary = structure.hdus[0].header;
      const image = i > 0 ? structure.hdus[i].header : primary;
      return { meta: frameMetaFromHeader(primary, image, { site }), fromFile: true };
    } catch {
      // An unreadable or changed file: the stored header is what ingest saw.
    }
  }
  const record = stored ? (JSON.parse(stored) as Record<string, FitsValue>) : {};
  const meta = frameMetaFromHeader(FitsHeader.from(record), undefined, { site });
  const note = 'recomputed from the header stored at ingest (no card comments: an exposure in minutes is not seen)';
  return { meta: { ...meta, timeNote: meta.timeNote ? `${meta.timeNote}; ${note}` : note }, fromFile: false };
}

/**
 * Recomputes the times of every frame of the catalog `db`. `site` (a profile's, see `profileSite`) serves
 * frames whose headers give no observatory, as at ingest by `owb watch`/`owb process --profile`.
 */
export async function retimeFrames(
  db: SqliteDatabase,
  options: { site?: ObservatorySite } = {},
): Promise<RetimeSummary> {
  const frames = db.prepare('SELECT id, path, header_json, mjd FROM frames ORDER BY id').all() as Array<{
    id: number;
    path: string;
    header_json: string | null;
    mjd: number | null;
  }>;
  const updates: Array<{ id: number; meta: FrameMeta }> = [];
  const summary: RetimeSummary = { frames: frames.length, fromFile: 0, withTime: 0, withBjdTdb: 0, changed: 0 };
  for (const f of frames) {
    const { meta, fromFile } = await headerMeta(f.path, f.header_json, options.site);
    updates.push({ id: f.id, meta });
    if (fromFile) summary.fromFile++;
    if (meta.mjd !== undefined) summary.withTime++;
    if (meta.bjdTdb !== undefined) summary.withBjdTdb++;
    const was = f.mjd ?? undefined;
    if (was === undefined ? meta.mjd !== undefined : meta.mjd === undefined || Math.abs(was - meta.mjd) * 86400e3 > 1)
      summary.changed++;
  }
  const setFrame = db.prepare(
    `UPDATE frames SET mjd = ?, mjd_start = ?, exposure_sec = coalesce(?, exposure_sec), bjd_tdb = ?,
       hjd_utc = ?, time_source = ?, time_note = ?, airmass = ? WHERE id = ?`,
  );
  db.transaction(() => {
    for (const { id, meta: m } of updates)
      setFrame.run(
        m.mjd ?? null,
        m.mjdStart ?? null,
        m.exposureSec ?? null,
        m.bjdTdb ?? null,
        m.hjdUtc ?? null,
        m.timeSource ?? null,
        m.timeNote ?? null,
        m.airmass ?? null,
        id,
      );
    db.exec(`
      UPDATE measurements SET mjd = (SELECT f.mjd FROM frames f WHERE f.id = measurements.frame_id);
      UPDATE objects SET
        first_mjd = (SELECT min(m.mjd) FROM measurements m WHERE m.object_id = objects.id),
        last_mjd = (SELECT max(m.mjd) FROM measurements m WHERE m.object_id = objects.id);
    `);
  })();
  return summary;
}
