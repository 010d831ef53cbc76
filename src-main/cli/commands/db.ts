import { existsSync } from 'node:fs';
import { Catalog } from '../../node/catalog/index.js';
import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb db stats --db FILE [--json]

Prints the catalog's row counts per table, jobs per state and the newest failed jobs with their errors.
  --db FILE   catalog database (SQLite)
  --json      one JSON object: {"tables": {...}, "jobs": {"queued", "running", "done", "failed"}, "failures": [...]}
`;

export const command: CliCommand = {
  name: 'db',
  summary: 'catalog database: row counts, jobs per state, failures (db stats)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('db', argv, { db: { type: 'string' }, json: { type: 'boolean' } });
    const [sub] = positionals;
    if (sub !== 'stats') throw new UsageError(`db: unknown subcommand '${sub ?? ''}' (expected 'stats')`);
    if (!values.db) throw new UsageError('db stats: --db FILE is required');
    if (!existsSync(values.db)) throw new UsageError(`db stats: ${values.db}: no such catalog database`);
    const catalog = Catalog.open(values.db);
    try {
      const stats = catalog.stats();
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(stats)}\n`);
        return 0;
      }
      const lines = [`catalog ${values.db} (schema v${stats.schemaVersion})`, ''];
      for (const [table, n] of Object.entries(stats.tables))
        lines.push(`  ${table.padEnd(14)} ${String(n).padStart(10)}`);
      lines.push(
        '',
        `  jobs: ${stats.jobs.queued} queued, ${stats.jobs.running} running, ${stats.jobs.done} done, ${stats.jobs.failed} failed`,
      );
      for (const f of stats.failures)
        lines.push(`  failed job ${f.jobId} (${f.path ?? 'no file'}, ${f.attempts} attempt(s)): ${f.error ?? ''}`);
      ctx.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    } finally {
      catalog.close();
    }
  },
};
