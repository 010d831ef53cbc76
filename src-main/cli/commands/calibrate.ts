import { calibrateFiles, loadMasters } from '../../node/calibrate/calibrate-lights.js';
import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import { workersOption } from './masters.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export const command: CliCommand = {
  name: 'calibrate',
  summary: 'apply master bias/dark/flat (and optionally L.A.Cosmic) to light frames',
  usage: `
Usage: owb calibrate LIGHTS… --masters DIR --out DIR [--cosmic] [--workers N]

Subtracts master_bias.fits and master_dark.fits (scaled by EXPTIME), divides by the flat matching each
light's FILTER, interpolates over hot/cold pixels found in the masters and, with --cosmic, removes
cosmic rays with L.A.Cosmic. Lights that cannot be calibrated are skipped with the reason; the exit
code is 0 when at least one light was calibrated.
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('calibrate', argv, {
      masters: { type: 'string' },
      out: { type: 'string' },
      cosmic: { type: 'boolean' },
      workers: { type: 'string' },
    });
    const v = args.values;
    if (!v.masters) throw new UsageError('calibrate: --masters DIR is required');
    if (!v.out) throw new UsageError('calibrate: --out DIR is required');
    if (args.positionals.length === 0) throw new UsageError('calibrate: give one or more light frames');
    const set = await loadMasters(v.masters);
    makeDirs(v.out);
    const progress = createProgress(ctx.stderr, ctx.interactive, 'calibrate');
    const results = await calibrateFiles(
      args.positionals,
      set,
      v.out,
      { cosmic: Boolean(v.cosmic), threads: workersOption(v.workers) },
      (d, t, name) => progress.update(d, t, name),
    );
    progress.finish();
    let ok = 0;
    for (const r of results) {
      if (r.output) {
        ok++;
        ctx.stdout.write(
          `calibrated ${r.input} → ${r.output}${r.cosmicPixels !== undefined ? ` (${r.cosmicPixels} CR px)` : ''}\n`,
        );
      } else ctx.stdout.write(`skipped ${r.input}: ${r.skipped}\n`);
    }
    ctx.stdout.write(`${ok} of ${results.length} lights calibrated\n`);
    return ok > 0 ? 0 : 2;
  },
};
