import type { SqliteDatabase } from '../catalog/index.js';

/**
 * Files a calibration frame as an input of the master it belongs to (same kind, filter for flats,
 * exposure for darks, same size), creating the master group when needed and marking it stale so it is
 * rebuilt. Runs inside the job's commit. Returns the master id.
 */
export function fileCalibrationFrame(db: SqliteDatabase, frameId: number): number {
  const f = db
    .prepare('SELECT frame_type AS kind, filter, exposure_sec AS exposureSec, width, height, content_hash AS hash FROM frames WHERE id = ?')
    .get(frameId) as { kind: string; filter: string | null; exposureSec: number | null; width: number | null; height: number | null; hash: string };
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
  // The inputs' hash changes with every new input, which is what tells a rebuild is due.
  const hashes = (
    db.prepare('SELECT f.content_hash AS h FROM master_inputs mi JOIN frames f ON f.id = mi.frame_id WHERE mi.master_id = ? ORDER BY f.content_hash').all(masterId) as Array<{ h: string }>
  ).map((r) => r.h);
  db.prepare(`UPDATE masters SET inputs_hash = ?, input_count = ?, status = 'stale' WHERE id = ?`).run(simpleHash(hashes.join(',')), hashes.length, masterId);
  return masterId;
}

/** FNV-1a 64-bit as hex (a change detector, not a security hash). */
function simpleHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
