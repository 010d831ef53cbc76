import type pg from 'pg';
import type { BatchPlan, ShardProgress } from '../node/batch/index.js';
import { openCatalogPool, PostgresCatalogError } from '../node/catalog/postgres/connection.js';
import type { PgJobCommit } from '../node/catalog/postgres/job-queue.js';
import { postgresWatchBackend } from '../node/watch/pg-watch-service.js';
import { WatchService, type WatchServiceOptions, type WatchStatus } from '../node/watch/index.js';
import { UsageError } from './cli-errors.js';
import type { CliContext } from './command.js';

/** A pool on a migrated PostgreSQL catalog; problems a user fixes (unreachable, not migrated) exit 2. */
export async function connectCatalog(command: string, url: string, max = 4): Promise<pg.Pool> {
  try {
    return await openCatalogPool(url, max);
  } catch (error) {
    if (error instanceof PostgresCatalogError) throw new UsageError(`${command}: --db ${error.message}`);
    throw error;
  }
}

/** The watch service on a PostgreSQL catalog. */
export type PgWatchService = WatchService<PgJobCommit>;

/** Options of a watch service on PostgreSQL: those of `WatchService` but the catalog, which is the pool's. */
export type PgWatchOptions = Omit<WatchServiceOptions<PgJobCommit>, 'catalog'>;

/** A watch service on the catalog of `pool`. */
export function pgWatchService(command: string, pool: pg.Pool, options: PgWatchOptions): PgWatchService {
  return new WatchService({ ...options, catalog: postgresWatchBackend(pool) });
}

/**
 * `owb watch --once`, `owb process` and `owb batch run` on a PostgreSQL catalog: ingest, then run the jobs
 * (with any number of other such processes on the same catalog), and report what stderr should say.
 */
export async function runOnceOnPostgres(
  command: string,
  url: string,
  options: PgWatchOptions,
  ctx: CliContext,
  report: (pool: pg.Pool, final: WatchStatus, service: PgWatchService) => Promise<number>,
): Promise<number> {
  const pool = await connectCatalog(command, url, 8);
  let service: PgWatchService;
  try {
    service = pgWatchService(command, pool, options);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let refused = 0;
  service.onDidGiveUp((e) => {
    if (e.badChecksum) refused++;
    ctx.stderr.write(`owb: ${command}: ${e.path}: ${e.badChecksum ? 'refused' : 'gave up'}: ${e.reason}\n`);
  });
  service.onDidIngest((e) => {
    if (e.checksumProblems)
      ctx.stderr.write(`owb: ${command}: warning: ${e.path}: ${e.checksumProblems.join('; ')} (frame flagged)\n`);
  });
  service.onDidChangeJob((e) => {
    if (e.state === 'failed' && ctx.verbose) ctx.stderr.write(`owb: job ${e.jobId} failed: ${e.error ?? ''}\n`);
  });
  try {
    const final = await service.runOnce();
    await service.stop();
    for (const f of service.folders())
      for (const sub of f.unreadable) ctx.stderr.write(`owb: ${command}: ${f.path}: skipped ${sub}\n`);
    const code = await report(pool, final, service);
    return refused > 0 ? 2 : code;
  } finally {
    await service.stop({ cancel: true });
    await pool.end();
  }
}

/** Progress of a plan's shards on a PostgreSQL catalog. */
export async function planProgressOnPostgres(command: string, url: string, plan: BatchPlan): Promise<ShardProgress[]> {
  const { planProgressPg } = await import('../node/batch/pg-shard-status.js');
  const pool = await connectCatalog(command, url, 1);
  try {
    return await planProgressPg(pool, plan);
  } finally {
    await pool.end();
  }
}
