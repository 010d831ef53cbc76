// Synthetic dataset generation: `owb synth` vs the plain numpy generator (lensgen.py) on the same task —
// 2000 lens/non-lens images of 64², 8-bit PNG, written to disk with train/test CSVs, timed end to end
// including start-up. Same parameter ranges as lensgen.py (configs/comprehensive.yaml defaults).
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Measured } from '../harness.js';

const REPEATS = 3;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** True when some source `owb synth` runs has no compiled `dist/` counterpart at least as new as it. */
function distIsStale(root: string): boolean {
  let stale = false;
  const walk = (dir: string, keep: (name: string) => boolean): void => {
    for (const name of readdirSync(join(root, dir))) {
      const rel = join(dir, name);
      if (statSync(join(root, rel)).isDirectory()) walk(rel, keep);
      else if (name.endsWith('.ts') && keep(name)) {
        const out = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(join(root, rel)).mtimeMs) stale = true;
      }
    }
  };
  walk(join('src-workers', 'core', 'synth'), () => true);
  walk(join('src-main', 'node', 'synth'), () => true);
  walk(join('src-workers', 'tasks'), (n) => n.startsWith('synth-'));
  walk(join('src-main', 'cli', 'commands'), (n) => n === 'synth.ts');
  return stale;
}

export default async function synthBench(ctx: BenchContext): Promise<void> {
  // `bin/owb.js` runs dist/ when it exists; measure the sources (slower start-up) when dist/ is stale.
  const stale = distIsStale(ctx.root);
  const owb = (args: string[]): Measured =>
    stale ? ctx.measure(process.execPath, [join(ctx.root, 'bin', 'owb.js'), ...args], { env: { ...process.env, OWB_FROM_SOURCE: '1' } }) : ctx.owb(args);
  const n = ctx.quick ? 400 : 2000;
  const nTest = Math.round(n * 0.2);
  const lensgen = join(ctx.shared, 'bench', 'lensgen.py');
  const timeOf = (label: string, dir: string, run: () => Measured): { walls: number[]; peakMB: number } => {
    const walls: number[] = [];
    let peakMB = 0;
    for (let r = 0; r < REPEATS; r++) {
      rmSync(dir, { recursive: true, force: true });
      const m = run();
      if (m.status !== 0) throw new Error(`${label} failed (${m.status}): ${m.stderr.slice(-500)}`);
      walls.push(m.wallSec);
      peakMB = Math.max(peakMB, m.peakMB);
    }
    rmSync(dir, { recursive: true, force: true });
    return { walls, peakMB };
  };

  const refDir = join(ctx.dataDir, 'synth-lensgen');
  const ref = existsSync(lensgen)
    ? timeOf('lensgen.py', refDir, () => ctx.measure(ctx.python, [lensgen, '--out', refDir, '--n', String(n), '--seed', '7']))
    : { walls: [], peakMB: 0 };
  const refRate = ref.walls.length ? n / median(ref.walls) : Number.NaN;
  if (ref.walls.length) {
    ctx.row({ suite: 'synth', task: `${n} lens/non-lens PNG 64²`, tool: 'numpy lensgen.py', wallSec: median(ref.walls), peakMB: ref.peakMB, metrics: { 'img/s': refRate }, note: `median of ${REPEATS}` });
  }

  for (const format of ['PNG', 'FITS'] as const) {
    const config = join(ctx.dataDir, `synth-bench-${format}.yaml`);
    writeFileSync(config, `General: {n_train: ${n - nTest}, n_test: ${nTest}, image_size: 64, seed: 7}\nOutput: {image_format: ${format}}\n`);
    const out = join(ctx.dataDir, `synth-owb-${format}`);
    const { walls, peakMB } = timeOf(`owb synth ${format}`, out, () => owb(['synth', '--config', config, '--out', out, '--log-level', 'warn']));
    const rate = n / median(walls);
    ctx.row({
      suite: 'synth',
      task: `${n} lens/non-lens ${format} 64²`,
      tool: stale ? 'owb synth (sources)' : 'owb synth',
      wallSec: median(walls),
      peakMB,
      metrics: { 'img/s': rate },
      ratio: Number.isFinite(refRate) ? `${(rate / refRate).toFixed(2)}× lensgen.py's rate` : undefined,
      note: `median of ${REPEATS}, end to end incl. start-up${stale ? '; dist/ is stale: run npm run build' : ''}`,
    });
  }
}
