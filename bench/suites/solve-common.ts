// What the plate-solving suites (solve.bench.ts, solve-wide.bench.ts) share: the error of a solution over
// the frame against the truth, and solve-field run on the same detection list (not a suite itself: the
// runner loads only *.bench.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFitsTable } from '../../src-workers/io/fits-file.js';
import { angularSeparationDeg } from '../../src-workers/core/astrometry/sphere.js';
import type { BenchContext } from '../harness.js';

export const SOLVE_FIELD = '/usr/bin/solve-field';

/** A solution beyond this many pixels from the truth somewhere on the frame counts as wrong. */
export const WRONG_PX = 2;

interface PixelToSky {
  pixelToSky(x: number, y: number): [number, number];
}

/**
 * Distance (px) between two WCSs over an 11 × 11 grid spanning a `width` × `height` frame: the worst point and
 * the rms over the grid (issue 19's goal is an rms across the frame; the worst point is the stricter figure).
 */
export function errorOverFrame(
  a: PixelToSky,
  b: PixelToSky,
  width: number,
  height: number,
  scaleArcsec: number,
): { worst: number; rms: number } {
  let worst = 0;
  let sumSq = 0;
  for (let i = 0; i <= 10; i++)
    for (let j = 0; j <= 10; j++) {
      const x = (i / 10) * (width - 1);
      const y = (j / 10) * (height - 1);
      const [ra1, dec1] = a.pixelToSky(x, y);
      const [ra2, dec2] = b.pixelToSky(x, y);
      const d = (angularSeparationDeg(ra1, dec1, ra2, dec2) * 3600) / scaleArcsec;
      worst = Math.max(worst, d);
      sumSq += d * d;
    }
  return { worst, rms: Math.sqrt(sumSq / 121) };
}

/**
 * solve-field on a detection list (written brightest first as an xylist, 1-based FITS pixels), with the same
 * scale range and hint our solver had; its wall time and whether it solved.
 */
export async function solveFieldOnDetections(
  ctx: BenchContext,
  dir: string,
  name: string,
  stars: { x: ArrayLike<number>; y: ArrayLike<number>; flux: ArrayLike<number> },
  frame: { width: number; height: number; scaleLowArcsec: number; scaleHighArcsec: number },
  hint?: { raDeg: number; decDeg: number; radiusDeg: number },
): Promise<{ wallSec: number; solved: boolean }> {
  const order = Array.from({ length: stars.flux.length }, (_, i) => i).sort((a, b) => stars.flux[b] - stars.flux[a]);
  const xyls = join(dir, `${name}.xyls`);
  await writeFitsTable(xyls, [
    { name: 'X', data: Float64Array.from(order, (i) => stars.x[i] + 1) },
    { name: 'Y', data: Float64Array.from(order, (i) => stars.y[i] + 1) },
    { name: 'FLUX', data: Float64Array.from(order, (i) => stars.flux[i]) },
  ]);
  const args = ['--overwrite', '--no-plots', '--dir', dir, '--width', String(frame.width)];
  args.push('--height', String(frame.height), '--cpulimit', '120', '--scale-units', 'arcsecperpix');
  args.push('--scale-low', String(frame.scaleLowArcsec), '--scale-high', String(frame.scaleHighArcsec));
  if (hint) args.push('--ra', String(hint.raDeg), '--dec', String(hint.decDeg), '--radius', String(hint.radiusDeg));
  const m = ctx.measure(SOLVE_FIELD, [...args, xyls]);
  return { wallSec: m.wallSec, solved: existsSync(join(dir, `${name}.solved`)) };
}
