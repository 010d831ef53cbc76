// Source detection and photometry: `owb detect` vs SExtractor, SEP and photutils on the same synthetic
// fields (make_field.py, with truth), in one run. Each row: wall time and peak RSS of the whole process
// (start-up and FITS reading included), recall / precision / centroid error / flux scatter from
// score_catalog.py, and our time ÷ SExtractor's. Plus forced aperture photometry vs photutils on the same
// apertures (relative flux difference).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Measured } from '../harness.js';

const REPEATS = 3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timed extends Measured {
  cpuSec: number;
}

interface Score {
  recall: number;
  precision: number;
  recall_snr_ge_10: number;
  median_pos_err_px: number;
  flux_ratio_scatter: number;
}

export default async function detectBench(ctx: BenchContext): Promise<void> {
  const data = join(ctx.dataDir, 'detect');
  const sizes = ctx.quick ? [2048] : [2048, 4096];
  const kit = join(ctx.shared, 'bench');
  if (!sizes.every((n) => existsSync(join(data, `field_${n}_f32.fits`)))) {
    const gen = ctx.measure(ctx.python, [
      join(kit, 'make_field.py'),
      '--out',
      data,
      '--sizes',
      sizes.join(','),
      '--no-calib',
    ]);
    if (gen.status !== 0) throw new Error(`make_field.py failed: ${gen.stderr.slice(-400)}`);
  }
  const fromSource = ensureBuilt(ctx);
  const env = fromSource ? { ...process.env, OWB_FROM_SOURCE: '1' } : process.env;
  const out = join(data, 'out');
  mkdirSync(out, { recursive: true });

  // CPU seconds (user + sys, from /usr/bin/time) sit beside wall time: on a shared, loaded machine the
  // wall-time ratio swings with the load while the CPU ratio stays put.
  const timed = (command: string, args: string[], options?: { env?: NodeJS.ProcessEnv }): Timed => {
    const m = ctx.measure('/usr/bin/time', ['-f', '__CPU__ %U %S', command, ...args], options);
    const hit = /__CPU__ ([0-9.]+) ([0-9.]+)\s*$/.exec(m.stderr);
    return { ...m, cpuSec: hit ? Number(hit[1]) + Number(hit[2]) : Number.NaN };
  };
  const medianOf = (runs: Timed[]): Timed => ({
    ...runs[0],
    wallSec: median(runs.map((m) => m.wallSec)),
    cpuSec: median(runs.map((m) => m.cpuSec)),
    peakMB: Math.max(...runs.map((m) => m.peakMB)),
  });
  const best = (label: string, run: () => Timed): Timed => {
    const runs: Timed[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const m = run();
      if (m.status !== 0) throw new Error(`${label} failed (${m.status}): ${m.stderr.slice(-400)}`);
      runs.push(m);
    }
    return medianOf(runs);
  };
  const score = (catalog: string, truth: string, fluxCol = 'flux'): Score => {
    const m = ctx.measure(ctx.python, [join(kit, 'score_catalog.py'), catalog, truth, '--fluxcol', fluxCol]);
    if (m.status !== 0) throw new Error(`score_catalog.py failed: ${m.stderr.slice(-300)}`);
    return JSON.parse(m.stdout) as Score;
  };
  const metrics = (s: Score) => ({
    recall: s.recall,
    'recall(snr>=10)': s.recall_snr_ge_10,
    precision: s.precision,
    'pos_err px': s.median_pos_err_px,
    'flux scatter': s.flux_ratio_scatter,
  });

  for (const n of sizes) {
    const image = join(data, `field_${n}_f32.fits`);
    const truth = join(data, `field_${n}_truth.csv`);
    const frameMB = (n * n * 4) / 1024 / 1024;
    const task = `detect ${n}² f32`;
    const sexCat = join(out, `sex_${n}.cat`);
    const sexRun = (): Timed =>
      timed('source-extractor', [
        image,
        '-c',
        join(kit, 'sextractor', 'bench.sex'),
        '-PARAMETERS_NAME',
        join(kit, 'sextractor', 'bench.param'),
        '-CATALOG_NAME',
        sexCat,
      ]);
    const owbCat = (workers: number) => join(out, `owb_${n}_w${workers}.csv`);
    const owbRun = (workers: number) => (): Timed =>
      timed(
        process.execPath,
        [
          join(ctx.root, 'bin', 'owb.js'),
          'detect',
          image,
          '--out',
          owbCat(workers),
          '--phot-r',
          '5',
          '--annulus',
          '8,12',
          '--workers',
          String(workers),
        ],
        { env },
      );
    // SExtractor and ours alternate within each round, so the ratios compare runs made under the same load
    // (the machine is shared); the 1-minute load average at each run's start is printed beside them.
    const tools = [
      { label: 'source-extractor', run: sexRun },
      { label: 'owb detect --workers 1', run: owbRun(1) },
      { label: 'owb detect --workers 2', run: owbRun(2) },
    ];
    const runs = tools.map(() => [] as Timed[]);
    const loads = tools.map(() => [] as number[]);
    for (let r = 0; r < REPEATS; r++) {
      tools.forEach((t, k) => {
        loads[k].push(loadavg()[0]);
        const m = t.run();
        if (m.status !== 0) throw new Error(`${t.label} failed (${m.status}): ${m.stderr.slice(-400)}`);
        runs[k].push(m);
      });
    }
    const [sex, ...ourRuns] = runs.map(medianOf);
    ctx.row({
      suite: 'detect',
      task,
      tool: 'SExtractor',
      wallSec: sex.wallSec,
      peakMB: sex.peakMB,
      metrics: { 'cpu s': sex.cpuSec, load: +median(loads[0]).toFixed(1), ...metrics(score(sexCat, truth)) },
    });

    for (const [k, workers] of [1, 2].entries()) {
      const ours = ourRuns[k];
      ctx.row({
        suite: 'detect',
        task,
        tool: `owb detect --workers ${workers}`,
        wallSec: ours.wallSec,
        peakMB: ours.peakMB,
        ratio: (ours.wallSec / sex.wallSec).toFixed(2),
        metrics: {
          'cpu s': ours.cpuSec,
          'cpu ratio': +(ours.cpuSec / sex.cpuSec).toFixed(2),
          load: +median(loads[k + 1]).toFixed(1),
          ...metrics(score(owbCat(workers), truth)),
          'peak/frame': +(ours.peakMB / frameMB).toFixed(2),
        },
        note: fromSource ? 'from source (tsx)' : undefined,
      });
    }

    {
      // PSF photometry (ePSF + grouped fits) on top of detection; flux scatter scored on flux_psf (total flux).
      const cat = join(out, `owb_${n}_psf.csv`);
      const m = timed(
        process.execPath,
        [join(ctx.root, 'bin', 'owb.js'), 'detect', image, '--out', cat, '--phot-r', '5', '--annulus', '8,12', '--psf'],
        { env },
      );
      if (m.status !== 0) throw new Error(`owb detect --psf failed: ${m.stderr.slice(-400)}`);
      ctx.row({
        suite: 'detect',
        task,
        tool: 'owb detect --psf',
        wallSec: m.wallSec,
        peakMB: m.peakMB,
        ratio: (m.wallSec / sex.wallSec).toFixed(2),
        metrics: {
          'cpu s': m.cpuSec,
          'cpu ratio': +(m.cpuSec / sex.cpuSec).toFixed(2),
          ...metrics(score(cat, truth, 'flux_psf')),
        },
        note: '1 run; flux = flux_psf',
      });
    }

    const sepCat = join(out, `sep_${n}.csv`);
    const sep = best('sep', () => timed(ctx.python, [join(kit, 'anchors.py'), 'sep', image, sepCat]));
    ctx.row({
      suite: 'detect',
      task,
      tool: 'SEP',
      wallSec: sep.wallSec,
      peakMB: sep.peakMB,
      ratio: (sep.wallSec / sex.wallSec).toFixed(2),
      metrics: {
        'cpu s': sep.cpuSec,
        'cpu ratio': +(sep.cpuSec / sex.cpuSec).toFixed(2),
        ...metrics(score(sepCat, truth)),
      },
    });
    if (n <= 2048 || !ctx.quick) {
      const dao = join(out, `dao_${n}.csv`);
      const m = ctx.measure(ctx.python, [join(kit, 'anchors.py'), 'photutils', image, dao]);
      if (m.status === 0) {
        ctx.row({
          suite: 'detect',
          task,
          tool: 'photutils DAOStarFinder',
          wallSec: m.wallSec,
          peakMB: m.peakMB,
          ratio: (m.wallSec / sex.wallSec).toFixed(2),
          metrics: metrics(score(dao, truth)),
          note: '1 run',
        });
      }
      // Our DAOFIND at the anchor's settings (4 × background RMS, FWHM 3, r = 5 apertures, annulus 8–12).
      const owbDao = join(out, `owb_dao_${n}.csv`);
      const d = timed(
        process.execPath,
        [
          join(ctx.root, 'bin', 'owb.js'),
          'detect',
          image,
          '--method',
          'dao',
          '--thresh',
          '4',
          '--phot-r',
          '5',
          '--annulus',
          '8,12',
          '--out',
          owbDao,
        ],
        { env },
      );
      if (d.status !== 0) throw new Error(`owb detect --method dao failed: ${d.stderr.slice(-400)}`);
      ctx.row({
        suite: 'detect',
        task,
        tool: 'owb detect --method dao',
        wallSec: d.wallSec,
        peakMB: d.peakMB,
        ratio: (d.wallSec / sex.wallSec).toFixed(2),
        metrics: { 'cpu s': d.cpuSec, ...metrics(score(owbDao, truth, 'flux_aper')) },
        note: '1 run; flux = flux_aper',
      });
    }
  }

  // Forced photometry on the same apertures as photutils (r = 5, annulus 8–12 sigma-clipped median).
  const n = sizes[0];
  const image = join(data, `field_${n}_f32.fits`);
  const positions = join(out, `owb_${n}_w1.csv`);
  const forced = join(out, `forced_${n}.csv`);
  const ours = best('owb photometry', () =>
    timed(
      process.execPath,
      [
        join(ctx.root, 'bin', 'owb.js'),
        'photometry',
        image,
        '--positions',
        positions,
        '--r',
        '5',
        '--annulus',
        '8,12',
        '--out',
        forced,
      ],
      { env },
    ),
  );
  const script = `
import csv, json, sys, time, numpy as np
from astropy.io import fits
from astropy.stats import SigmaClip
from photutils.aperture import CircularAperture, CircularAnnulus, ApertureStats, aperture_photometry
t0 = time.perf_counter()
d = fits.getdata(sys.argv[1]).astype(float)
rows = list(csv.DictReader(open(sys.argv[2])))
pos = np.array([[float(r['x']), float(r['y'])] for r in rows])
ap = CircularAperture(pos, r=5.0); an = CircularAnnulus(pos, r_in=8.0, r_out=12.0)
loc = ApertureStats(d, an, sigma_clip=SigmaClip(sigma=3.0, maxiters=10)).median
flux = np.asarray(aperture_photometry(d, ap, method='exact')['aperture_sum']) - loc * ap.area
ours = np.array([float(r['flux']) for r in csv.DictReader(open(sys.argv[3]))])
inside = (pos[:, 0] > 13) & (pos[:, 1] > 13) & (pos[:, 0] < d.shape[1] - 14) & (pos[:, 1] < d.shape[0] - 14)
rel = np.abs(ours[inside] / flux[inside] - 1)
print(json.dumps({'n': int(inside.sum()), 'max_rel': float(np.nanmax(rel)), 'median_rel': float(np.nanmedian(rel)), 'sec': time.perf_counter() - t0}))
`;
  const ref = ctx.measure(ctx.python, ['-c', script, image, positions, forced]);
  if (ref.status !== 0) throw new Error(`photutils forced photometry failed: ${ref.stderr.slice(-400)}`);
  const cmp = JSON.parse(ref.stdout) as { n: number; max_rel: number; median_rel: number; sec: number };
  ctx.row({
    suite: 'detect',
    task: `forced phot ${n}² r=5`,
    tool: 'photutils (exact)',
    wallSec: ref.wallSec,
    peakMB: ref.peakMB,
    metrics: { n: cmp.n },
  });
  ctx.row({
    suite: 'detect',
    task: `forced phot ${n}² r=5`,
    tool: 'owb photometry',
    wallSec: ours.wallSec,
    peakMB: ours.peakMB,
    ratio: (ours.wallSec / ref.wallSec).toFixed(2),
    metrics: { 'max |Δ|/flux vs photutils': cmp.max_rel, 'median |Δ|/flux': cmp.median_rel },
  });
}

/** True when we must run from source: dist is missing or older than the detection sources. */
function ensureBuilt(ctx: BenchContext): boolean {
  const built = join(ctx.root, 'dist', 'src-main', 'cli', 'commands', 'detect.js');
  const newest = [
    'src-main/cli/commands/detect.ts',
    'src-workers/core/detect/measure.ts',
    'src-main/node/detect/detect-frame.ts',
  ]
    .map((p) => statSync(join(ctx.root, p)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return false;
  const m = ctx.measure(process.execPath, [
    join(ctx.root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-b',
    'tsconfig.build.json',
  ]);
  return !(existsSync(built) && m.status === 0);
}
