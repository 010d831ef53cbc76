import { existsSync } from 'node:fs';
import type { CatalogStats } from '../node/catalog/index.js';
import { CatalogCopyError, copySqliteToPostgres } from '../node/catalog/postgres/copy-catalog.js';
import { migratePostgres, redacted } from '../node/catalog/postgres/migrate.js';
import { PgCatalog } from '../node/catalog/postgres/pg-catalog.js';
import { CONNECTION_CODES } from '../node/catalog/postgres/connection.js';
import { UsageError } from './cli-errors.js';
import { catalogOption } from './db-option.js';
import { connectCatalog } from './postgres-runs.js';

/** `owb db stats --db postgres://…`. */
export async function postgresStats(url: string): Promise<CatalogStats> {
  const catalog = new PgCatalog(await connectCatalog('db stats', url, 1));
  try {
    return await catalog.stats();
  } finally {
    await catalog.close();
  }
}

/**
 * `owb db copy --from FILE --to postgres://…`: migrates the target (a no-op when it is current), copies, and
 * prints each table's row count, checked equal on both sides. Exit 2 for a problem the user fixes.
 */
export async function copyCatalog(
  from: string | undefined,
  to: string | undefined,
  json: boolean,
  out: NodeJS.WritableStream,
): Promise<number> {
  if (!from || !to) throw new UsageError('db copy: --from catalog.db and --to postgres://… are required');
  const source = catalogOption('db copy', from);
  const target = catalogOption('db copy', to);
  if (source?.kind !== 'sqlite') throw new UsageError(`db copy: --from ${from}: give a SQLite catalog file`);
  if (target?.kind !== 'postgres') throw new UsageError(`db copy: --to ${to}: give a postgres://… URL`);
  if (!existsSync(source.path)) throw new UsageError(`db copy: ${source.path}: no such catalog database`);
  try {
    await migratePostgres(target.url);
    const report = await copySqliteToPostgres(source.path, target.url);
    if (json) out.write(`${JSON.stringify(report)}\n`);
    else {
      const lines = Object.entries(report.tables).map(([t, n]) => `  ${t.padEnd(20)} ${String(n).padStart(10)}`);
      out.write(
        `copied ${source.path} → ${redacted(target.url)}: ${report.rows} rows in ${(report.ms / 1000).toFixed(1)} s, ` +
          `counts equal on both sides\n${lines.join('\n')}\n`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof CatalogCopyError) throw new UsageError(`db copy: ${error.message}`);
    const code = (error as { code?: string }).code;
    if (code && CONNECTION_CODES.has(code))
      throw new UsageError(`db copy: ${redacted(target.url)}: ${(error as Error).message || code}`);
    throw error;
  }
}
