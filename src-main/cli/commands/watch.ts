import { existsSync, statSync } from 'node:fs';
import { Catalog } from '../../node/catalog/index.js';
import { defaultProfile, loadProfile } from '../../node/pipeline/profile.js';
import { WatchService, type WatchStatus } from '../../node/watch/index.js';
import { UsageError } from '../cli-errors.js';
import { catalogOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand, type CliContext } from '../command.js';

const usage = `
Usage: owb watch DIR... --db FILE [--profile FILE] [--once] [--strict] [--threads N]

Watches folders for new frames and processes each one exactly once into the catalog. Files are taken when
complete (size stable, FITS data all there); hidden and temporary files are ignored; the same content under
another name is one frame. Files that arrived while the workbench was not running are found at start.

  --db FILE        catalog database (created when missing), or postgres://USER@HOST:PORT/DATABASE (migrated
                   by 'owb db migrate'; any number of watchers on any hosts may share it) [OWB_DB]
  --profile FILE   YAML profile: steps (calibrate, detect, photometry, liveStack), patterns, outputs
                   [default: ingest every FITS frame, file calibration frames, detect and measure lights]
  --once           process what is there now, then exit (a half-copied FITS fails and an empty file is
                   reported instead of waiting; a file still changing is given up on after the profile's
                   stability.giveUpMs)
  --strict         refuse FITS files whose CHECKSUM or DATASUM does not match (not ingested; with --once
                   the exit code is 2). Without it such a frame is ingested, flagged bad in the catalog
                   (frames.checksum_state, the Frames view) and warned about
  --threads N      worker threads [cores - 1, at least 1]

A folder that fails while watched (deleted, permission denied, a symbolic-link loop) is reported on stderr
and the other folders keep running. Files given up on (empty, never complete, unreadable) are reported too.
Ctrl-C stops taking files and lets running jobs finish; a second Ctrl-C cancels them (they stay queued).
Exit code: 0; with --once, 2 when --strict refused a file, else 3 when some jobs failed, files were given
up on or a folder failed (see 'owb db stats').
`;

export const command: CliCommand = {
  name: 'watch',
  summary: 'watch folders and process every new frame exactly once into the catalog',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('watch', argv, {
      db: { type: 'string' },
      profile: { type: 'string' },
      once: { type: 'boolean' },
      strict: { type: 'boolean' },
      threads: { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('watch: give at least one folder to watch');
    const location = catalogOption('watch', values.db);
    if (!location) throw new UsageError('watch: --db FILE is required');
    for (const dir of positionals) {
      if (!existsSync(dir)) throw new UsageError(`watch: ${dir}: no such folder`);
      if (!statSync(dir).isDirectory()) throw new UsageError(`watch: ${dir}: not a folder`);
    }
    const threads = values.threads === undefined ? undefined : numberOption('threads', values.threads, 1);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
      throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
    const profile = values.profile ? loadProfile(values.profile) : defaultProfile();
    if (location.kind === 'postgres') {
      const pgRuns = await import('../postgres-runs.js');
      const options = { dirs: positionals, profile, threads, once: values.once, strictChecksums: values.strict };
      if (values.once)
        return pgRuns.runOnceOnPostgres('watch', location.url, options, ctx, async (_pool, final, service) => {
          ctx.stdout.write(`${summary(final)}\n`);
          const skipped = service.folders().some((f) => f.unreadable.length > 0);
          return final.failed > 0 || final.gaveUpFiles > 0 || final.failedFolders > 0 || skipped ? 3 : 0;
        });
      const pool = await pgRuns.connectCatalog('watch', location.url, 8);
      try {
        const service = pgRuns.pgWatchService('watch', pool, options);
        reportEvents(service, ctx);
        try {
          return await watchUntilStopped(service, ctx, positionals, profile.name);
        } finally {
          await service.stop({ cancel: true });
        }
      } finally {
        await pool.end();
      }
    }
    const db = location.path;
    const catalog = Catalog.open(db);
    const service = new WatchService({
      catalog,
      dirs: positionals,
      profile,
      threads,
      once: values.once,
      strictChecksums: values.strict,
    });
    const messages = reportEvents(service, ctx);
    const line = statusLine(ctx);
    try {
      if (values.once) {
        const timer = setInterval(() => line.draw(service.status()), 200);
        let final: WatchStatus;
        try {
          final = await service.runOnce();
        } finally {
          clearInterval(timer);
        }
        await service.stop();
        line.clear();
        for (const f of service.folders())
          for (const sub of f.unreadable) ctx.stderr.write(`owb: watch: ${f.path}: skipped ${sub}\n`);
        ctx.stdout.write(`${summary(final)}\n`);
        const skipped = service.folders().some((f) => f.unreadable.length > 0);
        if (messages.refused > 0) return 2; // --strict: bad input, named on the lines above
        return final.failed > 0 || final.gaveUpFiles > 0 || final.failedFolders > 0 || skipped ? 3 : 0;
      }
      return await watchUntilStopped(service, ctx, positionals, profile.name);
    } finally {
      await service.stop();
      catalog.close();
    }
  },
};

/** Writes what the service reports to stderr; `refused` counts the files --strict refused. */
function reportEvents<C>(service: WatchService<C>, ctx: CliContext): { refused: number } {
  const counts = { refused: 0 };
  service.onDidFailFolder((f) => ctx.stderr.write(`owb: watch: folder failed: ${f.reason ?? f.path}\n`));
  service.onDidGiveUp((e) => {
    if (e.badChecksum) counts.refused++;
    ctx.stderr.write(`owb: watch: ${e.path}: ${e.badChecksum ? 'refused' : 'gave up'}: ${e.reason}\n`);
  });
  service.onDidIngest((e) => {
    if (e.checksumProblems)
      ctx.stderr.write(
        `owb: watch: warning: ${e.path}: ${e.checksumProblems.join('; ')} (frame flagged; --strict refuses it)\n`,
      );
  });
  service.onDidChangeJob((e) => {
    if (e.state === 'failed' && ctx.verbose) ctx.stderr.write(`owb: job ${e.jobId} failed: ${e.error ?? ''}\n`);
  });
  return counts;
}

/**
 * Watches until SIGINT or SIGTERM: the first drains (running jobs finish), a second cancels them (they stay
 * queued). A catalog lost while watching (the PostgreSQL server went away) stops the watch with exit 1.
 */
async function watchUntilStopped<C>(
  service: WatchService<C>,
  ctx: CliContext,
  dirs: readonly string[],
  profileName: string,
): Promise<number> {
  const line = statusLine(ctx);
  let lost: Error | undefined;
  await service.start();
  if (!ctx.interactive) ctx.stdout.write(`watching ${dirs.join(', ')} (profile ${profileName}); Ctrl-C to stop\n`);
  const timer = setInterval(() => line.draw(service.status()), 250);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      signals++;
      if (signals === 1) {
        line.clear();
        ctx.stderr.write('owb: draining: letting running jobs finish (Ctrl-C again to cancel them)\n');
        void service.stop().then(resolve);
      } else {
        void service.stop({ cancel: true }).then(resolve);
        void service.runner.drain({ cancel: true });
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    service.runner.onDidFail((error) => {
      lost = error;
      void service.stop({ cancel: true }).then(resolve, resolve);
    });
  });
  clearInterval(timer);
  line.clear();
  if (lost) {
    ctx.stderr.write(`owb: watch: the catalog failed, stopped watching: ${lost.message}\n`);
    return 1;
  }
  ctx.stdout.write(`${summary(await service.currentStatus())}\n`);
  return 0;
}

function summary(s: WatchStatus): string {
  const extra =
    (s.gaveUpFiles ? `, files given up ${s.gaveUpFiles}` : '') +
    (s.failedFolders ? `, folders failed ${s.failedFolders}` : '');
  return `done ${s.done}, failed ${s.failed}, queued ${s.queued}, running ${s.running}${extra}`;
}

function statusLine(ctx: CliContext): { draw(s: WatchStatus): void; clear(): void } {
  let drawn = false;
  return {
    draw(s) {
      if (!ctx.interactive) return;
      const text = `queued ${s.queued} · running ${s.running} · done ${s.done} · failed ${s.failed} · files waiting ${s.waitingFiles} · ${s.ratePerSec.toFixed(1)}/s`;
      ctx.stdout.write(`\r${text.slice(0, (ctx.stdout.columns || 100) - 1)}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) ctx.stdout.write('\r\x1b[K');
      drawn = false;
    },
  };
}
