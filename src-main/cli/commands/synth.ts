import { resolve } from 'node:path';
import { UsageError } from '../cli-errors.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import type { SynthRunSummary } from '../../node/synth/run-synth.js';
import { VERSION } from '../version.js';

export const command: CliCommand = {
  name: 'synth',
  summary: 'generate a labelled synthetic image dataset (lens finder and more), reproducible to the byte',
  usage: `
Usage: owb synth [--config FILE] --out DIR [--validate] [--workers N] [--log-level LEVEL] [--log-file FILE]
       owb synth --config configs/comprehensive.yaml --out data --validate --log-level INFO

Generates the dataset described by a YAML configuration (configs/comprehensive.yaml, physical.yaml,
injection.yaml) into DIR:
train/{lens,nonlens}/, test/{lens,nonlens}/, train.csv, test.csv (filepath,label; 1 = lens),
metadata.csv (Output.include_metadata) and config_snapshot.json. Image i depends only on the
configuration and i, so the files are identical whatever --workers is. Re-running into the same DIR
keeps whole images, rewrites missing or broken ones and refuses a different configuration. Ctrl-C stops
after the images being written (exit code 130); running again continues from there.
General.mode: injection instead injects point sources and transients of known flux into the FITS frames
of Injection.frames_dir: DIR/frames/, stamps/{real,bogus}/, truth.csv, stamps.csv.

  --config FILE       YAML configuration (sections General, Noise, LensArcs, GalaxyBlob, Physical, Output)
                      [the documented defaults, as in configs/comprehensive.yaml]
  --out DIR           output folder (created when missing)
  --validate          after generating, check the dataset against the configuration (counts, balance,
                      files readable, CSV <-> files) and report; exit 1 when it fails. Without --config,
                      on a DIR that already holds a dataset: only check that dataset (against its
                      config_snapshot.json), writing nothing
  --workers N         generator threads (1 = this thread) [auto: all cores up to 8 from 400 parity images
                      (100 above 128², 8 physical), else 1]
  --log-level LEVEL   ERROR | WARNING | INFO | DEBUG, any case (warn and CRITICAL too) [INFO]
  --log-file FILE     also append time-stamped log lines to FILE (its folder is created when missing)
`,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'synth',
      argv,
      {
        config: { type: 'string' },
        out: { type: 'string' },
        validate: { type: 'boolean' },
        workers: { type: 'string' },
        'log-level': { type: 'string' },
        'log-file': { type: 'string' },
      },
      false,
    );
    const outDir = values.out;
    if (!outDir) throw new UsageError('synth: --out DIR is required');
    const { createLogger, parseLogLevel } = await import('../../node/synth/log.js');
    const level = parseLogLevel(values['log-level'] ?? 'info');
    if (!level)
      throw new UsageError(
        `--log-level must be one of DEBUG, INFO, WARNING, ERROR (any case), got '${values['log-level']}'`,
      );
    let workers: number | undefined;
    if (values.workers !== undefined && values.workers !== 'auto') {
      workers = numberOption('workers', values.workers, 1);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256)
        throw new UsageError(`--workers must be an integer in [1, 256] or 'auto', got '${values.workers}'`);
    }
    const logger = createLogger({
      level,
      stream: ctx.stderr,
      file: values['log-file'] ? resolve(values['log-file']) : undefined,
    });
    const { resolveSynthConfig } = await import('../../node/synth/cli-config.js');
    const { config, validateOnly, source } = await resolveSynthConfig(values.config, outDir, values.validate === true);
    logger.debug(`configuration: ${source}`);
    const validate = async (): Promise<number> => {
      if (config.General.mode === 'injection') {
        const { validateInjection } = await import('../../node/synth/run-injection.js');
        const r = validateInjection(config, outDir);
        ctx.stdout.write(
          `injection set ${resolve(outDir)}: ${r.frames} frames, ${r.sources} injected sources, ${r.stamps} stamps\n` +
            (r.problems.length === 0
              ? 'valid: frames, truth.csv and stamps agree\n'
              : `INVALID: ${r.problems.length} problem(s)\n${r.problems.map((p) => `  - ${p}\n`).join('')}`),
        );
        return r.problems.length === 0 ? 0 : 1;
      }
      const { validateDataset, formatValidation } = await import('../../node/synth/validate.js');
      const report = await validateDataset(config, outDir);
      ctx.stdout.write(formatValidation(report));
      for (const p of report.problems) logger.debug(p);
      return report.problems.length === 0 ? 0 : 1;
    };
    if (validateOnly) return validate();
    const injection = config.General.mode === 'injection';

    const progress = createProgress(ctx.stderr, ctx.interactive && level !== 'error', 'synth');
    const unit = injection ? 'frames' : 'images';
    const report = async (summary: SynthRunSummary): Promise<number> => {
      progress.finish();
      const rate = summary.written / Math.max(summary.seconds, 1e-9);
      logger.info(
        `synth: ${summary.total} ${unit} in ${summary.outDir} (${summary.written} written` +
          `${summary.reused ? `, ${summary.reused} kept` : ''}${summary.repaired ? `, ${summary.repaired} repaired` : ''}) ` +
          `in ${summary.seconds.toFixed(2)} s, ${rate.toFixed(0)} ${unit}/s, ${summary.workers} thread(s)`,
      );
      return values.validate ? validate() : 0;
    };
    logger.debug(`generating into ${resolve(outDir)}`);
    const options = {
      config,
      outDir,
      logger,
      configFile: values.config,
      toolVersion: VERSION,
      onProgress: (done: number, total: number) => progress.update(done, total),
    };
    if (injection) {
      const { runInjection } = await import('../../node/synth/run-injection.js');
      return report(await runInjection({ ...options, workers }));
    }

    // Helper threads start now, while this thread still loads the generator: their start-up overlaps.
    const { startSynthHelpers } = await import('../../node/synth/synth-threads.js');
    const helpers = startSynthHelpers(config, { workers });
    // Ctrl-C stops after the images being written; a re-run into the same folder continues from there.
    const stop = new AbortController();
    const onInterrupt = (): void => {
      if (stop.signal.aborted) process.exit(130);
      logger.warn('stopping after the images being written (Ctrl-C again to quit at once)');
      stop.abort();
    };
    process.on('SIGINT', onInterrupt);
    try {
      const { runSynth, SynthCancelledError } = await import('../../node/synth/run-synth.js');
      try {
        return await report(await runSynth({ ...options, helpers, signal: stop.signal }));
      } catch (error) {
        if (!(error instanceof SynthCancelledError)) throw error;
        progress.finish();
        logger.warn(`synth: ${error.message}`);
        return 130;
      }
    } finally {
      process.off('SIGINT', onInterrupt);
      // runSynth terminates them too; this covers a failure before it ran (loading the generator).
      await Promise.all(helpers.map((thread) => thread.terminate()));
    }
  },
};
