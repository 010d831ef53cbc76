/**
 * The user's comparison stars per target (migration 009): read, replace, clear. An empty choice means
 * "automatic" (core's ensemble selection). Ids are catalog object ids.
 */
import { InputError } from '../../../src-workers/core/errors.js';
import type { SqliteDatabase } from './database.js';

/** The comparison objects chosen for `targetId`, in ascending id order; empty when the choice is automatic. */
export function storedComparisonStars(db: SqliteDatabase, targetId: number): number[] {
  return (
    db
      .prepare('SELECT comp_object_id AS id FROM comparison_stars WHERE target_object_id = ? ORDER BY comp_object_id')
      .all(targetId) as Array<{ id: number }>
  ).map((r) => r.id);
}

/**
 * Replaces the comparison stars of `targetId` with `compIds` (empty: back to automatic). The target and
 * every comparison must be catalog objects, and the target cannot be its own comparison. One transaction.
 */
export function setComparisonStars(db: SqliteDatabase, targetId: number, compIds: readonly number[]): number[] {
  const exists = db.prepare('SELECT 1 FROM objects WHERE id = ?');
  if (!exists.get(targetId)) throw new InputError('NOT_FOUND', `object ${targetId} is not in the catalog`);
  const unique = [...new Set(compIds)].sort((a, b) => a - b);
  for (const id of unique) {
    if (id === targetId) throw new InputError('LC_COMPS', `object ${targetId} cannot be its own comparison star`);
    if (!exists.get(id)) throw new InputError('NOT_FOUND', `comparison object ${id} is not in the catalog`);
  }
  const now = Date.now();
  db.transaction(() => {
    db.prepare('DELETE FROM comparison_stars WHERE target_object_id = ?').run(targetId);
    const insert = db.prepare(
      'INSERT INTO comparison_stars (target_object_id, comp_object_id, created_at) VALUES (?, ?, ?)',
    );
    for (const id of unique) insert.run(targetId, id, now);
  })();
  return unique;
}
