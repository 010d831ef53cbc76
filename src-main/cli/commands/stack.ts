import { stackFiles } from '../../node/calibrate/stack-files.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import { workersOption } from './masters.js';

const REJECT = ['sigma', 'winsor', 'minmax', 'none'] as const;
const WEIGHT = ['noise', 'fwhm', 'none'] as const;
const NORM = ['addscale', 'additive', 'multiplicative', 'none'] as const;

function choice<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new UsageError(`--${name} must be one of ${allowed.join('|')}, got '${raw}'`);
  return raw as T;
}

function optionalNumber(name: string, raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : numberOption(name, raw, 0);
}

export const command: CliCommand = {
  name: 'stack',
  summary: 'stack frames with normalisation, weights and outlier rejection',
  usage: `
Usage: owb stack FILES… --out FILE [options]

Writes FILE, FILE_coverage.fits (frames per pixel) and FILE_rejected.fits (values rejected per pixel).
Frames that cannot be read, registered or that fail the quality thresholds are skipped with the reason.

Options:
  --register            register the frames onto the first (or --ref) before stacking
  --ref FILE            registration reference
  --reject METHOD       sigma | winsor | minmax | none   [sigma]
  --kappa K             rejection threshold in sigmas   [3]
  --weight MODE         noise (1/σ² after normalisation) | fwhm | none   [none]
  --normalise MODE      additive (backgrounds) | addscale (backgrounds and star fluxes, for frames
                        through cloud or of other exposures) | multiplicative | none   [additive]
  --max-fwhm PX         skip frames whose median FWHM is larger
  --max-ecc E           skip frames whose median star eccentricity is larger
  --min-stars N         skip frames with fewer stars
  --max-noise-ratio R   skip frames noisier than R × the median frame
  --workers N           worker threads   [cores]
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('stack', argv, {
      out: { type: 'string' },
      register: { type: 'boolean' },
      ref: { type: 'string' },
      reject: { type: 'string' },
      kappa: { type: 'string' },
      weight: { type: 'string' },
      normalise: { type: 'string' },
      'max-fwhm': { type: 'string' },
      'max-ecc': { type: 'string' },
      'min-stars': { type: 'string' },
      'max-noise-ratio': { type: 'string' },
      workers: { type: 'string' },
    });
    const v = args.values;
    if (!v.out) throw new UsageError('stack: --out FILE is required');
    if (args.positionals.length === 0) throw new UsageError('stack: give the frames to stack');
    const kappa = numberOption('kappa', v.kappa, 3);
    if (!(kappa > 0)) throw new UsageError(`--kappa must be positive, got ${kappa}`);
    const progress = createProgress(ctx.stderr, ctx.interactive, 'stack');
    const result = await stackFiles({
      files: args.positionals,
      out: v.out,
      register: Boolean(v.register),
      threads: workersOption(v.workers),
      reference: v.ref,
      reject: choice('reject', v.reject, REJECT, 'sigma'),
      kappa,
      weight: choice('weight', v.weight, WEIGHT, 'none'),
      normalise: choice('normalise', v.normalise, NORM, 'additive'),
      thresholds: {
        maxFwhmPx: optionalNumber('max-fwhm', v['max-fwhm']),
        maxEccentricity: optionalNumber('max-ecc', v['max-ecc']),
        minStars: optionalNumber('min-stars', v['min-stars']),
        maxNoiseRatio: optionalNumber('max-noise-ratio', v['max-noise-ratio']),
      },
      onProgress: (stage, d, t) => progress.update(d, t, stage),
    });
    progress.finish();
    for (const f of result.frames) {
      const q = f.quality;
      const metrics = q
        ? `FWHM ${q.fwhmPx.toFixed(2)} px, ecc ${q.eccentricity.toFixed(2)}, bg ${q.backgroundAdu.toFixed(1)}, noise ${q.noiseAdu.toFixed(2)}, ${q.starCount} stars`
        : '';
      if (f.skipped) ctx.stdout.write(`skipped ${f.file}: ${f.skipped}\n`);
      else {
        const scale = f.scale !== undefined && f.scale !== 1 ? `, scale ${f.scale.toFixed(3)}` : '';
        const note = f.note ? ` (${f.note})` : '';
        ctx.stdout.write(`stacked ${f.file}: ${metrics}${scale}, weight ${(f.weight ?? 1).toFixed(3)}${note}\n`);
      }
    }
    ctx.stdout.write(
      `${result.combined} of ${result.frames.length} frames → ${result.out} (+ ${result.coverage}, ${result.rejection})\n`,
    );
  },
};
