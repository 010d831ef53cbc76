// Streamed statistics against numpy on the finite values (np.min/max/mean/median/std), with NaN and
// ±Inf counted apart: exact for min, max and median, 1e-12 relative for the mean, 1e-10 for the stdev
// (numpy sums pairwise, we sum in order). The data are
// fed in uneven chunks, as a file reader would, and include values near 1e308 that overflow a plain sum.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StreamingStats, type StreamedStats } from '../../../../src-workers/core/stats/streaming.js';
import { python } from '../../fits-oracles.js';
import { mulberry32 as rng } from '../../../seeded-uniform.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-streaming-stats-'));

function streamed(data: Float64Array, chunk: number): StreamedStats & { passes: number } {
  const stats = new StreamingStats();
  let passes = 0;
  do {
    passes++;
    for (let i = 0; i < data.length; i += chunk) stats.add(data.slice(i, i + chunk));
  } while (stats.endPass());
  return { ...stats.result(), passes };
}

function numpy(data: Float64Array): Record<string, number | null> {
  const path = join(dir, 'data.f64');
  writeFileSync(path, data);
  return JSON.parse(
    python(
      `import json, numpy as np\nx = np.fromfile(${JSON.stringify(path)}, dtype='<f8'); g = x[np.isfinite(x)]\n` +
        `f = lambda v: None if not np.isfinite(v) else float(v)\n` +
        // numpy's own mean, median and std overflow near 1e308: take them at an exact power-of-two scale.
        `e = int(np.frexp(np.abs(g).max())[1]); s = np.ldexp(g, -e); m = np.sort(g)[[(g.size - 1) // 2, g.size // 2]]\n` +
        `print(json.dumps(dict(count=int(g.size), nanCount=int(np.isnan(x).sum()), posInfCount=int((x == np.inf).sum()), negInfCount=int((x == -np.inf).sum()), min=f(g.min()), max=f(g.max()), mean=f(np.ldexp(s.mean(), e)), median=f(np.median(g)) if np.isfinite(np.median(g)) else f(m[0] / 2 + m[1] / 2), stdev=f(np.ldexp(s.std(), e)))))`,
    ),
  );
}

function check(name: string, data: Float64Array, chunk: number): void {
  const got = streamed(data, chunk);
  const want = numpy(data);
  for (const k of ['count', 'nanCount', 'posInfCount', 'negInfCount', 'min', 'max', 'median'] as const)
    assert.equal(got[k], want[k], `${name}: ${k} ${got[k]} vs numpy ${want[k]}`);
  for (const [k, tol] of [
    ['mean', 1e-12],
    ['stdev', 1e-10],
  ] as const) {
    const w = want[k] as number;
    assert.ok(Math.abs(got[k] - w) <= tol * Math.abs(w) + 1e-300, `${name}: ${k} ${got[k]} vs numpy ${w}`);
  }
  assert.ok(got.passes <= 5, `${name}: ${got.passes} passes`);
}

describe('StreamingStats', () => {
  it('sky-like float32 values with NaN and ±Inf: finite statistics as numpy, odd and even counts', () => {
    const r = rng(1);
    for (const n of [100_001, 100_000]) {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = Math.fround(1000 + 10 * (r() + r() + r() - 1.5));
      data[5] = NaN;
      data[77] = Infinity;
      data[78] = Infinity;
      data[900] = -Infinity;
      check(`sky ${n}`, data, 4093);
    }
  });

  it('values near 1e308 do not overflow the mean or the stdev', () => {
    const r = rng(2);
    const data = new Float64Array(5000);
    for (let i = 0; i < data.length; i++) data[i] = (r() < 0.5 ? 1e308 : 1.7e308) * (0.5 + r() / 2);
    data[10] = -1e308;
    check('1e308', data, 999);
    const got = streamed(data, 999);
    assert.ok(Number.isFinite(got.mean) && Number.isFinite(got.stdev));
  });

  it('integer data with few distinct values, a wide dynamic range, and data with no finite value', () => {
    const r = rng(3);
    const ints = new Float64Array(300_001);
    for (let i = 0; i < ints.length; i++) ints[i] = Math.floor(r() * 7) - 3;
    check('ints', ints, 65536);
    const wide = new Float64Array(200_000);
    for (let i = 0; i < wide.length; i++) wide[i] = (r() - 0.5) * 10 ** (r() * 600 - 300);
    check('wide', wide, 10_000);
    const none = streamed(new Float64Array([NaN, Infinity, -Infinity, NaN]), 3);
    assert.deepEqual([none.count, none.nanCount, none.posInfCount, none.negInfCount, none.mean], [0, 2, 1, 1, NaN]);
  });

  it('a tight cluster needs more than two passes and stays exact', () => {
    // 300 000 values within one 16-bit key bucket and beyond COLLECT_MAX after 32 bits: the selection refines.
    const data = new Float64Array(300_000);
    const r = rng(4);
    for (let i = 0; i < data.length; i++) data[i] = 1 + r() * 1e-9;
    check('cluster', data, 50_000);
    assert.ok(streamed(data, 50_000).passes >= 3);
  });
});
