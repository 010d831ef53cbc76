// Blind wide-field plate solving (issue 19): 2048² frames at 30″/px (17°), where only the 3-star Tycho-2
// indexes 4111–4119 have asterisms of the field's size. Our solver (quads built from their triangles,
// src-workers/core/astrometry/triangle-quads.ts) vs solve-field on the same detection lists, blind with
// the same scale range, in one run. Then the cost of preparing the indexes: a first solve in a fresh
// thread state with an empty workspace cache (read + build) against one with the cache filled (read).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readStarIndex } from '../../src-workers/io/star-index-file.js';
import { buildConeLookup } from '../../src-workers/core/astrometry/star-index.js';
import { recordSource } from '../../src-workers/core/wcs/index.js';
import { forgetLoadedIndexes, solveDetections } from '../../src-workers/tasks/plate-solve.js';
import { syntheticField, type SyntheticSpec } from '../../tests/workers/core/astrometry/synthetic-field.js';
import type { BenchContext } from '../harness.js';
import { SOLVE_FIELD, solveFieldOnDetections, errorOverFrame, WRONG_PX } from './solve-common.js';

const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';
const SCALE = { scaleLowArcsec: 25, scaleHighArcsec: 35 };

export default async function solveWideBench(ctx: BenchContext): Promise<void> {
  if (!existsSync(INDEX07) || !existsSync('/usr/share/astrometry/index-tycho2-15.littleendian.fits')) {
    ctx.row({ suite: 'solve-wide', task: 'all', tool: 'skipped', note: 'Tycho-2 index packages absent' });
    return;
  }
  const dir = join(ctx.dataDir, 'solve-wide');
  const cacheDir = join(dir, 'cache');
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const stars = await readStarIndex(INDEX07, { quads: false });
  const lookup = buildConeLookup(stars.xyz);
  const fields: SyntheticSpec[] = [
    { raDeg: 310.5, decDeg: -48.1, rotationDeg: 180, flip: false, seed: 35 },
    { raDeg: 12.4, decDeg: 41.3, rotationDeg: 33, flip: true, seed: 41 },
    { raDeg: 200, decDeg: -70, rotationDeg: 280, flip: false, seed: 42 },
    { raDeg: 100, decDeg: 5, rotationDeg: 10, flip: true, seed: 43 },
    { raDeg: 255, decDeg: 20, rotationDeg: 140, flip: false, seed: 44 },
  ].map((f) => ({ ...f, scaleArcsec: 30, width: 2048, height: 2048, distortion: 2e-8, hotPixels: 30 }));
  const frames = fields.map((spec) => ({ spec, f: syntheticField(stars, lookup, spec) }));

  // Preparing the indexes: empty cache (read + build, then written), then a fresh thread state reading it.
  for (const state of ['empty cache', 'cache filled']) {
    forgetLoadedIndexes();
    const t = performance.now();
    const { spec, f } = frames[0];
    await solveDetections(f.stars, spec.width, spec.height, recordSource({}), { blind: true, ...SCALE, cacheDir });
    ctx.row({
      suite: 'solve-wide',
      task: `first blind 30"/px solve in a new process state (${state})`,
      tool: 'owb',
      wallSec: (performance.now() - t) / 1000,
      note: 'reads the verification star list (index 09 here) and the 3 indexes chosen; builds star orders and quads when not cached',
    });
  }

  let ours = 0;
  let theirs = 0;
  let solvedOurs = 0;
  let solvedTheirs = 0;
  let wrong = 0;
  let worst = 0;
  let worstRms = 0;
  for (const { spec, f } of frames) {
    const t = performance.now();
    const r = await solveDetections(f.stars, spec.width, spec.height, recordSource({}), {
      blind: true,
      ...SCALE,
      cacheDir,
    });
    ours += (performance.now() - t) / 1000;
    if ('solution' in r) {
      const e = errorOverFrame(r.solution.wcs, f.wcs, spec.width, spec.height, spec.scaleArcsec);
      const w = e.worst;
      worstRms = Math.max(worstRms, e.rms);
      if (w > WRONG_PX) wrong++;
      else solvedOurs++;
      worst = Math.max(worst, w);
    }
    if (!existsSync(SOLVE_FIELD)) continue;
    const frame = { width: spec.width, height: spec.height, ...SCALE };
    const m = await solveFieldOnDetections(ctx, dir, `wide-${spec.seed}`, f.stars, frame);
    theirs += m.wallSec;
    if (m.solved) solvedTheirs++;
  }
  const task = `synthetic 2048x2048 at 30"/px (17 deg) blind (${frames.length})`;
  ctx.row({
    suite: 'solve-wide',
    task,
    tool: 'owb (indexes loaded)',
    wallSec: ours / frames.length,
    metrics: {
      solved: `${solvedOurs}/${frames.length}`,
      wrong: wrong,
      'worst px vs truth': worst.toFixed(3),
      'rms px vs truth (worst frame)': worstRms.toFixed(3),
    },
    ratio: theirs ? (ours / theirs).toFixed(3) : undefined,
  });
  if (theirs)
    ctx.row({
      suite: 'solve-wide',
      task,
      tool: 'solve-field',
      wallSec: theirs / frames.length,
      metrics: { solved: `${solvedTheirs}/${frames.length}` },
    });
}
