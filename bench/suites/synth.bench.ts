// Synthetic dataset generation: `owb synth` vs the plain numpy generator (lensgen.py) on the same task —
// 2000 lens/non-lens images of 64², 8-bit PNG, written to disk with train/test CSVs, timed end to end
// including start-up. Same parameter ranges as lensgen.py (configs/comprehensive.yaml defaults).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Measured } from '../harness.js';

const REPEATS = 3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function synthBench(ctx: BenchContext): Promise<void> {
  const n = ctx.quick ? 400 : 2000;
  const nTest = Math.round(n * 0.2);
  const lensgen = join(ctx.shared, 'bench', 'lensgen.py');
  const timeOf = (label: string, dir: string, run: () => Measured): number[] => {
    const walls: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      rmSync(dir, { recursive: true, force: true });
      const m = run();
      if (m.status !== 0) throw new Error(`${label} failed (${m.status}): ${m.stderr.slice(-500)}`);
      walls.push(m.wallSec);
    }
    rmSync(dir, { recursive: true, force: true });
    return walls;
  };

  const refDir = join(ctx.dataDir, 'synth-lensgen');
  const refWalls = existsSync(lensgen)
    ? timeOf('lensgen.py', refDir, () => ctx.measure(ctx.python, [lensgen, '--out', refDir, '--n', String(n), '--seed', '7']))
    : [];
  const refRate = refWalls.length ? n / median(refWalls) : Number.NaN;
  if (refWalls.length) {
    ctx.row({ suite: 'synth', task: `${n} lens/non-lens PNG 64²`, tool: 'numpy lensgen.py', wallSec: median(refWalls), metrics: { 'img/s': refRate } });
  }

  for (const format of ['PNG', 'FITS'] as const) {
    const config = join(ctx.dataDir, `synth-bench-${format}.yaml`);
    writeFileSync(config, `General: {n_train: ${n - nTest}, n_test: ${nTest}, image_size: 64, seed: 7}\nOutput: {image_format: ${format}}\n`);
    const out = join(ctx.dataDir, `synth-owb-${format}`);
    const walls = timeOf(`owb synth ${format}`, out, () => ctx.owb(['synth', '--config', config, '--out', out, '--log-level', 'warn']));
    const rate = n / median(walls);
    ctx.row({
      suite: 'synth',
      task: `${n} lens/non-lens ${format} 64²`,
      tool: 'owb synth',
      wallSec: median(walls),
      metrics: { 'img/s': rate },
      ratio: Number.isFinite(refRate) ? `${(rate / refRate).toFixed(2)}× lensgen.py's rate` : undefined,
      note: `median of ${REPEATS}, end to end incl. start-up`,
    });
  }
}
