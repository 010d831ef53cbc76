import type pg from 'pg';
import type { ProcessFrameOutput, SourceColumns } from '../../../common/tasks/process-frame.js';
import type { CommitOptions, CommitSummary } from '../frame-results.js';
import { angularDistanceArcsec, normaliseRa, unitVector } from '../sky.js';
import { copyColumnsBinary, copyRowsBinary, type CopyColumn, type CopyType } from './copy.js';
import { SOURCE_FIELDS, SOURCE_TABLE_COLUMNS } from '../source-writer.js';

/** Advisory lock key serialising cross-matches: two frames of one star must not both create its object. */
const OBJECTS_LOCK = 0x6f77626f; // 'owbo'

const SOURCE_COLUMNS = ['id', ...SOURCE_TABLE_COLUMNS] as const;

/** Declared types of SOURCE_COLUMNS: ids, idx and flags BIGINT, measurements DOUBLE PRECISION. */
const SOURCE_TYPES = SOURCE_COLUMNS.map((c) =>
  ['id', 'frame_id', 'idx', 'flags', 'object_id'].includes(c) ? 'int8' : 'float8',
);

/**
 * Loads one frame's sources by binary COPY with the given row ids and cross-matched objects (`null`: none),
 * the rows SQLite's `SourceWriter` inserts: NaN is NULL (flags 0), other values (±Infinity too) as they are.
 * Returns the rows loaded.
 */
export async function copySources(
  c: pg.PoolClient | pg.Client,
  frameId: number,
  ids: ArrayLike<number>,
  s: SourceColumns,
  objectIds?: ArrayLike<number | null>,
): Promise<number> {
  const idx = new Float64Array(s.count);
  for (let i = 0; i < s.count; i++) idx[i] = i;
  const columns: CopyColumn[] = SOURCE_COLUMNS.map((name) => {
    if (name === 'id') return ids;
    if (name === 'frame_id') return frameId;
    if (name === 'idx') return idx;
    if (name === 'object_id') return objectIds ?? null;
    const field = SOURCE_FIELDS[name];
    const values = field === undefined ? undefined : (s[field] as ArrayLike<number> | undefined);
    return values ?? (name === 'flags' ? 0 : null);
  });
  const nanIsNull = SOURCE_TYPES.map((t) => t === 'float8');
  return copyColumnsBinary(c, 'sources', SOURCE_COLUMNS, SOURCE_TYPES, columns, s.count, nanIsNull);
}

const MEASUREMENT_COLUMNS = [
  'object_id',
  'frame_id',
  'source_id',
  'mjd',
  'filter',
  'flux',
  'flux_err',
  'mag',
  'mag_err',
  'mag_inst',
] as const;

/** `count` fresh ids of `table`'s identity column, ascending. */
const MEASUREMENT_TYPES: CopyType[] = [
  'int8',
  'int8',
  'int8',
  'float8',
  'text',
  'float8',
  'float8',
  'float8',
  'float8',
  'float8',
];
const OBJECT_TYPES: CopyType[] = [
  'int8',
  'float8',
  'float8',
  'float8',
  'float8',
  'float8',
  'int8',
  'float8',
  'float8',
  'int8',
];

async function nextIds(c: pg.PoolClient, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await c.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)`,
    [table, count],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

function num(col: ArrayLike<number> | undefined, i: number): number | null {
  if (!col) return null;
  const v = col[i];
  return Number.isFinite(v) ? v : null;
}

/**
 * One processed frame's results on PostgreSQL, the same rows as the SQLite `FrameResultWriter`: the frame's
 * sources replaced (loaded by binary COPY), each source with sky coordinates matched to the nearest object within
 * the radius that no other source of the frame took (candidates from `q3c_join`, the distance and the order
 * as on SQLite), else a new object; one measurement per matched source; plate solution and zero point.
 * Runs on the job's completing transaction; cross-matches of concurrent commits are serialised by an
 * advisory lock held to the commit.
 */
export class PgFrameResultWriter {
  async write(
    c: pg.PoolClient,
    frameId: number,
    output: ProcessFrameOutput,
    options: CommitOptions = {},
  ): Promise<CommitSummary> {
    const info = (
      await c.query<{ mjd: number | null; filter: string | null }>('SELECT mjd, filter FROM frames WHERE id = $1', [
        frameId,
      ])
    ).rows[0];
    if (!info) throw new Error(`frame ${frameId} is not in the catalog`);
    const s = output.sources;
    const count = s?.count ?? 0;
    await c.query('DELETE FROM sources WHERE frame_id = $1', [frameId]);
    let newObjects = 0;
    let measurements = 0;
    if (s && count > 0) {
      const matched = await this.matchObjects(c, s, info.mjd, options.matchRadiusArcsec ?? 1.5);
      newObjects = matched.created;
      const ids = await nextIds(c, 'sources', count);
      await copySources(c, frameId, ids, s, matched.ids);
      const measurementRows = function* (): Generator<unknown[]> {
        for (let i = 0; i < count; i++) {
          const objectId = matched.ids[i];
          if (objectId === null) continue;
          measurements++;
          yield [
            objectId,
            frameId,
            ids[i],
            info.mjd,
            info.filter,
            num(s.flux, i),
            num(s.fluxErr, i),
            num(s.mag, i),
            num(s.magErr, i),
            num(s.magInst, i),
          ];
        }
      };
      await copyRowsBinary(c, 'measurements', MEASUREMENT_COLUMNS, MEASUREMENT_TYPES, measurementRows());
    }
    await c.query(
      `UPDATE frames SET width = $1, height = $2, quality_json = $3, source_count = $4, status = 'processed', error = NULL,
         processed_at = $5 WHERE id = $6`,
      [output.width, output.height, JSON.stringify(output.quality ?? {}), count, Date.now(), frameId],
    );
    const solve = output.solve;
    if (solve) {
      const { wcs, ...summary } = solve;
      await c.query(
        `UPDATE frames SET solve_status = $1, solve_reason = $2, solve_json = $3, phot_zp = $4, phot_zp_err = $5,
           wcs_json = coalesce($6, wcs_json), ra_center = coalesce($7, ra_center), dec_center = coalesce($8, dec_center)
         WHERE id = $9`,
        [
          solve.solved ? 'solved' : 'unsolved',
          solve.reason ?? null,
          JSON.stringify(summary),
          solve.zeroPoint ?? null,
          solve.zeroPointErr ?? null,
          wcs ? JSON.stringify(wcs) : null,
          solve.centreRa ?? null,
          solve.centreDec ?? null,
          frameId,
        ],
      );
    }
    return { sources: count, newObjects, measurements };
  }

  /** Nearest untaken object within the radius for each source with sky coordinates, else a new object. */
  private async matchObjects(
    c: pg.PoolClient,
    s: SourceColumns,
    mjd: number | null,
    radiusArcsec: number,
  ): Promise<{ ids: (number | null)[]; created: number }> {
    const ids: (number | null)[] = new Array(s.count).fill(null);
    if (!s.ra || !s.dec) return { ids, created: 0 };
    const valid: number[] = [];
    for (let i = 0; i < s.count; i++) {
      const dec = s.dec[i];
      if (Number.isFinite(s.ra[i]) && Number.isFinite(dec) && dec >= -90 && dec <= 90) valid.push(i);
    }
    if (!valid.length) return { ids, created: 0 };
    await c.query('SELECT pg_advisory_xact_lock($1)', [OBJECTS_LOCK]);
    // Every object near any source, in one query through the Q3C index (a hair wider than the radius: the
    // exact test is the haversine distance below, as on SQLite). Objects created for this frame are never
    // candidates for its other sources (each is taken by the source that made it), so one query suffices.
    const { rows } = await c.query<{ i: number; id: number; ra: number; dec: number }>(
      `SELECT s.i, o.id, o.ra, o.dec FROM unnest($1::float8[], $2::float8[], $3::int[]) AS s(ra, dec, i)
         JOIN objects o ON q3c_join(s.ra, s.dec, o.ra, o.dec, $4::float8)`,
      [valid.map((i) => s.ra![i]), valid.map((i) => s.dec![i]), valid, (radiusArcsec / 3600) * (1 + 1e-6) + 1e-9],
    );
    const near = new Map<number, Array<{ id: number; d: number }>>();
    for (const r of rows) {
      const d = angularDistanceArcsec(s.ra[r.i], s.dec[r.i], r.ra, r.dec);
      if (d > radiusArcsec) continue;
      const list = near.get(r.i) ?? [];
      list.push({ id: r.id, d });
      near.set(r.i, list);
    }
    const taken = new Set<number>();
    const bumped: number[] = [];
    const fresh: number[] = [];
    for (const i of valid) {
      const hits = (near.get(i) ?? []).sort((a, b) => a.d - b.d || a.id - b.id);
      const hit = hits.find((h) => !taken.has(h.id));
      if (hit) {
        ids[i] = hit.id;
        bumped.push(hit.id);
        taken.add(hit.id);
      } else fresh.push(i);
    }
    if (bumped.length)
      // SQLite's two-argument min/max are NULL when either is: a frame without a time clears the range.
      await c.query(
        `UPDATE objects SET n_obs = n_obs + 1,
           first_mjd = CASE WHEN $2::float8 IS NULL THEN NULL ELSE least(coalesce(first_mjd, $2::float8), $2::float8) END,
           last_mjd = CASE WHEN $2::float8 IS NULL THEN NULL ELSE greatest(coalesce(last_mjd, $2::float8), $2::float8) END
         WHERE id = ANY($1::bigint[])`,
        [bumped, mjd],
      );
    const newIds = await nextIds(c, 'objects', fresh.length);
    const now = Date.now();
    const objectRows: unknown[][] = fresh.map((i, k) => {
      const ra = normaliseRa(s.ra![i]);
      const dec = s.dec![i];
      const [x, y, z] = unitVector(ra, dec);
      ids[i] = newIds[k];
      taken.add(newIds[k]);
      return [newIds[k], ra, dec, x, y, z, 1, mjd, mjd, now];
    });
    if (objectRows.length)
      await copyRowsBinary(
        c,
        'objects',
        ['id', 'ra', 'dec', 'cx', 'cy', 'cz', 'n_obs', 'first_mjd', 'last_mjd', 'created_at'],
        OBJECT_TYPES,
        objectRows,
      );
    return { ids, created: fresh.length };
  }
}
