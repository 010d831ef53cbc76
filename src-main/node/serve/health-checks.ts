import { statfsSync } from 'node:fs';
import type { SqliteDatabase } from '../catalog/database.js';
import { latestSchemaVersion } from '../catalog/migrations/index.js';

/** One check of `/health`. */
export interface HealthCheck {
  name: 'database' | 'workers' | 'watcher' | 'disk';
  ok: boolean;
  /** What was found, in words (shown to whoever looks at a failing probe). */
  detail: string;
}

/** `/health` and `/ready` answers: `ok` false makes the route answer 503. */
export interface HealthReport {
  ok: boolean;
  status: 'ok' | 'failing';
  checks: HealthCheck[];
}

/** The state of one watched folder's service, as a watcher port reports it. */
export interface WatcherState {
  path: string;
  paused: boolean;
  running: boolean;
  /** Why it is not running, when known. */
  error?: string;
}

/** What the checks look at. */
export interface HealthSources {
  db: SqliteDatabase;
  /** The workspace folder (disk space is measured on its file system). */
  root: string;
  /** The watched-folder service, if this process runs one; a port without `status()` is not checked. */
  watch?: unknown;
  /** Free space below which the disk check fails, bytes [512 MiB]. */
  minFreeBytes?: number;
  /** Free bytes of the file system holding `dir` [statfs]; for tests. */
  freeBytes?: (dir: string) => number;
  /** Clock, ms since the epoch [Date.now]. */
  now?: () => number;
}

export const DEFAULT_MIN_FREE_BYTES = 512 * 1024 * 1024;

/**
 * The database accepts a committed write: `user_version` rewritten with its own value in an immediate
 * transaction, which needs the write lock and a commit (read-only file, full disk, a lock held for longer
 * than the busy timeout all fail it) without changing anything.
 */
export function checkDatabase(db: SqliteDatabase): HealthCheck {
  try {
    db.transaction(() => {
      const v = db.pragma('user_version', { simple: true }) as number;
      db.pragma(`user_version = ${Math.trunc(v)}`);
    }).immediate();
    return { name: 'database', ok: true, detail: `${db.name}: writable` };
  } catch (error) {
    return { name: 'database', ok: false, detail: `${db.name}: not writable: ${messageOf(error)}` };
  }
}

/**
 * Workers alive: every running job's lease is being renewed. A worker that died or hangs stops renewing,
 * so a running job whose lease has expired means a lost worker (the queue will re-lease it, but someone
 * should know).
 */
/** Running jobs and how many of them have a lease expired before `?` (the time now); either engine. */
export const RUNNING_LEASES_SQL = `SELECT count(*) AS n, sum(CASE WHEN lease_expires_at < ? THEN 1 ELSE 0 END) AS expired FROM jobs WHERE state = 'running'`;

export interface RunningLeases {
  n: number;
  expired: number | null;
}

/** The workers check from the running leases: failing while any has expired. */
export function workersVerdict(row: RunningLeases): HealthCheck {
  const expired = row.expired ?? 0;
  if (expired > 0)
    return {
      name: 'workers',
      ok: false,
      detail: `${expired} of ${row.n} running job(s) have an expired lease: their worker died or hangs`,
    };
  return { name: 'workers', ok: true, detail: `${row.n} running job(s), every lease renewed` };
}

export function checkWorkers(db: SqliteDatabase, now: number): HealthCheck {
  try {
    return workersVerdict(db.prepare(RUNNING_LEASES_SQL).get(now) as RunningLeases);
  } catch (error) {
    return { name: 'workers', ok: false, detail: `cannot read the job queue: ${messageOf(error)}` };
  }
}

/** Watcher running: every watched folder that is not paused has its service running. */
export function checkWatcher(watch: unknown): HealthCheck {
  const port = watch as { status?: () => WatcherState[] } | null | undefined;
  if (!port) return { name: 'watcher', ok: true, detail: 'no watched-folder service in this process' };
  if (typeof port.status !== 'function')
    return { name: 'watcher', ok: true, detail: 'the watcher service reports no status' };
  let states: WatcherState[];
  try {
    states = port.status();
  } catch (error) {
    return { name: 'watcher', ok: false, detail: `watcher status unavailable: ${messageOf(error)}` };
  }
  // A folder the watcher marked failed (loop, deleted, permission denied) is down even if its service runs.
  const failed = new Map<string, string>();
  try {
    const listed = (watch as { list?: () => Array<{ path: string; state?: string; reason?: string | null }> }).list?.();
    for (const f of listed ?? []) if (f.state === 'failed') failed.set(f.path, f.reason ?? 'failed');
  } catch {
    // status() above already answered; the list only adds reasons.
  }
  const down = states.filter((s) => !s.paused && (!s.running || failed.has(s.path)));
  for (const s of down) if (failed.has(s.path)) s.error = failed.get(s.path);
  if (down.length > 0)
    return {
      name: 'watcher',
      ok: false,
      detail: down.map((s) => `${s.path}: not running${s.error ? ` (${s.error})` : ''}`).join('; '),
    };
  const active = states.filter((s) => !s.paused).length;
  return { name: 'watcher', ok: true, detail: `${active} watched folder(s) running, ${states.length - active} paused` };
}

/** Disk space: the workspace's file system has at least `minFreeBytes` available to us. */
export function checkDisk(root: string, minFreeBytes: number, freeBytes = statfsFree): HealthCheck {
  try {
    const free = freeBytes(root);
    const mib = (b: number): string => `${Math.floor(b / 1024 / 1024)} MiB`;
    return free >= minFreeBytes
      ? { name: 'disk', ok: true, detail: `${mib(free)} free (minimum ${mib(minFreeBytes)})` }
      : { name: 'disk', ok: false, detail: `only ${mib(free)} free on ${root} (minimum ${mib(minFreeBytes)})` };
  } catch (error) {
    return { name: 'disk', ok: false, detail: `${root}: cannot measure free space: ${messageOf(error)}` };
  }
}

/** `/health`: all four checks; failing as soon as one fails. */
export function healthReport(sources: HealthSources): HealthReport {
  const now = (sources.now ?? Date.now)();
  return report([
    checkDatabase(sources.db),
    checkWorkers(sources.db, now),
    checkWatcher(sources.watch),
    checkDisk(sources.root, sources.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES, sources.freeBytes),
  ]);
}

/**
 * `/ready`: whether this process can take work now: the catalog is open, its schema is the one this build
 * knows, and it accepts writes. (A live process can be unready, e.g. while another process migrates.)
 */
export function readinessReport(sources: HealthSources): HealthReport {
  let schema: HealthCheck;
  try {
    const v = sources.db.pragma('user_version', { simple: true }) as number;
    schema =
      v === latestSchemaVersion
        ? { name: 'database', ok: true, detail: `schema version ${v}` }
        : { name: 'database', ok: false, detail: `schema version ${v}, this build needs ${latestSchemaVersion}` };
  } catch (error) {
    schema = { name: 'database', ok: false, detail: `catalog not open: ${messageOf(error)}` };
  }
  return report(schema.ok ? [schema, checkDatabase(sources.db)] : [schema]);
}

function report(checks: HealthCheck[]): HealthReport {
  const ok = checks.every((c) => c.ok);
  return { ok, status: ok ? 'ok' : 'failing', checks };
}

function statfsFree(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
