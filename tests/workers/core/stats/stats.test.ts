// Statistics against numpy/astropy computed on the same values (Debian's python3), tolerance 1e-9 relative
// unless stated; medians and percentiles must match exactly (they are order statistics or their means).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import {
  basicStats,
  histogram,
  mad,
  median,
  percentiles,
  sigmaClippedStats,
  zscale,
} from '../../../../src-workers/core/stats/index.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-stats-'));

function sample(n: number, seed: number, nanEvery = 0): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = rng.normal() * 10 + 100 + (rng.next() < 0.03 ? rng.uniform(100, 1000) : 0);
    if (nanEvery && i % nanEvery === 3) out[i] = Number.NaN;
  }
  // Ties: round a tenth of them.
  for (let i = 0; i < n; i += 10) out[i] = Math.round(out[i]);
  return out;
}

function numpy(values: Float64Array, script: string): Record<string, number | number[]> {
  const file = join(dir, `v${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(file, new Uint8Array(values.buffer));
  const code = `import numpy as np, json, sys\nfrom astropy.stats import sigma_clipped_stats\nfrom astropy.visualization import ZScaleInterval\nx = np.fromfile(${JSON.stringify(file)}, dtype='<f8')\nout = {}\n${script}\nprint(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const close = (a: number, b: number, rel = 1e-9, what = ''): void => {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
};

describe('stats against numpy', () => {
  for (const [n, nanEvery] of [
    [1001, 0],
    [1000, 7],
    [2, 0],
    [1, 0],
  ] as const) {
    it(`basicStats, percentiles, mad on ${n} values${nanEvery ? ' with NaN' : ''}`, () => {
      const x = sample(n, n + nanEvery, nanEvery);
      const ref = numpy(
        x,
        `y = x[~np.isnan(x)]\nout.update(min=float(y.min()), max=float(y.max()), mean=float(y.mean()), median=float(np.median(y)), std=float(y.std()), nan=int(np.isnan(x).sum()), p=[float(v) for v in np.percentile(y, [0, 1, 25, 50, 62.5, 99.5, 100])], mad=float(np.median(np.abs(y - np.median(y)))))`,
      );
      const s = basicStats(x);
      assert.equal(s.min, ref.min);
      assert.equal(s.max, ref.max);
      assert.equal(s.median, ref.median);
      assert.equal(median(x), ref.median);
      assert.equal(s.nanCount, ref.nan);
      close(s.mean, ref.mean as number, 1e-12, 'mean');
      close(s.stdev, ref.std as number, 1e-9, 'stdev');
      percentiles(x, [0, 1, 25, 50, 62.5, 99.5, 100]).forEach((v, i) =>
        close(v, (ref.p as number[])[i], 1e-12, `p${i}`),
      );
      assert.equal(mad(x), ref.mad);
    });
  }

  it('sigma-clipped stats match astropy.stats.sigma_clipped_stats (σ=3, 5 iterations)', () => {
    const x = sample(5000, 11, 50);
    const ref = numpy(
      x,
      `m, md, s = sigma_clipped_stats(x, sigma=3, maxiters=5)\nout.update(mean=float(m), median=float(md), std=float(s))`,
    );
    const c = sigmaClippedStats(x);
    close(c.mean, ref.mean as number, 1e-10, 'mean');
    assert.equal(c.median, ref.median);
    close(c.stdev, ref.std as number, 1e-9, 'std');
  });

  it('zscale matches astropy ZScaleInterval', () => {
    for (const seed of [3, 4]) {
      const x = sample(20000, seed, 97);
      const ref = numpy(x, `lo, hi = ZScaleInterval().get_limits(x)\nout.update(lo=float(lo), hi=float(hi))`);
      const [lo, hi] = zscale(x);
      close(lo, ref.lo as number, 1e-9, 'zmin');
      close(hi, ref.hi as number, 1e-9, 'zmax');
    }
  });

  it('histogram matches numpy.histogram', () => {
    const x = sample(3000, 5, 0);
    const ref = numpy(x, `c, e = np.histogram(x, bins=37)\nout.update(c=[int(v) for v in c], e=[float(v) for v in e])`);
    const h = histogram(x, { bins: 37 });
    assert.deepEqual(Array.from(h.counts), ref.c);
    Array.from(h.edges).forEach((e, i) => close(e, (ref.e as number[])[i], 1e-12, 'edge'));
  });

  it('all-NaN input gives NaN statistics, not an error', () => {
    const s = basicStats(Float32Array.of(Number.NaN, Number.NaN));
    assert.equal(s.count, 0);
    assert.equal(s.nanCount, 2);
    assert.ok(Number.isNaN(s.median));
  });
});
