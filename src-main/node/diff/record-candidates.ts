import { statSync } from 'node:fs';
import { InputError } from '../../../src-workers/core/errors.js';
import type { Catalog } from '../catalog/index.js';
import type { SqliteDatabase } from '../catalog/index.js';
import { contentHash } from '../watch/content-hash.js';
import type { DifferenceRun } from './run-difference.js';

/**
 * Inserts the candidates of a difference run as `transient` candidates of the science frame, with the
 * paths the curation view shows as science / reference / difference stamps, unless candidates of this
 * frame against the same reference (`referenceKey`) are already there. Call it inside the transaction that
 * records the work (a job's commit) so a crash leaves all or nothing. Returns how many were added.
 */
export function insertTransientCandidates(
  db: SqliteDatabase,
  frameId: number,
  referenceKey: string,
  run: DifferenceRun,
): number {
  const already = db
    .prepare(
      "SELECT count(*) AS n FROM candidates WHERE kind = 'transient' AND frame_id = ? AND json_extract(details_json, '$.referenceHash') = ?",
    )
    .get(frameId, referenceKey) as { n: number };
  if (already.n > 0) return 0;
  const insert = db.prepare(
    "INSERT INTO candidates (kind, object_id, frame_id, source_id, score, details_json, created_at) VALUES ('transient', NULL, ?, NULL, ?, ?, ?)",
  );
  const now = Date.now();
  for (const row of transientCandidateRows(run, referenceKey)) insert.run(frameId, row.score, row.detailsJson, now);
  return run.candidates.length;
}

/**
 * The `score` and `details_json` of each candidate of a difference run as both catalogs store them: the
 * candidate with the stamp paths the curation view shows and the reference's content hash.
 */
export function transientCandidateRows(
  run: DifferenceRun,
  referenceKey: string,
): Array<{ score: number; detailsJson: string }> {
  return run.candidates.map((c) => ({
    score: c.snr,
    detailsJson: JSON.stringify({
      ...c,
      sciencePath: run.sciencePath,
      referencePath: run.alignedReferencePath ?? run.referencePath,
      differencePath: run.differencePath,
      referenceHash: referenceKey,
    }),
  }));
}

/**
 * `owb diff --db`: finds the science frame in the catalog by content hash (it must have been ingested) and
 * records the run's candidates against the reference's content hash. A rerun adds nothing.
 */
export async function recordTransientCandidates(
  catalog: Catalog,
  run: DifferenceRun,
): Promise<{ frameId: number; added: number }> {
  const scienceHash = await contentHash(run.sciencePath, statSync(run.sciencePath).size);
  const referenceHash = await contentHash(run.referencePath, statSync(run.referencePath).size);
  const frame = catalog.db.prepare('SELECT id FROM frames WHERE content_hash = ?').get(scienceHash) as
    { id: number } | undefined;
  if (!frame) {
    throw new InputError(
      'FRAME_NOT_INGESTED',
      `${run.sciencePath} is not in the catalog yet; ingest it first (owb watch … --once)`,
    );
  }
  const added = catalog.db
    .transaction(() => insertTransientCandidates(catalog.db, frame.id, referenceHash, run))
    .immediate();
  return { frameId: frame.id, added };
}
