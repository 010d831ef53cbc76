// Test helper: `catalogSnapshot` (batch-snapshot.ts) of a PostgreSQL catalog, the same queries and the same
// value types, so a catalog built by concurrent processes on PostgreSQL compares row for row with SQLite's.
import { openPool } from '../../../src-main/node/catalog/postgres/connection.js';
import type { CatalogSnapshot } from './batch-snapshot.js';

export async function postgresSnapshot(url: string): Promise<CatalogSnapshot> {
  const pool = openPool(url, 1);
  try {
    const all = async (sql: string) => (await pool.query({ text: sql, rowMode: 'array' })).rows as unknown[];
    const frames =
      await all(`SELECT content_hash, path, file_name, size_bytes, header_json, frame_type, filter, exposure_sec,
                               date_obs, mjd, width, height, wcs_json, ra_center, dec_center, source_count, status, error
                          FROM frames ORDER BY content_hash`);
    const sources =
      await all(`SELECT f.content_hash, s.idx, s.x, s.y, s.x_err, s.y_err, s.ra, s.dec, s.flux, s.flux_err,
                                s.flux_auto, s.mag, s.mag_err, s.a, s.b, s.theta, s.fwhm, s.snr, s.flags
                           FROM sources s JOIN frames f ON f.id = s.frame_id ORDER BY f.content_hash, s.idx`);
    const measurements = await all(`SELECT f.content_hash, s.idx, m.mjd, m.filter, m.flux, m.flux_err, m.mag, m.mag_err
                                FROM measurements m JOIN frames f ON f.id = m.frame_id
                                LEFT JOIN sources s ON s.id = m.source_id ORDER BY f.content_hash, s.idx`);
    const members = (
      await pool.query<{ id: number; nObs: number; firstMjd: number; lastMjd: number; member: string | null }>(
        `SELECT o.id AS id, o.n_obs AS "nObs", o.first_mjd AS "firstMjd", o.last_mjd AS "lastMjd",
                f.content_hash || ':' || s.idx AS member
           FROM objects o LEFT JOIN sources s ON s.object_id = o.id LEFT JOIN frames f ON f.id = s.frame_id`,
      )
    ).rows;
    const byObject = new Map<number, { head: string; keys: string[] }>();
    for (const m of members) {
      const o = byObject.get(m.id) ?? { head: `${m.nObs} ${m.firstMjd} ${m.lastMjd}`, keys: [] };
      if (m.member !== null) o.keys.push(m.member);
      byObject.set(m.id, o);
    }
    const objects = [...byObject.values()].map((o) => `${o.head} | ${o.keys.sort().join(' ')}`).sort();
    const jobs = await all(`SELECT f.content_hash, string_agg(j.state || '/' || j.attempts, ',') FROM frames f
                        LEFT JOIN jobs j ON j.frame_id = f.id AND j.kind = 'process-frame'
                       GROUP BY f.id ORDER BY f.content_hash`);
    return { frames, sources, measurements, objects, jobs };
  } finally {
    await pool.end();
  }
}
