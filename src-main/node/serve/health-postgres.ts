import type { CatalogSql } from '../catalog/catalog-sql.js';
import { latestSchemaVersion } from '../catalog/migrations/index.js';
import {
  DEFAULT_MIN_FREE_BYTES,
  checkDisk,
  checkWatcher,
  RUNNING_LEASES_SQL,
  workersVerdict,
  type RunningLeases,
  type HealthCheck,
  type HealthReport,
  type HealthSources,
} from './health-checks.js';

type PgHealthSources = Omit<HealthSources, 'db'> & { sql: CatalogSql; catalogPath: string };

/** The server accepts a committed write: the schema row rewritten with its own value, nothing changed. */
async function checkDatabase(sql: CatalogSql, name: string): Promise<HealthCheck> {
  try {
    await sql.run('UPDATE owb_schema SET version = version');
    return { name: 'database', ok: true, detail: `${name}: writable` };
  } catch (error) {
    return { name: 'database', ok: false, detail: `${name}: not writable: ${messageOf(error)}` };
  }
}

/** Workers alive, as `checkWorkers` on SQLite: no running job's lease has expired. */
async function checkWorkers(sql: CatalogSql, now: number): Promise<HealthCheck> {
  try {
    return workersVerdict((await sql.get<RunningLeases>(RUNNING_LEASES_SQL, [now])) as RunningLeases);
  } catch (error) {
    return { name: 'workers', ok: false, detail: `cannot read the job queue: ${messageOf(error)}` };
  }
}

/** `/health` on a PostgreSQL catalog: the four checks of `healthReport`. */
export async function pgHealthReport(sources: PgHealthSources): Promise<HealthReport> {
  const now = (sources.now ?? Date.now)();
  return report([
    await checkDatabase(sources.sql, sources.catalogPath),
    await checkWorkers(sources.sql, now),
    checkWatcher(sources.watch),
    checkDisk(sources.root, sources.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES, sources.freeBytes),
  ]);
}

/** `/ready` on a PostgreSQL catalog: reachable, schema of this build, writable. */
export async function pgReadinessReport(sources: PgHealthSources): Promise<HealthReport> {
  let schema: HealthCheck;
  try {
    const v = (await sources.sql.get<{ version: number }>('SELECT version FROM owb_schema'))?.version ?? 0;
    schema =
      v === latestSchemaVersion
        ? { name: 'database', ok: true, detail: `schema version ${v}` }
        : { name: 'database', ok: false, detail: `schema version ${v}, this build needs ${latestSchemaVersion}` };
  } catch (error) {
    schema = { name: 'database', ok: false, detail: `catalog not reachable: ${messageOf(error)}` };
  }
  return report(schema.ok ? [schema, await checkDatabase(sources.sql, sources.catalogPath)] : [schema]);
}

function report(checks: HealthCheck[]): HealthReport {
  const ok = checks.every((c) => c.ok);
  return { ok, status: ok ? 'ok' : 'failing', checks };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
