import { existsSync } from 'node:fs';
import { Catalog, type CatalogStats } from '../../node/catalog/index.js';
import { UsageError } from '../cli-errors.js';
import { catalogOption, sqliteOption } from '../db-option.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb db stats --db FILE [--json]
       owb db migrate --db FILE
       owb db retime --db FILE [--profile FILE] [--json]
       owb db copy --from catalog.db --to postgres://USER@HOST:PORT/DATABASE

stats    prints the catalog's row counts per table, jobs per state and the newest failed jobs with their errors
migrate  creates the catalog when missing and applies every pending schema migration; prints the version
retime   recomputes every frame's times from its header (the file when still there, else the header stored at
         ingest): mid-exposure MJD (UTC), start, exposure, BJD_TDB, the keywords used and why a time is missing;
         measurements and objects take the new times. For catalogs ingested before times came from core/time.
         The observatory is the header's (coordinates, else a known OBSERVAT), else the profile's site.
copy     moves a SQLite catalog into an empty PostgreSQL database (migrated first when it is new): every table
         by COPY in one transaction, then each table's row count compared with the source's. Exit 2, with
         nothing left in the target, when the target already holds rows or a count does not match.

  --db FILE   catalog database: a SQLite file or file:PATH [OWB_DB]; db migrate and db stats also take
              postgres://USER@HOST:PORT/DATABASE (PostgreSQL ≥ 15 with Q3C); other URL schemes exit 2
  --profile FILE  retime: the YAML/JSON profile whose 'site' serves frames whose headers name no observatory
  --json      one JSON object: {"tables": {...}, "jobs": {"queued", "running", "done", "failed"}, "failures": [...]}
              (retime: {"frames", "fromFile", "withTime", "withBjdTdb", "changed"})
`;

export const command: CliCommand = {
  name: 'db',
  summary: 'catalog database: row counts, jobs, failures (db stats); schema (db migrate); frame times (db retime)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('db', argv, {
      db: { type: 'string' },
      json: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      profile: { type: 'string' },
    });
    const [sub] = positionals;
    if (values.profile !== undefined && sub !== 'retime')
      throw new UsageError(`db ${sub ?? ''}: --profile is for db retime only`);
    if (sub === 'migrate') return await migrateCatalog(values.db, ctx.stdout);
    if (sub === 'copy') {
      const { copyCatalog } = await import('../db-copy.js');
      return await copyCatalog(values.from, values.to, values.json === true, ctx.stdout);
    }
    if (sub !== 'stats' && sub !== 'retime')
      throw new UsageError(`db: unknown subcommand '${sub ?? ''}' (expected 'stats', 'migrate', 'retime' or 'copy')`);
    const location = sub === 'stats' ? catalogOption('db stats', values.db) : undefined;
    if (location?.kind === 'postgres') {
      const { postgresStats } = await import('../db-copy.js');
      return printStats(await postgresStats(location.url), location.url, values.json === true, ctx.stdout);
    }
    const db = sqliteOption(`db ${sub}`, values.db);
    if (!db) throw new UsageError(`db ${sub}: --db FILE is required`);
    if (!existsSync(db)) throw new UsageError(`db ${sub}: ${db}: no such catalog database`);
    const catalog = Catalog.open(db);
    try {
      if (sub === 'retime') {
        const { retimeFrames } = await import('../../node/pipeline/retime.js');
        const { loadProfile } = await import('../../node/pipeline/profile.js');
        const { profileSite } = await import('../../node/pipeline/frame-meta.js');
        const site = values.profile === undefined ? undefined : profileSite(loadProfile(values.profile).site);
        const s = await retimeFrames(catalog.db, { site });
        ctx.stdout.write(
          values.json
            ? `${JSON.stringify(s)}\n`
            : `retimed ${s.frames} frames (${s.fromFile} from their files): ${s.withTime} with a time, ` +
                `${s.withBjdTdb} with BJD_TDB, ${s.changed} moved by more than 1 ms\n`,
        );
        return 0;
      }
      return printStats(catalog.stats(), db, values.json === true, ctx.stdout);
    } finally {
      catalog.close();
    }
  },
};

function printStats(stats: CatalogStats, db: string, json: boolean, out: NodeJS.WritableStream): number {
  if (json) {
    out.write(`${JSON.stringify(stats)}\n`);
    return 0;
  }
  const lines = [`catalog ${db} (schema v${stats.schemaVersion})`, ''];
  for (const [table, n] of Object.entries(stats.tables)) lines.push(`  ${table.padEnd(14)} ${String(n).padStart(10)}`);
  lines.push(
    '',
    `  jobs: ${stats.jobs.queued} queued, ${stats.jobs.running} running, ${stats.jobs.done} done, ${stats.jobs.failed} failed`,
  );
  for (const f of stats.failures)
    lines.push(`  failed job ${f.jobId} (${f.path ?? 'no file'}, ${f.attempts} attempt(s)): ${f.error ?? ''}`);
  out.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Connection problems a user fixes (server down, wrong host, password or database name): exit 2. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', '28P01', '28000', '3D000']);

/**
 * `owb db migrate`: opening a SQLite catalog applies its pending migrations in one transaction; a
 * PostgreSQL catalog gets the same migrations translated (`postgres/schema.ts`) with Q3C indexes.
 */
async function migrateCatalog(raw: string | undefined, out: NodeJS.WritableStream): Promise<number> {
  const location = catalogOption('db migrate', raw);
  if (!location) throw new UsageError('db migrate: --db FILE (or postgres://…) is required');
  if (location.kind === 'postgres') {
    const { migratePostgres, redacted } = await import('../../node/catalog/postgres/migrate.js');
    let version: number;
    try {
      version = await migratePostgres(location.url);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && CONNECTION_CODES.has(code))
        throw new UsageError(`db migrate: ${redacted(location.url)}: ${(error as Error).message || code}`);
      throw error;
    }
    out.write(`catalog ${redacted(location.url)}: schema v${version}\n`);
    return 0;
  }
  const db = location.path;
  const catalog = Catalog.open(db);
  try {
    out.write(`catalog ${db}: schema v${catalog.stats().schemaVersion}\n`);
    return 0;
  } finally {
    catalog.close();
  }
}
