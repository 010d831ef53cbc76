import { existsSync, statSync } from 'node:fs';
import { Catalog } from '../../node/catalog/index.js';
import { mjdFromDateObs } from '../../node/pipeline/frame-meta.js';
import { defaultProfile, loadProfile } from '../../node/pipeline/profile.js';
import { WatchService } from '../../node/watch/index.js';
import { UsageError } from '../cli-errors.js';
import { catalogOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb process [DIR...] --db FILE --since T --until T [--profile FILE] [--threads N]

Processes one batch by observation time: the frames observed between --since and --until (inclusive,
UTC; DATE-OBS or MJD-OBS of the frame). With folders, their files are first ingested into the catalog
(as 'owb watch --once' does); frames outside the window stay queued for another batch. Without folders,
the frames already in the catalog are processed. Frames without an observation time belong to no window.

  --db FILE        catalog database (created when missing), or postgres://… (migrated; shared by any number
                   of processes at once) [OWB_DB]
  --since T        start: an ISO date or date-time in UTC (2024-03-15, 2024-03-15T20:00:00) or an MJD
  --until T        end, the same forms; a bare date means the end of that day
  --profile FILE   YAML profile [default]
  --threads N      worker threads [cores - 1, at least 1]

Prints the jobs of the window by state. Exit code: 0, or 3 when some of them failed.
`;

export const command: CliCommand = {
  name: 'process',
  summary: 'process a batch of frames by observation time (--since/--until) from a catalog or folders',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('process', argv, {
      db: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      profile: { type: 'string' },
      threads: { type: 'string' },
    });
    const location = catalogOption('process', values.db);
    if (!location) throw new UsageError('process: --db FILE is required');
    if (values.since === undefined || values.until === undefined)
      throw new UsageError('process: --since T and --until T are required');
    const since = parseTime('since', values.since, false);
    const until = parseTime('until', values.until, true);
    if (!(since <= until)) throw new UsageError(`process: --since ${values.since} is after --until ${values.until}`);
    for (const dir of positionals)
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`process: ${dir}: not a folder`);
    const threads = values.threads === undefined ? undefined : numberOption('threads', values.threads, 1);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
      throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
    const profile = values.profile ? loadProfile(values.profile) : defaultProfile();
    if (location.kind === 'postgres') {
      const { runOnceOnPostgres } = await import('../postgres-runs.js');
      return runOnceOnPostgres(
        'process',
        location.url,
        { dirs: positionals, profile, threads, once: true, mjdWindow: [since, until] },
        ctx,
        async (pool) => {
          const { rows } = await pool.query<{ state: string; n: number }>(
            `SELECT j.state AS state, count(*) AS n FROM jobs j JOIN frames f ON f.id = j.frame_id
              WHERE j.kind = 'process-frame' AND f.mjd BETWEEN $1 AND $2 GROUP BY j.state`,
            [since, until],
          );
          return windowReport(rows, since, until, ctx.stdout);
        },
      );
    }
    const db = location.path;
    if (positionals.length === 0 && !existsSync(db))
      throw new UsageError(`process: ${db}: no such catalog (give folders to ingest from)`);
    const catalog = Catalog.open(db);
    const service = new WatchService({
      catalog,
      dirs: positionals,
      profile,
      threads,
      once: true,
      mjdWindow: [since, until],
    });
    try {
      await service.runOnce();
      await service.stop();
      const rows = catalog.db
        .prepare(
          `SELECT j.state AS state, count(*) AS n FROM jobs j JOIN frames f ON f.id = j.frame_id
            WHERE j.kind = 'process-frame' AND f.mjd BETWEEN ? AND ? GROUP BY j.state`,
        )
        .all(since, until) as Array<{ state: string; n: number }>;
      return windowReport(rows, since, until, ctx.stdout);
    } finally {
      await service.stop();
      catalog.close();
    }
  },
};

/** Prints the window's jobs by state; exit code 3 when some failed. */
function windowReport(
  rows: Array<{ state: string; n: number }>,
  since: number,
  until: number,
  out: NodeJS.WritableStream,
): number {
  const n = (state: string): number => rows.find((r) => r.state === state)?.n ?? 0;
  out.write(
    `window MJD ${since.toFixed(5)}–${until.toFixed(5)}: done ${n('done')}, failed ${n('failed')}, ` +
      `queued ${n('queued')}, running ${n('running')}\n`,
  );
  return n('failed') > 0 ? 3 : 0;
}

/**
 * MJD (UTC) of `--since`/`--until`: a number is an MJD; a bare date is its start (or, for `--until`, its end);
 * a date-time may end in Z or a UTC offset (+hh:mm). Dates go through core/time's FITS date parser.
 */
function parseTime(option: string, text: string, endOfDay: boolean): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(t);
  const m = /^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)(Z|([+-])(\d{2}):?(\d{2}))?$/.exec(t);
  const local = m ? mjdFromDateObs(m[1].replace(' ', 'T')) : undefined;
  const offsetDays = m?.[3] ? ((m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]))) / 1440 : 0;
  const mjd = local === undefined ? undefined : local - offsetDays;
  if (mjd === undefined || !Number.isFinite(mjd))
    throw new UsageError(`--${option} must be an ISO date or date-time (UTC) or an MJD, got '${text}'`);
  return dateOnly && endOfDay ? mjd + 1 - 1e-9 : mjd;
}
