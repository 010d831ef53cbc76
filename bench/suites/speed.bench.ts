// Issue 24's speed goals, each against its reference tool in the same run, whole processes both sides
// (start-up, reading and writing included), median wall time of REPEATS runs taken in turn, and CPU
// seconds (user + sys, /usr/bin/time) beside them since on a shared machine the wall ratio follows the
// load while the CPU ratio stays put:
// - `owb info` (read + statistics) vs astropy `getdata` + numpy min/max/mean/median/std of the finite
//   values, on make_field.py's 4096² float32 and uint16 frames; the figures must agree (exact min, max,
//   median; mean and stdev within 1e-12 / 1e-10 relative) or the row says so.
// - `owb masters` (bias, dark, flat: 10 frames each, 2048², median) vs numpy doing the same work
//   (median stacks; darks bias-subtracted; flats bias- and scaled-dark-corrected, each divided by its
//   median, median-combined, normalised to median 1; all three written with astropy); max |Δ| of each
//   master against numpy's is printed (ADU for bias and dark, relative for the flat).
// Goal: ratio (ours ÷ reference) ≤ 0.5. Detection against SExtractor is in detect.bench.ts.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Measured } from '../harness.js';

const REPEATS = 3;

interface Timed extends Measured {
  cpuSec: number;
}

const INFO_PY = `
import sys, json
import numpy as np
from astropy.io import fits
d = fits.getdata(sys.argv[1], memmap=False)
g = d[np.isfinite(d)] if d.dtype.kind == 'f' else d.ravel()
print(json.dumps(dict(min=float(g.min()), max=float(g.max()), mean=float(g.mean(dtype=np.float64)),
                      median=float(np.median(g)), stdev=float(g.std(dtype=np.float64)))))
`;

const MASTERS_PY = `
import sys, glob, os
import numpy as np
from astropy.io import fits
calib, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
def stack(kind):
    files = sorted(glob.glob(os.path.join(calib, kind, '*.fits')))
    return files, np.stack([fits.getdata(f).astype(np.float32) for f in files])
_, b = stack('bias')
bias = np.median(b, axis=0).astype(np.float32); del b
fits.writeto(os.path.join(out, 'master_bias.fits'), bias, overwrite=True)
dfiles, d = stack('dark')
d -= bias
dark = np.median(d, axis=0).astype(np.float32); del d
dexp = fits.getheader(dfiles[0])['EXPTIME']
fits.writeto(os.path.join(out, 'master_dark.fits'), dark, overwrite=True)
ffiles, f = stack('flat')
for k, name in enumerate(ffiles):
    f[k] -= bias
    f[k] -= dark * np.float32(fits.getheader(name)['EXPTIME'] / dexp)
    f[k] *= np.float32(1 / np.median(f[k]))
flat = np.median(f, axis=0).astype(np.float32); del f
flat /= np.median(flat)
fits.writeto(os.path.join(out, 'master_flat.fits'), flat, overwrite=True)
`;

const COMPARE_PY = `
import sys, json, numpy as np
from astropy.io import fits
out = {}
for name in ('master_bias', 'master_dark', 'master_flat'):
    a = fits.getdata(f'{sys.argv[1]}/{name}.fits').astype(np.float64)
    b = fits.getdata(f'{sys.argv[2]}/{name}.fits').astype(np.float64)
    out[name] = float(np.nanmax(np.abs(a - b)))
print(json.dumps(out))
`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function speedBench(ctx: BenchContext): Promise<void> {
  const data = join(ctx.dataDir, 'detect');
  const calib = join(data, 'calib');
  const n = ctx.quick ? 2048 : 4096;
  const haveFields = existsSync(join(data, `field_${n}_f32.fits`)) && existsSync(join(data, `field_${n}_u16.fits`));
  const haveCalib = ['bias', 'dark', 'flat'].every(
    (k) => existsSync(join(calib, k)) && readdirSync(join(calib, k)).length >= 10,
  );
  if (!haveFields || !haveCalib) {
    const gen = ctx.measure(ctx.python, [
      join(ctx.shared, 'bench', 'make_field.py'),
      '--out',
      data,
      '--sizes',
      ctx.quick ? '2048' : '2048,4096',
    ]);
    if (gen.status !== 0) throw new Error(`make_field.py failed: ${gen.stderr.slice(-400)}`);
  }
  const timed = (command: string, args: string[]): Timed => {
    const m = ctx.measure('/usr/bin/time', ['-f', '__CPU__ %U %S', command, ...args]);
    const hit = /__CPU__ ([0-9.]+) ([0-9.]+)\s*$/.exec(m.stderr);
    if (m.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${m.stderr.slice(-400)}`);
    return { ...m, cpuSec: hit ? Number(hit[1]) + Number(hit[2]) : Number.NaN };
  };
  /** Runs ours and theirs in turn REPEATS times, so both see the same load; medians of each. */
  const pair = (ours: () => Timed, theirs: () => Timed): { ours: Timed; theirs: Timed } => {
    const a: Timed[] = [];
    const b: Timed[] = [];
    for (let r = 0; r < REPEATS; r++) {
      b.push(theirs());
      a.push(ours());
    }
    const pick = (runs: Timed[]): Timed => ({
      ...runs[0],
      wallSec: median(runs.map((m) => m.wallSec)),
      cpuSec: median(runs.map((m) => m.cpuSec)),
      peakMB: Math.max(...runs.map((m) => m.peakMB)),
    });
    return { ours: pick(a), theirs: pick(b) };
  };
  const owb = join(ctx.root, 'bin', 'owb.js');

  for (const kind of ['f32', 'u16']) {
    const file = join(data, `field_${n}_${kind}.fits`);
    const task = `info ${n}² ${kind === 'f32' ? 'float32' : 'uint16'}`;
    const { ours, theirs } = pair(
      () => timed(process.execPath, [owb, 'info', '--json', file]),
      () => timed(ctx.python, ['-c', INFO_PY, file]),
    );
    const want = JSON.parse(theirs.stdout) as Record<string, number>;
    const got = (JSON.parse(ours.stdout) as { hdus: { stats: Record<string, number> }[] }).hdus[0].stats;
    const agree =
      got.min === want.min &&
      got.max === want.max &&
      got.median === want.median &&
      Math.abs(got.mean - want.mean) <= 1e-12 * Math.abs(want.mean) &&
      Math.abs(got.stdev - want.stdev) <= 1e-10 * want.stdev;
    ctx.row({
      suite: 'speed',
      task,
      tool: 'astropy + numpy',
      wallSec: theirs.wallSec,
      peakMB: theirs.peakMB,
      metrics: { 'cpu s': theirs.cpuSec },
    });
    ctx.row({
      suite: 'speed',
      task,
      tool: 'owb info',
      wallSec: ours.wallSec,
      peakMB: ours.peakMB,
      ratio: (ours.wallSec / theirs.wallSec).toFixed(2),
      metrics: {
        'cpu s': ours.cpuSec,
        'cpu ratio': +(ours.cpuSec / theirs.cpuSec).toFixed(2),
        'same figures': agree ? 'yes' : 'NO',
      },
      note: 'goal ≤ 0.5',
    });
  }

  const list = (k: string): string[] =>
    readdirSync(join(calib, k))
      .filter((f) => f.endsWith('.fits'))
      .sort()
      .map((f) => join(calib, k, f));
  const out = join(data, 'out-speed');
  mkdirSync(out, { recursive: true });
  const oursDir = join(out, 'owb-masters');
  const refDir = join(out, 'numpy-masters');
  const { ours, theirs } = pair(
    () =>
      timed(process.execPath, [
        owb,
        'masters',
        '--bias',
        ...list('bias'),
        '--darks',
        ...list('dark'),
        '--flats',
        ...list('flat'),
        '--out',
        oursDir,
      ]),
    () => timed(ctx.python, ['-c', MASTERS_PY, calib, refDir]),
  );
  const cmp = ctx.measure(ctx.python, ['-c', COMPARE_PY, oursDir, refDir]);
  const diff = cmp.status === 0 ? (JSON.parse(cmp.stdout) as Record<string, number>) : {};
  const task = 'masters 3×10 frames 2048²';
  ctx.row({
    suite: 'speed',
    task,
    tool: 'numpy (same work)',
    wallSec: theirs.wallSec,
    peakMB: theirs.peakMB,
    metrics: { 'cpu s': theirs.cpuSec },
  });
  ctx.row({
    suite: 'speed',
    task,
    tool: 'owb masters',
    wallSec: ours.wallSec,
    peakMB: ours.peakMB,
    ratio: (ours.wallSec / theirs.wallSec).toFixed(2),
    metrics: {
      'cpu s': ours.cpuSec,
      'cpu ratio': +(ours.cpuSec / theirs.cpuSec).toFixed(2),
      'bias max|Δ| ADU': diff.master_bias ?? 'n/a',
      'dark max|Δ| ADU': diff.master_dark ?? 'n/a',
      'flat max|Δ|': diff.master_flat ?? 'n/a',
    },
    note: 'goal ≤ 0.5',
  });
}
