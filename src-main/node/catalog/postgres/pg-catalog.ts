import type pg from 'pg';
import {
  COUNTED_TABLES,
  type CatalogStats,
  type FrameRow,
  type FrameSort,
  type JobRow,
  type JobState,
  type MeasurementRow,
  type Page,
  type SourceRow,
} from '../catalog.js';
import type { CatalogReader, ObjectRow } from '../catalog-reader.js';
import { angularDistanceArcsec, validRaDec } from '../sky.js';
import type { ConeHit } from '../spatial-index.js';

// SQLite's CALIBRATED_COLUMNS (catalog.ts) in PostgreSQL's spelling: the two backends give the same rows.
const CALIBRATED_COLUMNS = `mag_inst AS "magInst",
  mag_inst + (SELECT phot_zp FROM frames WHERE frames.id = sources.frame_id) AS "magCal",
  CASE WHEN mag_inst IS NULL THEN NULL ELSE (SELECT CASE WHEN phot_zp IS NULL THEN NULL
    ELSE sqrt(coalesce(sources.mag_err * sources.mag_err, 0) + coalesce(phot_zp_err * phot_zp_err, 0)) END
    FROM frames WHERE frames.id = sources.frame_id) END AS "magCalErr",
  CASE WHEN mag_inst IS NULL THEN NULL ELSE (SELECT CASE WHEN phot_zp IS NULL THEN NULL
    ELSE 'owb plate solve, ' || coalesce(phot_zp_band, 'MAG_VT') END FROM frames WHERE frames.id = sources.frame_id) END AS "zpSource"`;
const SOURCE_SELECT = `SELECT id, frame_id AS "frameId", idx, x, y, x_err AS "xErr", y_err AS "yErr", ra, dec, flux,
  flux_err AS "fluxErr", flux_auto AS "fluxAuto", mag, mag_err AS "magErr", a, b, theta, fwhm, snr, flags, object_id AS "objectId",
  ${CALIBRATED_COLUMNS}
  FROM sources`;
const FRAME_SELECT = `SELECT id, content_hash AS "contentHash", path, file_name AS "fileName", size_bytes AS "sizeBytes",
  frame_type AS "frameType", filter, exposure_sec AS "exposureSec", date_obs AS "dateObs", mjd, mjd_start AS "mjdStart",
  bjd_tdb AS "bjdTdb", time_source AS "timeSource", time_note AS "timeNote", airmass, width, height,
  source_count AS "sourceCount", status, error, created_at AS "createdAt", processed_at AS "processedAt", quality_json,
  checksum_state AS "checksumState", checksum_note AS "checksumNote"
  FROM frames`;
const JOB_SELECT = `SELECT j.id, j.kind, j.frame_id AS "frameId", j.master_id AS "masterId", f.path, j.profile, j.state,
  j.attempts, j.max_attempts AS "maxAttempts", j.error, j.error_code AS "errorCode", j.lease_owner AS "leaseOwner",
  j.lease_expires_at AS "leaseExpiresAt", j.created_at AS "createdAt", j.started_at AS "startedAt", j.finished_at AS "finishedAt"
  FROM jobs j LEFT JOIN frames f ON f.id = j.frame_id`;
const OBJECT_COLUMNS = `o.id, o.ra, o.dec, o.n_obs AS "nObs", o.first_mjd AS "firstMjd", o.last_mjd AS "lastMjd"`;
const FRAME_SORTS = new Set<FrameSort>(['id', 'date_obs', 'file_name', 'source_count', 'exposure_sec', 'created_at']);

function page(p: Page = {}): [number, number] {
  return [Math.min(10_000, Math.max(0, Math.floor(p.limit ?? 100))), Math.max(0, Math.floor(p.offset ?? 0))];
}

/** Q3C's radius a hair wider than asked: the exact test is the haversine distance, as on SQLite. */
function q3cRadiusDeg(radiusArcsec: number): number {
  return (radiusArcsec / 3600) * (1 + 1e-6) + 1e-9;
}

/**
 * The catalog's read side on PostgreSQL + Q3C, the same rows as the SQLite `Catalog`: cone search through
 * `q3c_radial_query` (the Q3C index on objects), nearest objects of many positions through one `q3c_join`.
 * Distances and their order are computed as on SQLite (haversine, ties by id), so both backends agree.
 */
export class PgCatalog implements CatalogReader {
  readonly backend = 'postgres' as const;

  constructor(readonly pool: pg.Pool) {}

  async stats(): Promise<CatalogStats> {
    const counts = await this.pool.query<Record<string, number>>(
      `SELECT ${COUNTED_TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`,
    );
    const tables = counts.rows[0] as CatalogStats['tables'];
    const jobs = { queued: 0, running: 0, done: 0, failed: 0 } as Record<JobState, number>;
    for (const r of (
      await this.pool.query<{ state: JobState; n: number }>('SELECT state, count(*) AS n FROM jobs GROUP BY state')
    ).rows)
      jobs[r.state] = r.n;
    const failures = (
      await this.pool.query(
        `SELECT j.id AS "jobId", j.frame_id AS "frameId", f.path, j.attempts, j.error, j.error_code AS "errorCode"
           FROM jobs j LEFT JOIN frames f ON f.id = j.frame_id WHERE j.state = 'failed' ORDER BY j.id DESC LIMIT 20`,
      )
    ).rows as CatalogStats['failures'];
    const version = (await this.pool.query<{ version: number }>('SELECT version FROM owb_schema')).rows[0]?.version;
    return { schemaVersion: version ?? 0, tables, jobs, failures };
  }

  async listFrames(
    options: Page & { sort?: FrameSort; descending?: boolean; frameType?: string; status?: string } = {},
  ): Promise<FrameRow[]> {
    const sort = options.sort ?? 'id';
    if (!FRAME_SORTS.has(sort)) throw new Error(`cannot sort frames by '${String(sort)}'`);
    const where: string[] = [];
    const args: unknown[] = [];
    if (options.frameType) where.push(`frame_type = $${args.push(options.frameType)}`);
    if (options.status) where.push(`status = $${args.push(options.status)}`);
    const [limit, offset] = page(options);
    // SQLite sorts NULLs first ascending and last descending; PostgreSQL the other way round unless told.
    const nulls = options.descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST';
    const { rows } = await this.pool.query<FrameRow & { quality_json: string | null }>(
      `${FRAME_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${sort}${sort === 'file_name' || sort === 'date_obs' ? ' COLLATE "C"' : ''} ${nulls}, id LIMIT $${args.push(limit)} OFFSET $${args.push(offset)}`,
      args,
    );
    return rows.map(({ quality_json, ...rest }) => ({
      ...rest,
      quality: quality_json ? (JSON.parse(quality_json) as Record<string, number>) : null,
    }));
  }

  async listSources(options: { frameId?: number; limit?: number; offset?: number } = {}): Promise<SourceRow[]> {
    const limit =
      options.limit === undefined || !Number.isFinite(options.limit) ? null : Math.max(0, Math.floor(options.limit));
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const { rows } =
      options.frameId === undefined
        ? await this.pool.query<SourceRow>(`${SOURCE_SELECT} ORDER BY frame_id, idx LIMIT $1 OFFSET $2`, [
            limit,
            offset,
          ])
        : await this.pool.query<SourceRow>(`${SOURCE_SELECT} WHERE frame_id = $1 ORDER BY idx LIMIT $2 OFFSET $3`, [
            options.frameId,
            limit,
            offset,
          ]);
    return rows;
  }

  async listObjects(p: Page = {}): Promise<ObjectRow[]> {
    const [limit, offset] = page(p);
    return (
      await this.pool.query<ObjectRow>(`SELECT ${OBJECT_COLUMNS} FROM objects o ORDER BY id LIMIT $1 OFFSET $2`, [
        limit,
        offset,
      ])
    ).rows;
  }

  async cone(raDeg: number, decDeg: number, radiusArcsec: number): Promise<ConeHit[]> {
    const problem = validRaDec(raDeg, decDeg);
    if (problem) throw new RangeError(problem);
    if (!(radiusArcsec > 0) || !Number.isFinite(radiusArcsec))
      throw new RangeError(`'radiusArcsec' must be a positive finite number, got ${radiusArcsec}`);
    const { rows } = await this.pool.query<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM objects o WHERE q3c_radial_query(o.ra, o.dec, $1::float8, $2::float8, $3::float8)`,
      [raDeg, decDeg, q3cRadiusDeg(radiusArcsec)],
    );
    const hits: ConeHit[] = [];
    for (const r of rows) {
      const distanceArcsec = angularDistanceArcsec(raDeg, decDeg, r.ra, r.dec);
      if (distanceArcsec <= radiusArcsec) hits.push({ ...r, distanceArcsec });
    }
    return hits.sort((a, b) => a.distanceArcsec - b.distanceArcsec || a.id - b.id);
  }

  /**
   * Nearest object within the radius of each position: the positions travel as arrays, `q3c_join` pairs them
   * with objects through the Q3C index in one query (chunks of 100 000 positions).
   */
  async nearestObjects(
    ra: ArrayLike<number>,
    dec: ArrayLike<number>,
    radiusArcsec: number,
  ): Promise<Array<ConeHit | undefined>> {
    if (!(radiusArcsec > 0) || !Number.isFinite(radiusArcsec))
      throw new RangeError(`'radiusArcsec' must be a positive finite number, got ${radiusArcsec}`);
    const out: Array<ConeHit | undefined> = new Array(ra.length).fill(undefined);
    const CHUNK = 100_000;
    for (let start = 0; start < ra.length; start += CHUNK) {
      const idx: number[] = [];
      const r: number[] = [];
      const d: number[] = [];
      for (let i = start; i < Math.min(ra.length, start + CHUNK); i++) {
        if (validRaDec(ra[i], dec[i])) continue;
        idx.push(i);
        r.push(ra[i]);
        d.push(dec[i]);
      }
      if (!idx.length) continue;
      const { rows } = await this.pool.query<ObjectRow & { i: number }>(
        `SELECT p.i, ${OBJECT_COLUMNS} FROM unnest($1::int[], $2::float8[], $3::float8[]) AS p(i, ra, dec)
           JOIN objects o ON q3c_join(p.ra, p.dec, o.ra, o.dec, $4::float8)`,
        [idx, r, d, q3cRadiusDeg(radiusArcsec)],
      );
      for (const { i, ...o } of rows) {
        const distanceArcsec = angularDistanceArcsec(ra[i], dec[i], o.ra, o.dec);
        if (distanceArcsec > radiusArcsec) continue;
        const held = out[i];
        if (!held || distanceArcsec < held.distanceArcsec || (distanceArcsec === held.distanceArcsec && o.id < held.id))
          out[i] = { ...o, distanceArcsec };
      }
    }
    return out;
  }

  async lightCurve(objectId: number): Promise<MeasurementRow[]> {
    return (
      await this.pool.query<MeasurementRow>(
        `SELECT frame_id AS "frameId", source_id AS "sourceId", mjd, filter, flux, flux_err AS "fluxErr", mag,
                mag_err AS "magErr" FROM measurements WHERE object_id = $1 ORDER BY mjd NULLS FIRST, frame_id`,
        [objectId],
      )
    ).rows;
  }

  async listJobs(options: Page & { state?: JobState } = {}): Promise<JobRow[]> {
    const [limit, offset] = page(options);
    const { rows } = options.state
      ? await this.pool.query<JobRow>(`${JOB_SELECT} WHERE j.state = $1 ORDER BY j.id DESC LIMIT $2 OFFSET $3`, [
          options.state,
          limit,
          offset,
        ])
      : await this.pool.query<JobRow>(`${JOB_SELECT} ORDER BY j.id DESC LIMIT $1 OFFSET $2`, [limit, offset]);
    return rows;
  }

  /** The BUNIT of the frames whose sources are exported, as `fluxUnitOf` reads it on SQLite. */
  async frameUnits(frameId: number | undefined): Promise<string[]> {
    const { rows } = await this.pool.query<{ unit: string }>(
      `SELECT DISTINCT trim(coalesce(header_json::json->>'BUNIT', '')) AS unit FROM frames
        WHERE ${frameId === undefined ? 'id IN (SELECT DISTINCT frame_id FROM sources)' : 'id = $1'}`,
      frameId === undefined ? [] : [frameId],
    );
    return rows.map((r) => r.unit);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
