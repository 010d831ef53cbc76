import { existsSync } from 'node:fs';
import { Catalog } from '../../node/catalog/index.js';
import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb db stats --db FILE [--json]
       owb db retime --db FILE [--json]

stats   prints the catalog's row counts per table, jobs per state and the newest failed jobs with their errors.
retime  recomputes every frame's times from its header (the file when still there, else the header stored at
        ingest): mid-exposure MJD (UTC), start, exposure, BJD_TDB, the keywords used and why a time is missing;
        measurements and objects take the new times. For catalogs ingested before times came from core/time.
  --db FILE   catalog database (SQLite)
  --json      one JSON object: {"tables": {...}, "jobs": {"queued", "running", "done", "failed"}, "failures": [...]}
              (retime: {"frames", "fromFile", "withTime", "withBjdTdb", "changed"})
`;

export const command: CliCommand = {
  name: 'db',
  summary: 'catalog database: row counts, jobs per state, failures (db stats); recompute frame times (db retime)',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('db', argv, { db: { type: 'string' }, json: { type: 'boolean' } });
    const [sub] = positionals;
    if (sub !== 'stats' && sub !== 'retime')
      throw new UsageError(`db: unknown subcommand '${sub ?? ''}' (expected 'stats' or 'retime')`);
    if (!values.db) throw new UsageError(`db ${sub}: --db FILE is required`);
    if (!existsSync(values.db)) throw new UsageError(`db ${sub}: ${values.db}: no such catalog database`);
    const catalog = Catalog.open(values.db);
    try {
      if (sub === 'retime') {
        const { retimeFrames } = await import('../../node/pipeline/retime.js');
        const s = await retimeFrames(catalog.db);
        ctx.stdout.write(
          values.json
            ? `${JSON.stringify(s)}\n`
            : `retimed ${s.frames} frames (${s.fromFile} from their files): ${s.withTime} with a time, ` +
                `${s.withBjdTdb} with BJD_TDB, ${s.changed} moved by more than 1 ms\n`,
        );
        return 0;
      }
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
