// Calibration, cosmic rays, registration and stacking: our CLI vs numpy/astropy combine, astroscrappy
// and astroalign on make_field.py's calibration set (with truth), in one run. Each row: wall time and
// peak RSS of the whole process (start-up, FITS I/O included) and accuracy against the truth, scored by
// the shared kit's anchors.py where it has a scorer.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invertAffine } from '../../src-workers/core/register/index.js';
import type { BenchContext, Measured } from '../harness.js';

function ok(label: string, m: Measured): Measured {
  if (m.status !== 0) throw new Error(`${label} failed (${m.status}): ${m.stderr.slice(-400)}`);
  return m;
}

function json<T>(m: Measured, label: string): T {
  ok(label, m);
  return JSON.parse(m.stdout.trim().split('\n').pop() as string) as T;
}

/** Rebuilds dist/ when our sources are newer, else runs from source (tsx start-up included in times). */
function builtOrSource(ctx: BenchContext): NodeJS.ProcessEnv {
  const built = join(ctx.root, 'dist', 'src-main', 'cli', 'commands', 'stack.js');
  const newest = [
    'src-main/cli/commands/stack.ts',
    'src-workers/core/cosmic/lacosmic.ts',
    'src-main/node/calibrate/stack-files.ts',
    'src-workers/core/register/asterism.ts',
  ]
    .map((p) => statSync(join(ctx.root, p)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return process.env;
  const m = ctx.measure(process.execPath, [
    join(ctx.root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-b',
    'tsconfig.build.json',
  ]);
  return existsSync(built) && m.status === 0 && statSync(built).mtimeMs >= newest
    ? process.env
    : { ...process.env, OWB_FROM_SOURCE: '1' };
}

const MASK_AGREEMENT_PY = `
import sys, numpy as np
from astropy.io import fits
a = fits.getdata(sys.argv[1]).astype(bool); b = fits.getdata(sys.argv[2]).astype(bool)
print('{"differ": %d, "reference_pixels": %d}' % (int((a != b).sum()), int(b.sum())))
`;

// SNR gain of a stack over one frame: noise of 8×8-binned, high-passed (7-block median removed),
// 3σ-clipped sky, so that resampling's pixel-to-pixel correlation does not flatter the stack; blocks
// near any truth object are left out so faint sources do not set a floor (frame 0 is the reference,
// so the truth catalogue is in its coordinates).
const SNR_PY = `
import sys, csv, numpy as np
from astropy.io import fits
from astropy.stats import sigma_clipped_stats
from scipy.ndimage import median_filter
def noise(path, truth, b=8, edge=32):
    d = fits.getdata(path).astype(np.float64)
    h, w = (d.shape[0] // b) * b, (d.shape[1] // b) * b
    blk = np.nanmean(d[:h, :w].reshape(h // b, b, w // b, b), axis=(1, 3))
    blk = blk - median_filter(blk, size=7)
    keep = np.ones_like(blk, bool)
    e = edge // b
    keep[:e] = keep[-e:] = False; keep[:, :e] = keep[:, -e:] = False
    for r in csv.DictReader(open(truth)):
        x, y = float(r['x']), float(r['y']); rad = 15 if r['type'] == 'galaxy' else 6
        keep[max(0, int((y - rad) // b)):int((y + rad) // b) + 1, max(0, int((x - rad) // b)):int((x + rad) // b) + 1] = False
    return sigma_clipped_stats(blk[keep], sigma=3, maxiters=10)[2]
print('{"single": %.5f, "stack": %.5f}' % (noise(sys.argv[1], sys.argv[3]), noise(sys.argv[2], sys.argv[3])))
`;

export default async function calibrateBench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 512 : 2048;
  const data = join(ctx.dataDir, ctx.quick ? 'calibrate-512' : 'calibrate');
  const kit = join(ctx.shared, 'bench');
  const anchors = join(kit, 'anchors.py');
  if (!existsSync(join(data, 'calib', 'light_truth.csv')) || !existsSync(join(data, `field_${n}_f32.fits`))) {
    ok(
      'make_field.py',
      ctx.measure(ctx.python, [
        join(kit, 'make_field.py'),
        '--out',
        data,
        '--sizes',
        String(n),
        '--calib-size',
        String(n),
      ]),
    );
  }
  const env = builtOrSource(ctx);
  const owb = (args: string[]): Measured =>
    ctx.measure(process.execPath, [join(ctx.root, 'bin', 'owb.js'), ...args], { env });
  const out = join(data, 'owb-out');
  mkdirSync(out, { recursive: true });
  const calib = join(data, 'calib');
  const list = (sub: string): string[] =>
    readdirSync(join(calib, sub))
      .filter((f) => f.endsWith('.fits'))
      .sort()
      .map((f) => join(calib, sub, f));
  const darks = list('dark');
  const suite = 'calibrate';
  const task = `combine ${darks.length} darks ${n}²`;
  const darkTruth = join(calib, 'dark_true.npy');

  // ---- masters: combine the darks (raw, so the result is comparable with dark_true.npy)
  const scoreCombine = (file: string): number =>
    json<{ rms_vs_truth_adu: number }>(ctx.measure(ctx.python, [anchors, 'score-combine', file, darkTruth]), 'score')
      .rms_vs_truth_adu;
  const reference = (tool: string, method: string, file: string): Measured => {
    const m = ok(tool, ctx.measure(ctx.python, [anchors, 'combine', method, join(out, file), ...darks]));
    ctx.row({
      suite,
      task,
      tool,
      wallSec: m.wallSec,
      peakMB: m.peakMB,
      metrics: { 'rms vs truth ADU': scoreCombine(join(out, file)) },
    });
    return m;
  };
  const np = reference('numpy median', 'np-median', 'np_median.fits');
  const ap = reference('astropy sigma-clip', 'astropy-sigclip-mean', 'ap_sigclip.fits');
  for (const [method, ref, label] of [
    ['median', np, 'numpy'],
    ['sigma', ap, 'astropy'],
  ] as const) {
    const dir = join(out, `masters-${method}`);
    const m = ok(`owb masters ${method}`, owb(['masters', '--darks', ...darks, '--out', dir, '--combine', method]));
    const rms = scoreCombine(join(dir, 'master_dark.fits'));
    ctx.row({
      suite,
      task,
      tool: `owb masters ${method}`,
      wallSec: m.wallSec,
      peakMB: m.peakMB,
      ratio: `${(m.wallSec / ref.wallSec).toFixed(2)}× ${label}`,
      metrics: { 'rms vs truth ADU': rms },
    });
  }

  // ---- L.A.Cosmic on the star field with injected cosmic rays
  const field = join(data, `field_${n}_f32.fits`);
  const crTruth = join(data, `field_${n}_crmask.fits`);
  const hot = join(data, `field_${n}_hotpix.npy`);
  const hasCrTruth = existsSync(crTruth);
  const scrappyMask = join(out, 'astroscrappy_mask.fits');
  const sc = ok('astroscrappy', ctx.measure(ctx.python, [anchors, 'lacosmic', field, scrappyMask]));
  const scoreCr = (mask: string): Record<string, number> =>
    hasCrTruth
      ? json<Record<string, number>>(
          ctx.measure(ctx.python, [anchors, 'score-lacosmic', mask, crTruth, hot]),
          'score-lacosmic',
        )
      : {};
  const scS = scoreCr(scrappyMask);
  const crMetrics = (s: Record<string, number>): Record<string, number> =>
    hasCrTruth ? { 'CR recall': s.cr_pixel_recall, flagged: s.flagged, 'false px': s.false_flagged_pixels } : {};
  ctx.row({
    suite,
    task: `L.A.Cosmic ${n}²`,
    tool: 'astroscrappy',
    wallSec: sc.wallSec,
    peakMB: sc.peakMB,
    metrics: crMetrics(scS),
  });
  const ourMask = join(out, 'owb_crmask.fits');
  const lc = ok(
    'owb cosmic',
    owb([
      'cosmic',
      field,
      '--out',
      join(out, 'owb_clean.fits'),
      '--mask',
      ourMask,
      '--gain',
      '1.5',
      '--readnoise',
      '5',
    ]),
  );
  const ourS = scoreCr(ourMask);
  const agree = json<{ differ: number; reference_pixels: number }>(
    ctx.measure(ctx.python, ['-c', MASK_AGREEMENT_PY, ourMask, scrappyMask]),
    'mask agreement',
  );
  ctx.row({
    suite,
    task: `L.A.Cosmic ${n}²`,
    tool: 'owb cosmic',
    wallSec: lc.wallSec,
    peakMB: lc.peakMB,
    ratio: `${(lc.wallSec / sc.wallSec).toFixed(2)}× astroscrappy`,
    metrics: {
      ...crMetrics(ourS),
      'mask differs': `${agree.differ} px = ${((100 * agree.differ) / Math.max(1, agree.reference_pixels)).toFixed(2)}% of astroscrappy's`,
    },
  });

  // ---- registration of the light frames (frame 0 = reference)
  const lights = list('light');
  const truthCsv = join(calib, 'light_truth.csv');
  const aaJson = join(out, 'astroalign.json');
  const aa = ctx.measure(ctx.python, [anchors, 'astroalign', join(calib, 'light'), aaJson]);
  if (aa.status === 0) {
    const s = json<{ median_rms_err_px: number; worst_rms_err_px: number }>(
      ctx.measure(ctx.python, [anchors, 'score-align', aaJson, truthCsv, String(n)]),
      'score-align',
    );
    const phases = existsSync(`${aaJson}.timing.json`)
      ? (JSON.parse(readFileSync(`${aaJson}.timing.json`, 'utf8')) as {
          find_transform_s?: number;
          apply_transform_s?: number;
        })
      : {};
    ctx.row({
      suite,
      task: `register ${lights.length} frames ${n}²`,
      tool: 'astroalign',
      wallSec: aa.wallSec,
      peakMB: aa.peakMB,
      metrics: {
        'median err px': s.median_rms_err_px,
        'worst err px': s.worst_rms_err_px,
        'find s': phases.find_transform_s ?? '-',
        'apply s': phases.apply_transform_s ?? '-',
      },
      note: 'resamples in memory, writes no frames',
    });
  }
  const only = ok(
    'owb register --transforms-only',
    owb(['register', ...lights, '--out', join(out, 'transforms-only'), '--transforms-only']),
  );
  ctx.row({
    suite,
    task: `register ${lights.length} frames ${n}²`,
    tool: 'owb register --transforms-only',
    wallSec: only.wallSec,
    peakMB: only.peakMB,
    ratio: aa.status === 0 ? `${(only.wallSec / aa.wallSec).toFixed(2)}× astroalign` : undefined,
    note: 'transforms.json only',
  });
  const regDir = join(out, 'registered');
  const rg = ok('owb register', owb(['register', ...lights, '--out', regDir]));
  const tj = JSON.parse(readFileSync(join(regDir, 'transforms.json'), 'utf8')) as {
    transforms: Array<{ file: string; matrix?: number[][] }>;
  };
  // anchors.py scores astroalign's convention (frame → reference): hand it our inverse.
  const asAstroalign = {
    transforms: tj.transforms
      .filter((t) => t.matrix && !t.file.endsWith('light_00.fits'))
      .map((t) => {
        const [[a, b, tx], [c, d, ty]] = t.matrix as number[][];
        const inv = invertAffine({ a, b, tx, c, d, ty });
        return {
          file: t.file.split('/').pop(),
          matrix: [
            [inv.a, inv.b, inv.tx],
            [inv.c, inv.d, inv.ty],
            [0, 0, 1],
          ],
        };
      }),
  };
  writeFileSync(join(out, 'owb_as_astroalign.json'), JSON.stringify(asAstroalign));
  const rs = json<{ median_rms_err_px: number; worst_rms_err_px: number }>(
    ctx.measure(ctx.python, [anchors, 'score-align', join(out, 'owb_as_astroalign.json'), truthCsv, String(n)]),
    'score-align',
  );
  ctx.row({
    suite,
    task: `register ${lights.length} frames ${n}²`,
    tool: 'owb register',
    wallSec: rg.wallSec,
    peakMB: rg.peakMB,
    ratio: aa.status === 0 ? `${(rg.wallSec / aa.wallSec).toFixed(2)}× astroalign` : undefined,
    metrics: { 'median err px': rs.median_rms_err_px, 'worst err px': rs.worst_rms_err_px, goal: '< 0.05' },
    note: 'Lanczos-3 frames written as FITS',
  });

  // ---- full pipeline: masters → calibrate → register + stack, and the stack's SNR gain
  const mastersDir = join(out, 'masters');
  const ms = ok(
    'owb masters',
    owb(['masters', '--bias', ...list('bias'), '--darks', ...darks, '--flats', ...list('flat'), '--out', mastersDir]),
  );
  ctx.row({
    suite,
    task: `masters 3×${darks.length} frames ${n}²`,
    tool: 'owb masters',
    wallSec: ms.wallSec,
    peakMB: ms.peakMB,
  });
  const calDir = join(out, 'calibrated');
  const cl = ok('owb calibrate', owb(['calibrate', ...lights, '--masters', mastersDir, '--out', calDir, '--cosmic']));
  ctx.row({
    suite,
    task: `calibrate ${lights.length} lights ${n}²`,
    tool: 'owb calibrate --cosmic',
    wallSec: cl.wallSec,
    peakMB: cl.peakMB,
  });
  const calibrated = lights.map((l) => join(calDir, l.split('/').pop() as string));
  const stackPath = join(out, 'stack.fits');
  const st = ok('owb stack', owb(['stack', ...calibrated, '--register', '--out', stackPath, '--reject', 'sigma']));
  const snr = json<{ single: number; stack: number }>(
    ctx.measure(ctx.python, ['-c', SNR_PY, calibrated[0], stackPath, join(data, `field_${n}_truth.csv`)]),
    'snr',
  );
  const gain = snr.single / snr.stack;
  const ideal = Math.sqrt(calibrated.length);
  ctx.row({
    suite,
    task: `register+stack ${lights.length} frames ${n}²`,
    tool: 'owb stack --register',
    wallSec: st.wallSec,
    peakMB: st.peakMB,
    metrics: { 'SNR gain': gain, '√N': ideal, 'gain/√N': gain / ideal, goal: '≥ 0.9' },
  });

  // ---- memory bound of the streaming combine: 50 frames of 4096² (uint16 camera frames)
  if (!ctx.quick) {
    const bigDir = join(ctx.dataDir, 'combine-50x4096');
    const big = Array.from({ length: 50 }, (_, k) => join(bigDir, `bias_${String(k).padStart(2, '0')}.fits`));
    if (!big.every((f) => existsSync(f))) {
      mkdirSync(bigDir, { recursive: true });
      ok('make 50×4096² frames', ctx.measure(ctx.python, ['-c', BIG_PY, bigDir]));
    }
    const bc = ok(
      'owb masters 50×4096²',
      owb(['masters', '--bias', ...big, '--out', join(out, 'big'), '--combine', 'sigma']),
    );
    ctx.row({
      suite,
      task: 'combine 50 frames 4096² (sigma)',
      tool: 'owb masters',
      wallSec: bc.wallSec,
      peakMB: bc.peakMB,
      metrics: { goal: 'peak < 2048 MB' },
    });
  }
}

const BIG_PY = `
import sys, os, numpy as np
from astropy.io import fits
rng = np.random.default_rng(50)
pattern = (1000 + rng.normal(0, 2, 4096)).astype(np.float32)
for k in range(50):
    d = np.clip(np.rint(pattern[None, :] + rng.normal(0, 3.3, (4096, 4096)).astype(np.float32)), 0, 65535).astype(np.uint16)
    h = fits.Header(); h['IMAGETYP'] = 'Bias Frame'; h['EXPTIME'] = 0.0
    fits.PrimaryHDU(d, header=h).writeto(os.path.join(sys.argv[1], 'bias_%02d.fits' % k), overwrite=True)
`;
