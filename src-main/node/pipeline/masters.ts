import type { SqliteDatabase } from '../catalog/index.js';

export interface MasterRow {
  id: number;
  kind: 'bias' | 'dark' | 'flat';
  filter: string | null;
  exposureSec: number | null;
  width: number | null;
  height: number | null;
  path: string | null;
  status: string;
  inputsHash: string;
}

const MASTER_SELECT = `SELECT id, kind, filter, exposure_sec AS exposureSec, width, height, path, status, inputs_hash AS inputsHash FROM masters`;

/**
 * Files a calibration frame as an input of the master it belongs to (same kind and size; same filter for
 * flats, same exposure for darks), creating the group when needed, marking it stale and queueing its
 * rebuild. Masters built on top of it (darks and flats on the bias, flats on the dark) are rebuilt too.
 * Runs inside the filing job's commit. Returns the master id.
 */
export function fileCalibrationFrame(db: SqliteDatabase, frameId: number, profile: string): number {
  const f = db
    .prepare('SELECT frame_type AS kind, filter, exposure_sec AS exposureSec, width, height FROM frames WHERE id = ?')
    .get(frameId) as {
    kind: string;
    filter: string | null;
    exposureSec: number | null;
    width: number | null;
    height: number | null;
  };
  const filter = f.kind === 'flat' ? f.filter : null;
  const exposureSec = f.kind === 'dark' ? f.exposureSec : null;
  const existing = db
    .prepare(
      `SELECT id FROM masters WHERE kind = ? AND filter IS ? AND exposure_sec IS ? AND width IS ? AND height IS ? ORDER BY id LIMIT 1`,
    )
    .get(f.kind, filter, exposureSec, f.width, f.height) as { id: number } | undefined;
  const now = Date.now();
  const masterId =
    existing?.id ??
    Number(
      db
        .prepare(
          `INSERT INTO masters (kind, filter, exposure_sec, width, height, inputs_hash, input_count, status, created_at)
           VALUES (?, ?, ?, ?, ?, '', 0, 'stale', ?)`,
        )
        .run(f.kind, filter, exposureSec, f.width, f.height, now).lastInsertRowid,
    );
  db.prepare('INSERT OR IGNORE INTO master_inputs (master_id, frame_id) VALUES (?, ?)').run(masterId, frameId);
  db.prepare(
    `UPDATE masters SET inputs_hash = ?, input_count = (SELECT count(*) FROM master_inputs WHERE master_id = ?) WHERE id = ?`,
  ).run(inputsHash(db, masterId), masterId, masterId);
  const dependents = f.kind === 'bias' ? ['bias', 'dark', 'flat'] : f.kind === 'dark' ? ['dark', 'flat'] : ['flat'];
  const affected = db
    .prepare(
      `SELECT id FROM masters WHERE width IS ? AND height IS ? AND kind IN (SELECT value FROM json_each(?)) AND (kind != ? OR id = ?)`,
    )
    .all(f.width, f.height, JSON.stringify(dependents), f.kind, masterId) as Array<{ id: number }>;
  const stale = db.prepare(`UPDATE masters SET status = 'stale', inputs_hash = ? WHERE id = ?`);
  const queue = db.prepare(
    `INSERT INTO jobs (kind, master_id, profile, state, max_attempts, created_at)
     SELECT 'build-master', @id, @profile, 'queued', 3, @now
      WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE master_id = @id AND state = 'queued')`,
  );
  // A dark or flat rebuilt on the new bias (or dark) gets a new identity, so its build on the old one is superseded.
  for (const { id } of affected) {
    stale.run(inputsHash(db, id), id);
    queue.run({ id, profile, now });
  }
  return masterId;
}

/**
 * A master's identity, the change detector of its builds: FNV-1a 64 (hex) over its inputs' content hashes
 * and, for a dark or flat, the identities of the masters it is calibrated with (`calibratedWith`), so a dark
 * whose bias changed is a different dark.
 */
export function inputsHash(db: SqliteDatabase, masterId: number): string {
  const master = db.prepare('SELECT kind, width, height FROM masters WHERE id = ?').get(masterId) as
    { kind: string; width: number | null; height: number | null } | undefined;
  const rows = db
    .prepare(
      'SELECT f.content_hash AS h FROM master_inputs mi JOIN frames f ON f.id = mi.frame_id WHERE mi.master_id = ? ORDER BY f.content_hash',
    )
    .all(masterId) as Array<{ h: string }>;
  const under: Partial<Record<'bias' | 'dark', string>> = {};
  for (const kind of master ? calibratedWith(master.kind) : []) {
    const id = master && sameSizeMaster(db, kind, master.width, master.height);
    if (id) under[kind] = inputsHash(db, id);
  }
  return masterHash(
    rows.map((r) => r.h),
    under,
  );
}

/** The kinds of master a build of `kind` is calibrated with: darks on the bias, flats on bias and dark. */
export function calibratedWith(kind: string): Array<'bias' | 'dark'> {
  return kind === 'dark' ? ['bias'] : kind === 'flat' ? ['bias', 'dark'] : [];
}

/**
 * The identity `inputsHash` computes, from the inputs' content hashes (sorted bytewise by the caller) and the
 * identities of the masters it is calibrated with (none of that size: absent); shared by both catalogs. A
 * bias, or a master with nothing under it, hashes as its inputs alone.
 */
export function masterHash(contentHashes: readonly string[], under: Partial<Record<'bias' | 'dark', string>>): string {
  const tags = (['bias', 'dark'] as const).flatMap((kind) =>
    under[kind] === undefined ? [] : [`${kind}:${under[kind]}`],
  );
  return hashOfContentHashes([...contentHashes, ...tags]);
}

/** The first master of `kind` with this size (what darks and flats are built on), by id. */
export function sameSizeMaster(
  db: SqliteDatabase,
  kind: string,
  width: number | null,
  height: number | null,
): number | undefined {
  return (
    db
      .prepare('SELECT id FROM masters WHERE kind = ? AND width IS ? AND height IS ? ORDER BY id LIMIT 1')
      .get(kind, width, height) as { id: number } | undefined
  )?.id;
}

/** FNV-1a 64 (hex) over content hashes in the order given (sorted by the caller); shared by both catalogs. */
export function hashOfContentHashes(hashes: readonly string[]): string {
  let h = 0xcbf29ce484222325n;
  for (const text of hashes) {
    for (let i = 0; i < text.length; i++) {
      h ^= BigInt(text.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

export function masterById(db: SqliteDatabase, id: number): MasterRow | undefined {
  return db.prepare(`${MASTER_SELECT} WHERE id = ?`).get(id) as MasterRow | undefined;
}

/** Input paths of a master (the first path each input frame was seen at). */
export function masterInputPaths(db: SqliteDatabase, masterId: number): string[] {
  return (
    db
      .prepare(
        'SELECT f.path FROM master_inputs mi JOIN frames f ON f.id = mi.frame_id WHERE mi.master_id = ? ORDER BY f.id',
      )
      .all(masterId) as Array<{ path: string }>
  ).map((r) => r.path);
}

/** Masters for a light of this size and filter: bias, the dark closest in exposure, the flat of its filter. */
export function mastersForLight(
  db: SqliteDatabase,
  light: { width: number | null; height: number | null; filter: string | null; exposureSec: number | null },
): { bias?: MasterRow; dark?: MasterRow; flat?: MasterRow; pending: boolean } {
  const all = db
    .prepare(`${MASTER_SELECT} WHERE width IS ? AND height IS ?`)
    .all(light.width, light.height) as MasterRow[];
  const bias = all.find((m) => m.kind === 'bias');
  const darks = all.filter((m) => m.kind === 'dark');
  const t = light.exposureSec ?? 0;
  const dark = darks.sort((a, b) => Math.abs((a.exposureSec ?? 0) - t) - Math.abs((b.exposureSec ?? 0) - t))[0];
  const flats = all.filter((m) => m.kind === 'flat');
  const flat = flats.find((m) => m.filter === light.filter) ?? flats.find((m) => m.filter === null);
  const chosen = [bias, dark, flat].filter((m): m is MasterRow => m !== undefined);
  return { bias, dark, flat, pending: chosen.some((m) => m.status !== 'ready') };
}
