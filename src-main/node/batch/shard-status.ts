import type { SqliteDatabase } from '../catalog/index.js';
import type { BatchPlan } from './plan.js';
import { join } from 'node:path';

/** Progress of one shard, counted over its files. */
export interface ShardProgress {
  shard: number;
  files: number;
  /** Not in the catalog yet (the shard has not reached them, or they could not be read). */
  missing: number;
  /** In the catalog without a frame job (calibration frames filed as masters, for example). */
  noJob: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
}

/**
 * Reads a plan's progress from the catalog: for every planned file, whether the catalog has seen it
 * (`frame_paths`) and the state of its frame's `process-frame` job. One query for the whole plan.
 */
export function planProgress(db: SqliteDatabase, plan: BatchPlan): ShardProgress[] {
  const shards: ShardProgress[] = Array.from({ length: plan.shards }, (_, shard) => ({
    shard,
    files: 0,
    missing: 0,
    noJob: 0,
    queued: 0,
    running: 0,
    done: 0,
    failed: 0,
  }));
  const paths = plan.files.map((f) => join(plan.root, ...f.path.split('/')));
  const rows = db
    .prepare(
      `SELECT p.key AS i, fp.frame_id AS frameId,
              (SELECT j.state FROM jobs j WHERE j.frame_id = fp.frame_id AND j.kind = 'process-frame'
                ORDER BY j.id DESC LIMIT 1) AS state
         FROM json_each(?) p LEFT JOIN frame_paths fp ON fp.path = p.value`,
    )
    .all(JSON.stringify(paths)) as Array<{ i: number; frameId: number | null; state: string | null }>;
  for (const r of rows) {
    const s = shards[plan.files[r.i].shard];
    s.files++;
    if (r.frameId === null) s.missing++;
    else if (r.state === 'queued' || r.state === 'running' || r.state === 'done' || r.state === 'failed') s[r.state]++;
    else s.noJob++;
  }
  return shards;
}
