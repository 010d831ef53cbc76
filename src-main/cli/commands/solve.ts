import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { PlateSolveInput, PlateSolveOutput } from '../../common/tasks/plate-solve.js';
import { TaskThread } from '../../node/pool/task-thread.js';
import { solveCacheDir } from '../../node/solve/cache-dir.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

export const command: CliCommand = {
  name: 'solve',
  summary: 'plate-solve frames against astrometry.net index files (Tycho-2) and write the WCS',
  usage: `
Usage: owb solve FILES... [--out DIR] [options]

Detects the stars of each frame, hashes quads of the brightest (as astrometry.net does) and looks them up
in the index files' quads, plus, when there is a pointing hint, in quads made from the catalog stars
around it at the frame's scale. A candidate is accepted only at Bayesian log-odds >= 1e9 over >= 10
matched stars; the result is TAN-SIP (order 2-4 chosen by the residuals, TAN with few stars).
Hints come from the header when not given: RA/DEC, OBJCTRA/OBJCTDEC, an existing WCS, DSS plate
cards, pixel size with FOCALLEN or PLTSCALE. Packaged Tycho-2 covers fields of about 20' and wider.

Options:
  --out DIR             write DIR/<name>: the frame with the WCS, PHOTZP/PHOTZPER (zero point
                        from the matched Tycho-2 V_T: mag = PHOTZP - 2.5 log10(total ADU)) and HISTORY provenance
                        (other cards and the data untouched; never over an input or a file
                        owb solve did not write)
  --ra DEG --dec DEG    pointing hint (degrees)
  --radius DEG          how far the hint may be off   [2]
  --scale-low S         pixel scale range, arcsec/px   [header estimate ±15 %, else 0.5]
  --scale-high S                                       [header estimate ±15 %, else 30]
  --blind               ignore the header's pointing
  --index DIR           folder of astrometry.net index files (repeatable)   [/usr/share/astrometry]
  --max-candidates N    search budget: give up on a frame after verifying N candidate matches   [20000]
                        (deterministic: the answer does not depend on the machine's load)
  --max-seconds T       also give up after T seconds of search   [no time limit]
  --workers N           frames solved in parallel threads (each keeps its own indexes)   [1]
Structures built from the index files (star order; quads from the triangles of indexes 4111-4119,
which blind-solve fields wider than ~4 deg) are cached in the workspace's cache/plate-solve
(OWB_WORKSPACE, else the per-user default workspace), so later runs do not rebuild them.
  --json                one JSON object per file instead of text
Exit status: 0 when every file was read (solved or not), 2 for bad input or options.
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('solve', argv, {
      out: { type: 'string' },
      ra: { type: 'string' },
      dec: { type: 'string' },
      radius: { type: 'string' },
      'scale-low': { type: 'string' },
      'scale-high': { type: 'string' },
      blind: { type: 'boolean' },
      index: { type: 'string', multiple: true },
      'max-seconds': { type: 'string' },
      'max-candidates': { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
    });
    const v = args.values;
    const files = args.positionals;
    if (files.length === 0) throw new UsageError('solve: give at least one FILE');
    if ((v.ra === undefined) !== (v.dec === undefined)) throw new UsageError('solve: give --ra and --dec together');
    const opt = (name: string, raw: string | undefined) => (raw === undefined ? undefined : numberOption(name, raw, 0));
    const raDeg = opt('ra', v.ra);
    const decDeg = opt('dec', v.dec);
    if (decDeg !== undefined && Math.abs(decDeg) > 90) throw new UsageError(`--dec must be within ±90, got '${v.dec}'`);
    const radiusDeg = opt('radius', v.radius);
    if (radiusDeg !== undefined && !(radiusDeg > 0 && radiusDeg <= 180))
      throw new UsageError(`--radius must be in (0, 180], got '${v.radius}'`);
    const scaleLow = opt('scale-low', v['scale-low']);
    const scaleHigh = opt('scale-high', v['scale-high']);
    if ((scaleLow !== undefined && !(scaleLow > 0)) || (scaleHigh !== undefined && !(scaleHigh > 0)))
      throw new UsageError('--scale-low and --scale-high must be positive (arcsec/px)');
    if (scaleLow !== undefined && scaleHigh !== undefined && scaleHigh < scaleLow)
      throw new UsageError('--scale-high must not be below --scale-low');
    const maxSeconds = opt('max-seconds', v['max-seconds']);
    if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new UsageError('--max-seconds must be positive');
    const maxCandidates = opt('max-candidates', v['max-candidates']);
    if (maxCandidates !== undefined && !(Number.isSafeInteger(maxCandidates) && maxCandidates >= 1))
      throw new UsageError('--max-candidates must be a positive integer');
    const workers = numberOption('workers', v.workers, 1);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64)
      throw new UsageError(`--workers must be an integer in [1, 64], got '${v.workers}'`);
    for (const dir of v.index ?? [])
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--index ${dir}: is not a folder`);
    for (const f of files) if (!existsSync(f)) throw new InputError('FILE_NOT_FOUND', `${f}: no such file`);
    let outDir: string | undefined;
    if (v.out) {
      outDir = resolve(v.out);
      makeDirs(outDir);
    }
    const inputs: PlateSolveInput[] = files.map((path) => ({
      path,
      raDeg,
      decDeg,
      radiusDeg,
      scaleLowArcsec: scaleLow,
      scaleHighArcsec: scaleHigh,
      blind: v.blind,
      indexDirs: v.index,
      maxSeconds,
      maxCandidates,
      cacheDir: solveCacheDir(),
      outPath: outDir ? join(outDir, basename(path).replace(/\.(gz|fz)$/i, '')) : undefined,
    }));
    const threads = Array.from({ length: Math.min(workers, files.length) }, () => new TaskThread('plate-solve'));
    const results: PlateSolveOutput[] = new Array(files.length);
    let next = 0;
    try {
      await Promise.all(
        threads.map(async (thread) => {
          for (let k = next++; k < inputs.length; k = next++) {
            results[k] = await thread.run(inputs[k]);
            // A file that cannot be read stops the batch with exit 2, as elsewhere in owb.
            if (results[k].error) throw new InputError(results[k].error!.code, results[k].error!.message);
            print(ctx.stdout, results[k], v.json === true);
          }
        }),
      );
    } finally {
      await Promise.all(threads.map((t) => t.terminate()));
    }
    return 0;
  },
};

function print(out: NodeJS.WriteStream, r: PlateSolveOutput, json: boolean): void {
  if (json) {
    out.write(`${JSON.stringify({ ...r, cards: undefined })}\n`);
    return;
  }
  if (!r.solved) {
    out.write(`${r.file}: not solved (${r.reason}); ${r.detections} detections, ${r.seconds.toFixed(2)} s\n`);
    return;
  }
  out.write(
    `${r.file}: solved  centre ${r.centreRa!.toFixed(5)} ${r.centreDec!.toFixed(5)}  scale ${r.scaleArcsec!.toFixed(4)}"/px` +
      `  rotation ${r.rotationDeg!.toFixed(2)}°  parity ${r.flipped ? 'flipped' : 'normal'}  matched ${r.matched}` +
      `  rms ${r.rmsArcsec!.toFixed(2)}"  SIP ${r.sipOrder}` +
      (r.zeroPoint !== undefined ? `  PHOTZP ${r.zeroPoint.toFixed(3)} ± ${r.zeroPointErr!.toFixed(3)}` : '') +
      `  ${r.seconds.toFixed(2)} s${r.written ? `  → ${r.written}` : ''}\n`,
  );
}
