// Plate solving: our solver vs astrometry.net's solve-field with the same Debian Tycho-2 indexes, in one run.
// 1. Synthetic detections of the real sky (the test suite's generator; known truth), hinted and blind: our
//    solver timed in-process (index loading reported apart), solve-field as a process on the same x/y list.
// 2. The DSS M67 plate from its header hints: `owb solve` and solve-field, whole processes.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readStarIndex } from '../../src-workers/io/star-index-file.js';
import { prepareIndex, solveField } from '../../src-workers/core/astrometry/solve.js';
import { fitZeroPoint } from '../../src-workers/core/astrometry/zero-point.js';
import { syntheticField, type SyntheticSpec } from '../../tests/workers/core/astrometry/synthetic-field.js';
import type { BenchContext } from '../harness.js';
import { SOLVE_FIELD, solveFieldOnDetections, errorOverFrame, WRONG_PX } from './solve-common.js';

const INDEX = (n: string) => `/usr/share/astrometry/index-tycho2-${n}.littleendian.fits`;

export default async function solveBench(ctx: BenchContext): Promise<void> {
  if (!existsSync(INDEX('08'))) {
    ctx.row({ suite: 'solve', task: 'all', tool: 'skipped', note: 'Tycho-2 index packages absent' });
    return;
  }
  const dir = join(ctx.dataDir, 'solve');
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const indexes = await Promise.all(['08', '09', '10'].map(async (n) => prepareIndex(await readStarIndex(INDEX(n)))));
  ctx.row({ suite: 'solve', task: 'load index 08-10', tool: 'owb', wallSec: (performance.now() - t0) / 1000 });
  const fields: SyntheticSpec[] = [
    { raDeg: 83.8, decDeg: -5.4, rotationDeg: 200, flip: true, seed: 2 },
    { raDeg: 10.7, decDeg: 41.3, rotationDeg: 300, flip: true, seed: 3 },
    { raDeg: 250, decDeg: -60, rotationDeg: 90, flip: false, seed: 4 },
  ].map((f) => ({ ...f, scaleArcsec: 3, width: 2048, height: 1536, distortion: 1e-6, hotPixels: 30 }));
  for (const blind of [false, true]) {
    let ours = 0;
    let theirs = 0;
    let solvedOurs = 0;
    let solvedTheirs = 0;
    let wrong = 0;
    let worst = 0;
    let worstRms = 0;
    let worstZp = 0;
    for (const spec of fields) {
      const f = syntheticField(indexes[0].index, indexes[0].lookup, spec);
      const hint = blind ? undefined : { raDeg: spec.raDeg + 0.4, decDeg: spec.decDeg - 0.3, radiusDeg: 2 };
      const scale = blind ? { scaleLowArcsec: 1, scaleHighArcsec: 10 } : { scaleLowArcsec: 2, scaleHighArcsec: 4 };
      const t = performance.now();
      const sol = solveField(f.stars, indexes, { width: 2048, height: 1536, hint, ...scale });
      ours += (performance.now() - t) / 1000;
      if (sol.solved) {
        const e = errorOverFrame(sol.wcs, f.wcs, 2048, 1536, 3);
        const w = e.worst;
        worstRms = Math.max(worstRms, e.rms);
        if (w > WRONG_PX) wrong++;
        else solvedOurs++;
        worst = Math.max(worst, w);
        // The generator's fluxes are 10^(−0.4 (V_T − 25)) with 5 % scatter: the zero point's truth is 25.
        const zero = fitZeroPoint(
          sol.matchedMag,
          sol.matchedField.map((d) => f.stars.flux[d]),
        );
        if (zero) worstZp = Math.max(worstZp, Math.abs(zero.zp - 25));
      }
      if (!existsSync(SOLVE_FIELD)) continue;
      const frame = { width: 2048, height: 1536, ...scale };
      const m = await solveFieldOnDetections(ctx, dir, `field-${spec.seed}`, f.stars, frame, hint);
      theirs += m.wallSec;
      if (m.solved) solvedTheirs++;
    }
    const task = `synthetic 2048x1536 ${blind ? 'blind' : 'hinted'} (${fields.length})`;
    ctx.row({
      suite: 'solve',
      task,
      tool: 'owb (solver only)',
      wallSec: ours / fields.length,
      metrics: {
        solved: `${solvedOurs}/${fields.length}`,
        wrong,
        'worst px vs truth': worst.toFixed(3),
        'rms px vs truth (worst frame)': worstRms.toFixed(3),
        'worst zero point vs truth (mag)': worstZp.toFixed(4),
      },
      ratio: theirs ? (ours / theirs).toFixed(3) : undefined,
    });
    if (theirs)
      ctx.row({
        suite: 'solve',
        task,
        tool: 'solve-field',
        wallSec: theirs / fields.length,
        metrics: { solved: `${solvedTheirs}/${fields.length}` },
      });
  }
  // Pure-noise detection lists, blind with the default search budget: a solution here is a false one.
  let falseSolutions = 0;
  let noiseSec = 0;
  const NOISE = 2;
  for (let k = 0; k < NOISE; k++) {
    let seed = 101 + k;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
    const n = 150;
    const noise = {
      x: Float64Array.from({ length: n }, () => rand() * 2047),
      y: Float64Array.from({ length: n }, () => rand() * 1535),
      flux: Float64Array.from({ length: n }, () => 10 ** (4 * rand())),
    };
    const t = performance.now();
    const sol = solveField(noise, indexes, { width: 2048, height: 1536, scaleLowArcsec: 1, scaleHighArcsec: 10 });
    noiseSec += (performance.now() - t) / 1000;
    if (sol.solved) falseSolutions++;
  }
  ctx.row({
    suite: 'solve',
    task: `pure-noise 2048x1536 blind, default budget (${NOISE})`,
    tool: 'owb (solver only)',
    wallSec: noiseSec / NOISE,
    metrics: { 'false solutions': falseSolutions },
    note: 'the time to exhaust the 20000-candidate budget',
  });
  // OWB_REAL_DIR: the real frames when the checkout is not beside shared/ (a worktree).
  const m67 = join(process.env.OWB_REAL_DIR ?? join(ctx.shared, 'data', 'real'), 'dss_poss1_m67_M6707HH.fits');
  if (existsSync(m67) && existsSync(INDEX('07'))) {
    const m = ctx.owb(['solve', m67, '--json']);
    const r = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as {
      solved?: boolean;
      rmsArcsec?: number;
      matched?: number;
    };
    ctx.row({
      suite: 'solve',
      task: 'DSS M67 (header hints)',
      tool: 'owb solve',
      wallSec: m.wallSec,
      peakMB: m.peakMB,
      metrics: { solved: String(r.solved), matched: r.matched ?? 0 },
    });
    if (existsSync(SOLVE_FIELD)) {
      const sf = ctx.measure(SOLVE_FIELD, [
        '--overwrite',
        '--no-plots',
        '--dir',
        dir,
        '--cpulimit',
        '60',
        '--scale-units',
        'arcsecperpix',
        '--scale-low',
        '1.5',
        '--scale-high',
        '1.9',
        '--ra',
        '132.83',
        '--dec',
        '11.8',
        '--radius',
        '2',
        m67,
      ]);
      ctx.row({
        suite: 'solve',
        task: 'DSS M67 (header hints)',
        tool: 'solve-field (60 s limit)',
        wallSec: sf.wallSec,
        metrics: { solved: String(existsSync(join(dir, 'dss_poss1_m67_M6707HH.solved'))) },
      });
    }
  }
}
