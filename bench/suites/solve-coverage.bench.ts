// Which field sizes the packaged Tycho-2 can solve (the README's statement): verification needs 10 catalog
// stars on the frame, so the side of a square holding 10 stars of the densest index (Tycho-2 index 07) is
// the narrowest field that can solve there. Counted in 1° cones around 400 seeded random sky positions,
// printed at percentiles of the sky. Not a timing; no reference tool needed (tests/e2e cross-checks the
// reader against astropy's own reading of the file).
import { existsSync } from 'node:fs';
import { readStarIndex } from '../../src-workers/io/star-index-file.js';
import { buildConeLookup, coneStars } from '../../src-workers/core/astrometry/star-index.js';
import type { BenchContext } from '../harness.js';

const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';

export default async function solveCoverageBench(ctx: BenchContext): Promise<void> {
  if (!existsSync(INDEX07)) {
    ctx.row({ suite: 'solve-coverage', task: 'all', tool: 'skipped', note: 'Tycho-2 index 07 absent' });
    return;
  }
  const index = await readStarIndex(INDEX07, { quads: false });
  const lookup = buildConeLookup(index.xyz);
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const coneDeg2 = 2 * Math.PI * (1 - Math.cos(Math.PI / 180)) * (180 / Math.PI) ** 2;
  const sides: number[] = [];
  for (let k = 0; k < 400; k++) {
    // Uniform on the sphere: z uniform in [−1, 1], longitude uniform.
    const z = 2 * rand() - 1;
    const phi = 2 * Math.PI * rand();
    const r = Math.sqrt(1 - z * z);
    const density = coneStars(index.xyz, lookup, [r * Math.cos(phi), r * Math.sin(phi), z], 1).length / coneDeg2;
    sides.push(Math.sqrt(10 / Math.max(density, 1e-6)) * 60);
  }
  sides.sort((a, b) => a - b);
  const at = (q: number) => sides[Math.min(sides.length - 1, Math.floor(q * sides.length))].toFixed(0);
  ctx.row({
    suite: 'solve-coverage',
    task: 'narrowest square field holding 10 Tycho-2 stars (index 07), 400 sky positions',
    tool: 'owb',
    metrics: {
      "5 % of the sky ≤ (')": at(0.05),
      "median (')": at(0.5),
      "95 % of the sky ≤ (')": at(0.95),
      "largest (')": at(1),
    },
  });
}
