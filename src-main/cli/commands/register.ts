import { join } from 'node:path';
import { registerFiles, writeTransformsJson } from '../../node/calibrate/register-files.js';
import { UsageError } from '../cli-errors.js';
import { parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import { workersOption } from './masters.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export const command: CliCommand = {
  name: 'register',
  summary: 'align frames onto a reference by star asterisms (phase correlation fallback)',
  usage: `
Usage: owb register FILES… [--ref FILE] --out DIR [--model similarity|affine] [--resample lanczos3|bilinear]
                    [--transforms-only] [--workers N]

Writes the registered frames and DIR/transforms.json:
  {"reference": FILE, "transforms": [{"file", "matrix": [[a, b, tx], [c, d, ty]], "dx", "dy",
   "rotation_deg", "scale", "matched", "rms_px", "method"} | {"file", "skipped": REASON}, …]}
With --transforms-only no frame is resampled or written, only transforms.json.
The matrix maps reference pixel coordinates (0-based) to the frame's: x = a·x_ref + b·y_ref + tx.
Frames that cannot be read or registered are skipped with the reason; exit code 0 when any frame was.
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('register', argv, {
      ref: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      resample: { type: 'string' },
      workers: { type: 'string' },
      'transforms-only': { type: 'boolean' },
    });
    const v = args.values;
    if (!v.out) throw new UsageError('register: --out DIR is required');
    if (args.positionals.length === 0) throw new UsageError('register: give the frames to register');
    if (v.model !== undefined && v.model !== 'similarity' && v.model !== 'affine')
      throw new UsageError(`--model must be similarity or affine, got '${v.model}'`);
    if (v.resample !== undefined && v.resample !== 'lanczos3' && v.resample !== 'bilinear') {
      throw new UsageError(`--resample must be lanczos3 or bilinear, got '${v.resample}'`);
    }
    const progress = createProgress(ctx.stderr, ctx.interactive, 'register');
    const result = await registerFiles(args.positionals, {
      reference: v.ref,
      outDir: v['transforms-only'] ? undefined : v.out,
      model: v.model as 'similarity' | 'affine' | undefined,
      resample: v.resample as 'lanczos3' | 'bilinear' | undefined,
      threads: workersOption(v.workers),
      onProgress: (d, t, name) => progress.update(d, t, name),
    });
    progress.finish();
    makeDirs(v.out);
    await writeTransformsJson(join(v.out, 'transforms.json'), result);
    let ok = 0;
    for (const e of result.entries) {
      if ('skipped' in e) ctx.stdout.write(`skipped ${e.file}: ${e.skipped}\n`);
      else {
        ok++;
        ctx.stdout.write(
          `${e.file}: dx ${e.dx.toFixed(3)} dy ${e.dy.toFixed(3)} rot ${e.rotation_deg.toFixed(4)}° scale ${e.scale.toFixed(5)} ` +
            `(${e.method}, ${e.matched} stars, rms ${e.rms_px === null ? '-' : e.rms_px.toFixed(3)} px)\n`,
        );
      }
    }
    ctx.stdout.write(`${ok} of ${result.entries.length} frames registered → ${join(v.out, 'transforms.json')}\n`);
    return ok > 0 ? 0 : 2;
  },
};
