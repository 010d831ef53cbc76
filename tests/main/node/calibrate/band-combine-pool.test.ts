// The streaming combine on the worker pool (combine-band tasks on shared buffers) against numpy's
// nanmedian / nanmean of the same frames: the median exact, the mean within 1e-6 relative (float32
// output); and identical, value for value, to the one-thread combine for median and sigma clipping,
// with several row bands and a per-frame correction.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { combineFrameFiles } from '../../../../src-main/node/calibrate/band-combine.js';
import { openCompatibleFrames } from '../../../../src-main/node/calibrate/frames.js';
import { WorkerPool } from '../../../../src-main/node/pool/worker-pool.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { python } from '../../../workers/fits-oracles.js';

const W = 640;
const H = 450; // 288 000 pixels: above the pool's minimum band size
const N = 7;

describe('combineFrameFiles on a worker pool', () => {
  let dir: string;
  let paths: string[];
  let pool: WorkerPool;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-band-pool-'));
    paths = [];
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < N; k++) {
      const data = new Float32Array(W * H);
      for (let i = 0; i < data.length; i++) data[i] = 1000 + 50 * rand() + (rand() < 0.001 ? 5e4 : 0);
      for (let i = k; i < data.length; i += 997) data[i] = NaN;
      const path = join(dir, `f${k}.fits`);
      await writeFitsImage(path, { width: W, height: H, data });
      paths.push(path);
    }
    pool = new WorkerPool({ threads: 2 });
  });
  after(async () => {
    await pool.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("median and mean equal numpy's nanmedian / nanmean", async () => {
    const frames = await openCompatibleFrames(paths, 'test');
    const median = await combineFrameFiles(frames, { method: 'median', pool });
    const mean = await combineFrameFiles(frames, { method: 'mean', pool });
    writeFileSync(join(dir, 'median.f32'), median.image.data);
    writeFileSync(join(dir, 'mean.f32'), mean.image.data);
    const out = python(
      `import json, numpy as np\nfrom astropy.io import fits\n` +
        `s = np.stack([fits.getdata(p).astype(np.float64) for p in ${JSON.stringify(paths)}])\n` +
        `m = np.fromfile('${dir}/median.f32', dtype='<f4').reshape(${H}, ${W})\n` +
        `a = np.fromfile('${dir}/mean.f32', dtype='<f4').reshape(${H}, ${W})\n` +
        `ref_m = np.nanmedian(s, axis=0).astype(np.float32); ref_a = np.nanmean(s, axis=0)\n` +
        `print(json.dumps(dict(median_differ=int((m != ref_m).sum()), mean_rel=float(np.max(np.abs(a - ref_a) / ref_a)))))`,
    );
    const r = JSON.parse(out) as { median_differ: number; mean_rel: number };
    assert.equal(r.median_differ, 0);
    assert.ok(r.mean_rel < 1e-6, `mean relative error ${r.mean_rel}`);
  });

  it('gives the one-thread result exactly, over several bands and with a per-frame correction', async () => {
    const frames = await openCompatibleFrames(paths, 'test');
    for (const method of ['median', 'sigma'] as const) {
      const options = {
        method,
        // 420-row bands: the first (268 800 px) on the pool, the short last one in this thread.
        memoryBudgetBytes: N * W * 4 * 420,
        prepare: (k: number, band: Float32Array) => {
          for (let i = 0; i < band.length; i++) band[i] = band[i] * (1 + k / 10) - k;
        },
      };
      const one = await combineFrameFiles(frames, options);
      const many = await combineFrameFiles(frames, { ...options, pool });
      assert.deepEqual(many.image.data, one.image.data, method);
    }
  });
});
