import type pg from 'pg';
import { calibratedWith, masterHash, type MasterRow } from './masters.js';
import { PENDING_MASTER_WORK_SQL } from './pending-master-work.js';

/** A pool or a transaction's client: the reads below run on either. */
export type PgQueryable = pg.Pool | pg.PoolClient;

/**
 * Advisory lock key (transaction scope) serialising the filing of calibration frames and the recording of
 * built masters across processes, as SQLite's one writer does: two biases filed at once must not both create
 * their group, nor both queue its rebuild.
 */
const MASTERS_LOCK = 0x6f77626d; // 'owbm'

const MASTER_SELECT = `SELECT id, kind, filter, exposure_sec AS "exposureSec", width, height, path, status,
  inputs_hash AS "inputsHash" FROM masters`;

/** Takes the masters lock until the end of the transaction of `c`. */
export async function lockMasters(c: pg.PoolClient): Promise<void> {
  await c.query('SELECT pg_advisory_xact_lock($1)', [MASTERS_LOCK]);
}

/**
 * `fileCalibrationFrame` (masters.ts) on a PostgreSQL catalog, inside the filing job's transaction: files the
 * frame as an input of its master (created when needed), marks the master and those built on it stale and
 * queues their rebuilds, at most one waiting per master. Returns the master id.
 */
export async function pgFileCalibrationFrame(c: pg.PoolClient, frameId: number, profile: string): Promise<number> {
  await lockMasters(c);
  const f = (
    await c.query<{
      kind: string;
      filter: string | null;
      exposureSec: number | null;
      width: number | null;
      height: number | null;
    }>(`SELECT frame_type AS kind, filter, exposure_sec AS "exposureSec", width, height FROM frames WHERE id = $1`, [
      frameId,
    ])
  ).rows[0];
  const filter = f.kind === 'flat' ? f.filter : null;
  const exposureSec = f.kind === 'dark' ? f.exposureSec : null;
  const existing = (
    await c.query<{ id: number }>(
      `SELECT id FROM masters WHERE kind = $1 AND filter IS NOT DISTINCT FROM $2
          AND exposure_sec IS NOT DISTINCT FROM $3::float8 AND width IS NOT DISTINCT FROM $4::bigint
          AND height IS NOT DISTINCT FROM $5::bigint ORDER BY id LIMIT 1`,
      [f.kind, filter, exposureSec, f.width, f.height],
    )
  ).rows[0];
  const now = Date.now();
  const masterId =
    existing?.id ??
    (
      await c.query<{ id: number }>(
        `INSERT INTO masters (kind, filter, exposure_sec, width, height, inputs_hash, input_count, status, created_at)
         VALUES ($1, $2, $3, $4, $5, '', 0, 'stale', $6) RETURNING id`,
        [f.kind, filter, exposureSec, f.width, f.height, now],
      )
    ).rows[0].id;
  await c.query('INSERT INTO master_inputs (master_id, frame_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    masterId,
    frameId,
  ]);
  await c.query(
    `UPDATE masters SET inputs_hash = $1, input_count = (SELECT count(*) FROM master_inputs WHERE master_id = $2)
      WHERE id = $2`,
    [await pgInputsHash(c, masterId), masterId],
  );
  const dependents = f.kind === 'bias' ? ['bias', 'dark', 'flat'] : f.kind === 'dark' ? ['dark', 'flat'] : ['flat'];
  const affected = (
    await c.query<{ id: number }>(
      `SELECT id FROM masters WHERE width IS NOT DISTINCT FROM $1::bigint AND height IS NOT DISTINCT FROM $2::bigint
          AND kind = ANY($3::text[]) AND (kind <> $4 OR id = $5) ORDER BY id`,
      [f.width, f.height, dependents, f.kind, masterId],
    )
  ).rows;
  // A dark or flat rebuilt on the new bias (or dark) gets a new identity, so its build on the old one is superseded.
  for (const { id } of affected) {
    await c.query(`UPDATE masters SET status = 'stale', inputs_hash = $1 WHERE id = $2`, [
      await pgInputsHash(c, id),
      id,
    ]);
    await c.query(
      `INSERT INTO jobs (kind, master_id, profile, state, max_attempts, created_at)
       SELECT 'build-master', $1::bigint, $2::text, 'queued', 3, $3::bigint
        WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE master_id = $1::bigint AND state = 'queued')`,
      [id, profile, now],
    );
  }
  return masterId;
}

/**
 * `inputsHash` (masters.ts) on PostgreSQL: a master's identity, the same FNV-1a 64 over its inputs' content
 * hashes (bytewise order) and the identities of the masters it is calibrated with.
 */
export async function pgInputsHash(db: PgQueryable, masterId: number): Promise<string> {
  const master = (
    await db.query<{ kind: string; width: number | null; height: number | null }>(
      'SELECT kind, width, height FROM masters WHERE id = $1',
      [masterId],
    )
  ).rows[0];
  const { rows } = await db.query<{ h: string }>(
    `SELECT f.content_hash AS h FROM master_inputs mi JOIN frames f ON f.id = mi.frame_id WHERE mi.master_id = $1
      ORDER BY f.content_hash COLLATE "C"`,
    [masterId],
  );
  const under: Partial<Record<'bias' | 'dark', string>> = {};
  for (const kind of master ? calibratedWith(master.kind) : []) {
    const id = master && (await pgSameSizeMaster(db, kind, master.width, master.height));
    if (id) under[kind] = await pgInputsHash(db, id);
  }
  return masterHash(
    rows.map((r) => r.h),
    under,
  );
}

export async function pgMasterById(db: PgQueryable, id: number): Promise<MasterRow | undefined> {
  return (await db.query<MasterRow>(`${MASTER_SELECT} WHERE id = $1`, [id])).rows[0];
}

/** Input paths of a master (the first path each input frame was seen at), by frame id. */
export async function pgMasterInputPaths(db: PgQueryable, masterId: number): Promise<string[]> {
  const { rows } = await db.query<{ path: string }>(
    'SELECT f.path FROM master_inputs mi JOIN frames f ON f.id = mi.frame_id WHERE mi.master_id = $1 ORDER BY f.id',
    [masterId],
  );
  return rows.map((r) => r.path);
}

/** The first master of `kind` with this size (what darks and flats are built on), by id. */
export async function pgSameSizeMaster(
  db: PgQueryable,
  kind: string,
  width: number | null,
  height: number | null,
): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM masters WHERE kind = $1 AND width IS NOT DISTINCT FROM $2::bigint
        AND height IS NOT DISTINCT FROM $3::bigint ORDER BY id LIMIT 1`,
    [kind, width, height],
  );
  return rows[0]?.id;
}

/** `mastersForLight` (masters.ts) on PostgreSQL: bias, the dark closest in exposure, the flat of its filter. */
export async function pgMastersForLight(
  db: PgQueryable,
  light: { width: number | null; height: number | null; filter: string | null; exposureSec: number | null },
): Promise<{ bias?: MasterRow; dark?: MasterRow; flat?: MasterRow; pending: boolean }> {
  const all = (
    await db.query<MasterRow>(
      `${MASTER_SELECT} WHERE width IS NOT DISTINCT FROM $1::bigint AND height IS NOT DISTINCT FROM $2::bigint ORDER BY id`,
      [light.width, light.height],
    )
  ).rows;
  const bias = all.find((m) => m.kind === 'bias');
  const t = light.exposureSec ?? 0;
  const dark = all
    .filter((m) => m.kind === 'dark')
    .sort((a, b) => Math.abs((a.exposureSec ?? 0) - t) - Math.abs((b.exposureSec ?? 0) - t))[0];
  const flats = all.filter((m) => m.kind === 'flat');
  const flat = flats.find((m) => m.filter === light.filter) ?? flats.find((m) => m.filter === null);
  const chosen = [bias, dark, flat].filter((m): m is MasterRow => m !== undefined);
  return { bias, dark, flat, pending: chosen.some((m) => m.status !== 'ready') };
}

/** Master builds and calibration frames still to run, which a light waiting for its masters waits on. */
export async function pgPendingMasterWork(db: PgQueryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(PENDING_MASTER_WORK_SQL);
  return Number(rows[0].n);
}
