// Display stretches against astropy.visualization (ImageNormalize with ZScaleInterval / MinMaxInterval /
// PercentileInterval and Linear/Log/Sqrt/Asinh stretches), compared as 8-bit levels: at most 1 level
// apart (our 4096-entry lookup table and rounding), on a realistic sky-like sample.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  colormapLut,
  renderGrey,
  renderRgba,
  stretchToBytes,
  type Limits,
  type StretchName,
} from '../../../../src-workers/core/display/index.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-display-'));

function sky(n: number): Float32Array {
  const rng = createRng(7);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 1000 + rng.normal() * 20 + (rng.next() < 0.02 ? rng.uniform(0, 30000) : 0);
  out[5] = Number.NaN;
  return out;
}

describe('display stretches against astropy.visualization', () => {
  const data = sky(4000);
  const file = join(dir, 'sky.f32');
  writeFileSync(file, new Uint8Array(data.buffer));
  const cases: Array<[StretchName, Limits, string]> = [
    ['linear', { kind: 'zscale' }, 'ZScaleInterval()'],
    ['log', { kind: 'minmax' }, 'MinMaxInterval()'],
    ['sqrt', { kind: 'percentile', lower: 0.5, upper: 99.5 }, 'AsymmetricPercentileInterval(0.5, 99.5)'],
    ['asinh', { kind: 'zscale' }, 'ZScaleInterval()'],
  ];
  const stretchPy: Record<string, string> = {
    linear: 'LinearStretch()',
    log: 'LogStretch()',
    sqrt: 'SqrtStretch()',
    asinh: 'AsinhStretch()',
  };
  for (const [stretch, limits, interval] of cases) {
    it(`${stretch} with ${limits.kind} limits is within 1 level of astropy`, () => {
      const code = `import numpy as np, json\nfrom astropy.visualization import *\nx = np.fromfile('${file}', dtype='<f4').astype(float)\nf = x[np.isfinite(x)]\nlo, hi = ${interval}.get_limits(f)\ny = ${stretchPy[stretch]}(np.clip((x - lo) / (hi - lo), 0, 1))\nb = np.where(np.isfinite(y), np.round(y * 255), 0).astype(int)\nprint(json.dumps([float(lo), float(hi), b.tolist()]))`;
      const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const [lo, hi, ref] = JSON.parse(r.stdout) as [number, number, number[]];
      const out = stretchToBytes(data, { stretch, limits });
      assert.ok(Math.abs(out.vmin - lo) <= 1e-6 * Math.abs(lo) + 1e-9, `vmin ${out.vmin} vs ${lo}`);
      assert.ok(Math.abs(out.vmax - hi) <= 1e-6 * Math.abs(hi) + 1e-9, `vmax ${out.vmax} vs ${hi}`);
      let worst = 0;
      ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(out.bytes[i] - v))));
      assert.ok(worst <= 1, `worst level difference ${worst}`);
    });
  }

  it('histogram equalisation spreads levels evenly', () => {
    const rng = createRng(1);
    const d = Float32Array.from({ length: 10000 }, () => Math.exp(rng.normal()));
    const { bytes } = stretchToBytes(d, { stretch: 'histeq', limits: { kind: 'minmax' } });
    const quarter = bytes.filter((b) => b <= 64).length / bytes.length;
    assert.ok(Math.abs(quarter - 0.25) < 0.02, `fraction at ≤ 64: ${quarter}`);
  });

  it('renders NaN transparent, flips rows, and maps colours', () => {
    const img = { width: 2, height: 2, data: Float32Array.of(0, 1, Number.NaN, 3) };
    const rgba = renderRgba(img, { limits: { kind: 'manual', vmin: 0, vmax: 3 } }).pixels;
    // Row 1 (NaN, 3) is drawn first.
    assert.deepEqual(Array.from(rgba.subarray(0, 8)), [0, 0, 0, 0, 255, 255, 255, 255]);
    assert.deepEqual(
      Array.from(renderGrey(img, { limits: { kind: 'manual', vmin: 0, vmax: 3 } }).pixels),
      [0, 255, 0, 85],
    );
    const red = colormapLut('red');
    assert.deepEqual(Array.from(red.subarray(3 * 200, 3 * 200 + 3)), [200, 0, 0]);
  });
});
