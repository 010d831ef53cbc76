import { join } from 'node:path';
import type pg from 'pg';
import type { BatchPlan } from './plan.js';
import type { ShardProgress } from './shard-status.js';

/** `planProgress` on a PostgreSQL catalog: one query for the whole plan. */
export async function planProgressPg(pool: pg.Pool, plan: BatchPlan): Promise<ShardProgress[]> {
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
  const { rows } = await pool.query<{ i: number; frameId: number | null; state: string | null }>(
    `SELECT p.i - 1 AS i, fp.frame_id AS "frameId",
            (SELECT j.state FROM jobs j WHERE j.frame_id = fp.frame_id AND j.kind = 'process-frame'
              ORDER BY j.id DESC LIMIT 1) AS state
       FROM unnest($1::text[]) WITH ORDINALITY AS p(path, i) LEFT JOIN frame_paths fp ON fp.path = p.path`,
    [paths],
  );
  for (const r of rows) {
    const s = shards[plan.files[r.i].shard];
    s.files++;
    if (r.frameId === null) s.missing++;
    else if (r.state === 'queued' || r.state === 'running' || r.state === 'done' || r.state === 'failed') s[r.state]++;
    else s.noJob++;
  }
  return shards;
}
