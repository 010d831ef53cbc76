// FITS read speed: our reader vs astropy's `fits.getdata` on the same synthetic frames (make_field.py:
// 2048² and 4096², float32 and uint16 as BITPIX 16 + BZERO 32768), in the same run.
// Both are timed in process: ours = `readFitsImage` in this Node process (open, header scan, read,
// byte swap, BZERO applied, physical float32 out); astropy = `fits.getdata(path, memmap=False)` in a
// Python child timing itself (it returns big-endian arrays, uint16 for the BZERO frames). Median of 5 runs
// each after one warm-up, page cache warm for both. Ratio = our time ÷ astropy's (< 1 is faster).
// A second row per frame reads into a reused output buffer (`into`): a fresh 64 MB typed array costs
// ~16 000 page faults in Node, while numpy's large allocations get transparent huge pages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFitsImage } from '../../src-workers/io/fits-file.js';
import type { BenchContext } from '../harness.js';

const REPEATS = 5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ASTROPY = `
import json, sys, time
import numpy as np
from astropy.io import fits
out = {}
for path in sys.argv[2:]:
    fits.getdata(path, memmap=False)
    times = []
    for _ in range(int(sys.argv[1])):
        t0 = time.perf_counter()
        d = fits.getdata(path, memmap=False)
        times.append(time.perf_counter() - t0)
    times.sort()
    out[path] = times[len(times) // 2]
print(json.dumps(out))
`;

export default async function fitsBench(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? [2048] : [2048, 4096];
  // Reuse the detect suite's fields when present (same generator, same seed), else make our own.
  const shared = join(ctx.dataDir, 'detect');
  const own = join(ctx.dataDir, 'fits');
  const have = (dir: string): boolean =>
    sizes.every((n) => existsSync(join(dir, `field_${n}_f32.fits`)) && existsSync(join(dir, `field_${n}_u16.fits`)));
  let data = have(shared) ? shared : own;
  if (!have(data)) {
    data = own;
    const gen = ctx.measure(ctx.python, [
      join(ctx.shared, 'bench', 'make_field.py'),
      '--out',
      own,
      '--sizes',
      sizes.join(','),
      '--no-calib',
    ]);
    if (gen.status !== 0) throw new Error(`make_field.py failed: ${gen.stderr.slice(-400)}`);
  }
  const files = sizes.flatMap((n) => [
    { n, kind: 'float32', path: join(data, `field_${n}_f32.fits`) },
    { n, kind: 'int16+BZERO', path: join(data, `field_${n}_u16.fits`) },
  ]);
  for (const f of files) {
    // astropy right before ours on the same file, so both see the same machine load.
    const py = ctx.measure(ctx.python, ['-c', ASTROPY, String(REPEATS), f.path]);
    if (py.status !== 0) throw new Error(`astropy timing failed: ${py.stderr.slice(-400)}`);
    const astropy = JSON.parse(py.stdout) as Record<string, number>;
    await readFitsImage(f.path);
    const times: number[] = [];
    let checksum = 0;
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      const { image } = await readFitsImage(f.path);
      times.push((performance.now() - t0) / 1000);
      checksum += image.data[image.data.length >> 1];
    }
    const ours = median(times);
    // The same read into one reused output buffer (`into`), as a stacking loop would do.
    const into = new Float32Array(f.n * f.n);
    await readFitsImage(f.path, { into });
    const reused: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const t0 = performance.now();
      await readFitsImage(f.path, { into });
      reused.push((performance.now() - t0) / 1000);
    }
    const oursReused = median(reused);
    // The fresh-buffer read again in a child whose glibc backs large allocations with huge pages.
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', f.path, String(REPEATS)],
      {
        cwd: ctx.root,
        encoding: 'utf8',
        env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' },
      },
    );
    const oursHuge = child.status === 0 ? Number(child.stdout.trim()) : Number.NaN;
    const theirs = astropy[f.path];
    const mpx = (f.n * f.n) / 1e6;
    const task = `read ${f.n}² ${f.kind}`;
    ctx.row({
      suite: 'fits',
      task,
      tool: 'astropy fits.getdata',
      wallSec: theirs,
      metrics: { 'Mpx/s': mpx / theirs },
      note: 'in-process (python child times itself), memmap=False',
    });
    ctx.row({
      suite: 'fits',
      task,
      tool: 'owb readFitsImage',
      wallSec: ours,
      metrics: { 'Mpx/s': mpx / ours, probe: checksum / REPEATS },
      ratio: (ours / theirs).toFixed(2),
      note: 'in-process, fresh output buffer, physical float32 out; ratio = ours/astropy',
    });
    ctx.row({
      suite: 'fits',
      task,
      tool: 'owb readFitsImage into',
      wallSec: oursReused,
      metrics: { 'Mpx/s': mpx / oursReused },
      ratio: (oursReused / theirs).toFixed(2),
      note: 'in-process, reused output buffer (no page faults); ratio = ours/astropy',
    });
    if (Number.isFinite(oursHuge)) {
      ctx.row({
        suite: 'fits',
        task,
        tool: 'owb readFitsImage THP',
        wallSec: oursHuge,
        metrics: { 'Mpx/s': mpx / oursHuge },
        ratio: (oursHuge / theirs).toFixed(2),
        note: 'fresh buffer, node child with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 timing itself',
      });
    }
  }
}

// Child mode: `node --import tsx fits.bench.ts --child FILE REPEATS` prints the median read time (s).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === '--child') {
  const [path, repeats] = [process.argv[3], Number(process.argv[4])];
  await readFitsImage(path);
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await readFitsImage(path);
    times.push((performance.now() - t0) / 1000);
  }
  console.log(median(times));
}
