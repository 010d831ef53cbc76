// Synthetic dataset generation: `owb synth` vs the plain numpy generator (lensgen.py) on the same task —
// 2000 lens/non-lens images of 64², 8-bit PNG (and FITS for owb), written with train/test CSVs to a RAM
// file system and to disk, timed end to end including start-up. Same parameter ranges as lensgen.py (configs/comprehensive.yaml defaults).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Measured } from '../harness.js';

/**
 * Rounds per tool. A run's time drifts by ±20 % with the disk's state (write-back, trims of files
 * deleted earlier), whatever the tool: five interleaved rounds give a median that holds from one bench
 * to the next, three did not.
 */
const REPEATS = 5;

/**
 * Flushes the file system (`sync`): each run writes thousands of small files, and the kernel would
 * otherwise write back one tool's files (and trim what an earlier suite deleted) during the next tool's
 * run. Not timed.
 */
function settle(): void {
  spawnSync('sync');
}

/** A folder on a RAM file system (tmpfs), or undefined where there is none. */
function ramFolder(): string | undefined {
  const TMPFS_MAGIC = 0x01021994;
  try {
    return statfsSync('/dev/shm').type === TMPFS_MAGIC ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

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
      // AssemblyScript sources compile into kernels/binary.generated.ts, which is checked like the rest.
      else if (name.endsWith('.ts') && !name.endsWith('.as.ts') && keep(name)) {
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
    stale
      ? ctx.measure(process.execPath, [join(ctx.root, 'bin', 'owb.js'), ...args], {
          env: { ...process.env, OWB_FROM_SOURCE: '1' },
        })
      : ctx.owb(args);
  const n = ctx.quick ? 400 : 2000;
  const nTest = Math.round(n * 0.2);
  const lensgen = join(ctx.shared, 'bench', 'lensgen.py');
  // Every run writes into a fresh folder. The tools take turns in each round so that drifting machine
  // load hits them alike. Each round writes once to disk (the bench's data folder) and, where the machine
  // has one, once to a RAM file system: on this VM the disk's cost of creating a file varies twentyfold
  // (ext4 without a journal passes over every inode freed recently, up to 5 minutes ago, each time it
  // allocates one, so after any large deletion, such as the previous bench's cleanup, each new file costs
  // up to 0.5 ms of kernel time), the same for every tool, which on its own moved the ratio between 2× and
  // 5×. The RAM rows compare the generators; the disk rows show what the file system adds.
  const places: Array<{ name: string; root: string; clearEachRun: boolean }> = [];
  const ram = ramFolder();
  if (ram) places.push({ name: 'RAM', root: join(ram, `owb-bench-synth-${process.pid}`), clearEachRun: true });
  // On disk, all runs are removed only at the end: a deletion would slow the file creation that followed.
  places.push({ name: 'disk', root: join(ctx.dataDir, 'synth-runs'), clearEachRun: false });
  for (const place of places) rmSync(place.root, { recursive: true, force: true });
  const tools: Array<{ name: string; format: 'PNG' | 'FITS'; run: (out: string) => Measured }> = [];
  if (existsSync(lensgen)) {
    tools.push({
      name: 'numpy lensgen.py',
      format: 'PNG',
      run: (out) => ctx.measure(ctx.python, [lensgen, '--out', out, '--n', String(n), '--seed', '7']),
    });
  }
  for (const format of ['PNG', 'FITS'] as const) {
    const config = join(ctx.dataDir, `synth-bench-${format}.yaml`);
    writeFileSync(
      config,
      `General: {n_train: ${n - nTest}, n_test: ${nTest}, image_size: 64, seed: 7}\nOutput: {image_format: ${format}}\n`,
    );
    tools.push({
      name: stale ? 'owb synth (sources)' : 'owb synth',
      format,
      run: (out) => owb(['synth', '--config', config, '--out', out, '--log-level', 'warn']),
    });
  }
  const walls = places.map(() => tools.map(() => [] as number[]));
  const peaks = tools.map(() => 0);
  try {
    for (let r = 0; r < REPEATS; r++) {
      places.forEach((place, p) => {
        tools.forEach((tool, t) => {
          settle();
          const out = join(place.root, `${t}-${r}`);
          const m = tool.run(out);
          if (m.status !== 0)
            throw new Error(`${tool.name} ${tool.format} failed (${m.status}): ${m.stderr.slice(-500)}`);
          walls[p][t].push(m.wallSec);
          peaks[t] = Math.max(peaks[t], m.peakMB);
          if (place.clearEachRun) rmSync(out, { recursive: true, force: true });
        });
      });
    }
  } finally {
    for (const place of places) rmSync(place.root, { recursive: true, force: true });
  }
  places.forEach((place, p) => {
    const refRate = tools[0]?.name.includes('lensgen') ? n / median(walls[p][0]) : Number.NaN;
    tools.forEach((tool, t) => {
      const rate = n / median(walls[p][t]);
      const ours = !tool.name.includes('lensgen');
      ctx.row({
        suite: 'synth',
        task: `${n} lens/non-lens ${tool.format} 64² to ${place.name}`,
        tool: tool.name,
        wallSec: median(walls[p][t]),
        peakMB: peaks[t],
        metrics: { 'img/s': rate },
        ratio: ours && Number.isFinite(refRate) ? `${(rate / refRate).toFixed(2)}× lensgen.py's rate` : undefined,
        note: `median of ${REPEATS}${ours ? ', end to end incl. start-up' : ''}${ours && stale ? '; dist/ is stale: run npm run build' : ''}`,
      });
    });
  });

  // Start-up alone (2 images, median of 3 each): how much of the end-to-end time above is fixed cost —
  // interpreter and library loading for lensgen.py, Node and module loading for owb.
  const tiny = join(ctx.dataDir, 'synth-bench-startup.yaml');
  writeFileSync(tiny, 'General: {n_train: 1, n_test: 1, image_size: 64, seed: 7}\nOutput: {image_format: PNG}\n');
  const startupRoot = join(ctx.dataDir, 'synth-startup');
  rmSync(startupRoot, { recursive: true, force: true });
  try {
    const startups = tools.slice(0, -1).map((tool, t) => {
      const walls: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const dir = join(startupRoot, `${t}-${r}`);
        settle();
        const m = tool.name.includes('lensgen')
          ? ctx.measure(ctx.python, [lensgen, '--out', dir, '--n', '2', '--seed', '7'])
          : owb(['synth', '--config', tiny, '--out', dir, '--log-level', 'warn']);
        if (m.status !== 0) throw new Error(`${tool.name} start-up run failed (${m.status}): ${m.stderr.slice(-500)}`);
        walls.push(m.wallSec);
      }
      return { tool, wall: median(walls) };
    });
    for (const { tool, wall } of startups) {
      ctx.row({
        suite: 'synth',
        task: '2 images (start-up alone)',
        tool: tool.name,
        wallSec: wall,
        note: `median of ${REPEATS}; the fixed part of the 2000-image times above`,
      });
    }
  } finally {
    rmSync(startupRoot, { recursive: true, force: true });
  }
  // Node's own start, part of every owb figure: where NODE_EXTRA_CA_CERTS is set, Node 20 with OpenSSL 3
  // parses that bundle before running any script (nodejs/node#40524), a cost no script can avoid.
  const nodeStart = (env?: NodeJS.ProcessEnv): number =>
    median(Array.from({ length: 5 }, () => ctx.measure(process.execPath, ['-e', '0'], { env }).wallSec));
  const extraCerts = process.env.NODE_EXTRA_CA_CERTS;
  ctx.row({
    suite: 'synth',
    task: 'Node start-up alone (node -e 0)',
    tool: 'node',
    wallSec: nodeStart(),
    note: extraCerts
      ? `median of 5; includes loading NODE_EXTRA_CA_CERTS=${extraCerts} (${nodeStart(withoutExtraCerts()).toFixed(3)} s without it)`
      : 'median of 5',
  });

  // Physical mode (SIE + shear ray tracing, Sérsic source and lens, Moffat PSF, noise): no reference
  // tool; its rate tells how long a physical training set takes.
  const nPhysical = ctx.quick ? 40 : 200;
  const physical = join(ctx.dataDir, 'synth-bench-physical.yaml');
  writeFileSync(
    physical,
    `General: {n_train: ${nPhysical}, n_test: 0, image_size: 64, seed: 7, mode: physical}\nOutput: {image_format: FITS}\n`,
  );
  const out = join(ctx.dataDir, 'synth-physical');
  try {
    const m = owb(['synth', '--config', physical, '--out', out, '--log-level', 'warn']);
    if (m.status !== 0) throw new Error(`owb synth physical failed (${m.status}): ${m.stderr.slice(-500)}`);
    ctx.row({
      suite: 'synth',
      task: `${nPhysical} physical-mode FITS 64²`,
      tool: tools.at(-1)?.name ?? 'owb synth',
      wallSec: m.wallSec,
      peakMB: m.peakMB,
      metrics: { 'img/s': nPhysical / m.wallSec },
      note: 'all cores',
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function withoutExtraCerts(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
