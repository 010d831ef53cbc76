// Test helper: a catalog's contents without the row ids and timestamps that depend on processing order, so
// a catalog built by concurrent shards can be compared row for row with one built by a single run.
import Database from 'better-sqlite3';

export interface CatalogSnapshot {
  frames: unknown[];
  sources: unknown[];
  measurements: unknown[];
  /** Each object as the sorted `hash:idx` keys of its sources, with its n_obs and MJD range. */
  objects: string[];
  /** Per frame: its process-frame jobs' states and attempts. */
  jobs: unknown[];
}

export function catalogSnapshot(path: string): CatalogSnapshot {
  const db = new Database(path, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).raw().all();
    const frames = all(`SELECT content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec,
                               date_obs, mjd, width, height, wcs_json, ra_center, dec_center, source_count, status, error
                          FROM frames ORDER BY content_hash`);
    const sources = all(`SELECT f.content_hash, s.idx, s.x, s.y, s.x_err, s.y_err, s.ra, s.dec, s.flux, s.flux_err,
                                s.flux_auto, s.mag, s.mag_err, s.a, s.b, s.theta, s.fwhm, s.snr, s.flags
                           FROM sources s JOIN frames f ON f.id = s.frame_id ORDER BY f.content_hash, s.idx`);
    const measurements = all(`SELECT f.content_hash, s.idx, m.mjd, m.filter, m.flux, m.flux_err, m.mag, m.mag_err
                                FROM measurements m JOIN frames f ON f.id = m.frame_id
                                LEFT JOIN sources s ON s.id = m.source_id ORDER BY f.content_hash, s.idx`);
    const members = db
      .prepare(
        `SELECT o.id AS id, o.n_obs AS nObs, o.first_mjd AS firstMjd, o.last_mjd AS lastMjd,
                f.content_hash || ':' || s.idx AS member
           FROM objects o LEFT JOIN sources s ON s.object_id = o.id LEFT JOIN frames f ON f.id = s.frame_id`,
      )
      .all() as Array<{ id: number; nObs: number; firstMjd: number; lastMjd: number; member: string | null }>;
    const byObject = new Map<number, { head: string; keys: string[] }>();
    for (const m of members) {
      const o = byObject.get(m.id) ?? { head: `${m.nObs} ${m.firstMjd} ${m.lastMjd}`, keys: [] };
      if (m.member !== null) o.keys.push(m.member);
      byObject.set(m.id, o);
    }
    const objects = [...byObject.values()].map((o) => `${o.head} | ${o.keys.sort().join(' ')}`).sort();
    const jobs = all(`SELECT f.content_hash, group_concat(j.state || '/' || j.attempts) FROM frames f
                        LEFT JOIN jobs j ON j.frame_id = f.id AND j.kind = 'process-frame'
                       GROUP BY f.id ORDER BY f.content_hash`);
    return { frames, sources, measurements, objects, jobs };
  } finally {
    db.close();
  }
}
