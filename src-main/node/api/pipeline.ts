import { InputError } from '../../../src-workers/core/errors.js';
import type { MasterRow, WatchedFolder } from '../../common/workbench-dto.js';
import type { HandlerGroup } from './handler-types.js';
import { iso, jobFromRow, type JobDbRow } from './rows.js';
import type { WorkbenchServices } from './services.js';

type PipelineKeys =
  | 'owb:jobs.list'
  | 'owb:jobs.retry'
  | 'owb:pipeline.stats'
  | 'owb:watch.list'
  | 'owb:watch.add'
  | 'owb:watch.remove'
  | 'owb:watch.setPaused'
  | 'owb:watch.profiles'
  | 'owb:masters.list';

/** Watched folders are owned by `node/watch`; the workbench reaches them through this port when present. */
export interface WatchPort {
  list(): WatchedFolder[];
  /** Adds a folder inside the workspace, or outside it when `allowOutside` (an explicit user action). */
  add(path: string, profile: string, options?: { allowOutside?: boolean }): WatchedFolder;
  remove(id: number): boolean;
  setPaused(id: number, paused: boolean): WatchedFolder;
  profiles(): string[];
}

const JOB_SELECT = 'SELECT j.*, f.path AS path FROM jobs j LEFT JOIN frames f ON f.id = j.frame_id';

function watchPort(services: WorkbenchServices): WatchPort {
  if (!services.watch)
    throw new InputError('UNAVAILABLE', 'watched folders are not available in this workspace (no watcher service)');
  return services.watch;
}

export const pipelineHandlers: HandlerGroup<PipelineKeys> = (services) => ({
  'owb:jobs.list': ({ limit }) => {
    const rows = services.db
      .prepare(
        `${JOB_SELECT} ORDER BY CASE j.state WHEN 'running' THEN 0 WHEN 'queued' THEN 1 WHEN 'failed' THEN 2 ELSE 3 END, j.id DESC LIMIT ?`,
      )
      .all(limit ?? 500) as JobDbRow[];
    return rows.map(jobFromRow);
  },

  'owb:jobs.retry': ({ jobId }) => {
    const info = services.db
      .prepare(
        "UPDATE jobs SET state = 'queued', attempts = 0, error = NULL, error_code = NULL, not_before = 0, lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND state = 'failed'",
      )
      .run(jobId);
    const row = services.db.prepare(`${JOB_SELECT} WHERE j.id = ?`).get(jobId) as JobDbRow | undefined;
    if (!row) throw new InputError('NOT_FOUND', `job ${jobId} does not exist`);
    if (info.changes === 0)
      throw new InputError('NOT_FAILED', `job ${jobId} is ${row.state}; only failed jobs can be retried`);
    const job = jobFromRow(row);
    services.events.emit('owb:jobs.changed', job);
    return job;
  },

  'owb:pipeline.stats': () => {
    const byState: Record<string, number> = {};
    for (const r of services.db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as Array<{
      state: string;
      n: number;
    }>)
      byState[r.state] = r.n;
    const since = Date.now() - 10 * 60_000;
    const recent = services.db
      .prepare(
        "SELECT finished_at - started_at AS ms FROM jobs WHERE state = 'done' AND finished_at >= ? AND started_at IS NOT NULL ORDER BY ms",
      )
      .all(since) as Array<{ ms: number }>;
    return {
      jobsByState: byState,
      framesPerMinute: recent.length / 10,
      medianLatencySec: recent.length ? recent[Math.floor(recent.length / 2)].ms / 1000 : null,
    };
  },

  'owb:watch.list': () => (services.watch ? services.watch.list() : []),
  'owb:watch.add': ({ path, profile, allowOutside }) => {
    const folder = watchPort(services).add(path, profile, { allowOutside });
    return folder;
  },
  'owb:watch.remove': ({ id }) => ({ removed: watchPort(services).remove(id) }),
  'owb:watch.setPaused': ({ id, paused }) => watchPort(services).setPaused(id, paused),
  'owb:watch.profiles': () => (services.watch ? services.watch.profiles() : []),

  'owb:masters.list': () => {
    const rows = services.db
      .prepare(
        'SELECT id, kind, filter, exposure_sec, path, built_at, created_at FROM masters ORDER BY kind, filter, exposure_sec',
      )
      .all() as Array<{
      id: number;
      kind: string;
      filter: string | null;
      exposure_sec: number | null;
      path: string | null;
      built_at: number | null;
      created_at: number;
    }>;
    return rows.map((r): MasterRow => ({
      id: r.id,
      kind: r.kind,
      filter: r.filter,
      exposureSec: r.exposure_sec,
      path: r.path ?? '',
      createdAt: iso(r.built_at ?? r.created_at),
    }));
  },
});
