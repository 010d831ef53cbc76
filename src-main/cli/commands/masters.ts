import { availableParallelism } from 'node:os';
import { COMBINE_METHODS, type CombineMethod } from '../../../src-workers/core/calibrate/index.js';
import { buildMasters } from '../../node/calibrate/masters.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import { StageProfiler } from '../../node/profile.js';

/**
 * Rewrites `--flag a b c` into `--flag a --flag b --flag c` for the given multi-value flags, so users can
 * type several files after one flag as well as repeat the flag (node's parseArgs takes one value each).
 */
export function expandMultiValues(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const token of argv) {
    if (token.startsWith('-')) {
      const [name, inline] = token.split('=', 2);
      current = flags.includes(name) && inline === undefined ? name : undefined;
      out.push(token);
      if (current) out.push('\0pending');
      continue;
    }
    if (current) {
      if (out[out.length - 1] === '\0pending') out[out.length - 1] = token;
      else out.push(current, token);
      continue;
    }
    out.push(token);
  }
  return out.filter((t) => t !== '\0pending');
}

/** `--workers N`: worker threads for per-frame tasks [all cores: the main thread only waits]. */
export function workersOption(raw: string | undefined): number {
  const n = numberOption('workers', raw, availableParallelism());
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers must be a positive integer, got '${raw}'`);
  return n;
}

export function parseMethod(raw: string | undefined, fallback: CombineMethod): CombineMethod {
  if (raw === undefined) return fallback;
  if (!(COMBINE_METHODS as readonly string[]).includes(raw)) {
    throw new UsageError(`--combine must be one of ${COMBINE_METHODS.join('|')}, got '${raw}'`);
  }
  return raw as CombineMethod;
}

export const command: CliCommand = {
  name: 'masters',
  summary: 'combine bias, dark and flat frames into master calibration frames',
  usage: `
Usage: owb masters [--bias FILES…] [--darks FILES…] [--flats FILES…] --out DIR [options]

Writes master_bias.fits, master_dark.fits (bias-subtracted; EXPTIME = the darks' exposure, or 1 s when
their exposures differ) and master_flat_<FILTER>.fits (median 1; master_flat.fits without FILTER).
Each flag takes one or more files and may be repeated.

Options:
  --combine METHOD   median | mean | sigma | winsor | minmax   [median]
  --kappa K          rejection threshold in sigmas for sigma/winsor   [3]
  --memory-mb MB     upper bound on pixel bands held at once   [256]
  --workers N        threads for the per-pixel combine (same result for any N)   [all cores]
`,
  async run(argv, ctx) {
    const args = parseCommandArgs(
      'masters',
      expandMultiValues(argv, ['--bias', '--darks', '--flats']),
      {
        bias: { type: 'string', multiple: true },
        darks: { type: 'string', multiple: true },
        flats: { type: 'string', multiple: true },
        out: { type: 'string' },
        combine: { type: 'string' },
        kappa: { type: 'string' },
        'memory-mb': { type: 'string' },
        workers: { type: 'string' },
      },
      false,
    );
    const v = args.values;
    if (!v.out) throw new UsageError('masters: --out DIR is required');
    const bias = v.bias ?? [];
    const darks = v.darks ?? [];
    const flats = v.flats ?? [];
    if (bias.length + darks.length + flats.length === 0)
      throw new UsageError('masters: give --bias, --darks and/or --flats files');
    const kappa = numberOption('kappa', v.kappa, 3);
    if (!(kappa > 0)) throw new UsageError(`--kappa must be positive, got ${kappa}`);
    const memoryMb = numberOption('memory-mb', v['memory-mb'], 256);
    makeDirs(v.out);
    const progress = createProgress(ctx.stderr, ctx.interactive, 'masters');
    const profile = new StageProfiler();
    const written = await buildMasters({
      profile,
      workers: workersOption(v.workers),
      bias,
      darks,
      flats,
      outDir: v.out,
      method: parseMethod(v.combine, 'median'),
      kappa,
      memoryBudgetBytes: memoryMb * 1024 * 1024,
      onProgress: (label, done, total) => progress.update(done, total, label),
    });
    progress.finish();
    ctx.stderr.write(profile.format('masters'));
    for (const w of written) {
      const extra = w.filter ? ` filter ${w.filter}` : w.exposureSec !== undefined ? ` EXPTIME ${w.exposureSec} s` : '';
      ctx.stdout.write(`${w.kind.padEnd(5)} ${w.frames} frames → ${w.path}${extra}\n`);
    }
  },
};
