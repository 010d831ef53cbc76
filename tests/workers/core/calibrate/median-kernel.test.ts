// The SIMD median of N bands (core/calibrate/median-kernel.ts: the per-N emitted register kernel of
// median-wasm-gen.ts up to N = 32, the generic column kernel above) against (1) the 0–1 principle, which
// proves a comparator network selects the median of every input when it does so for every 0/1 input,
// checked exhaustively for N ≤ 16; (2) a per-pixel sort written in the test, value for value, for N =
// 1..40 and 64 with ties, ±∞, NaN (scattered and in whole rows) and a length that is not a multiple of
// the chunk or of four; (3) numpy's nanmedian on the same bands.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { combineBand, resolveCombine } from '../../../../src-workers/core/calibrate/index.js';
import {
  MEDIAN_KERNEL_MAX_FRAMES,
  medianBandSimd,
  medianKernelKind,
  medianNetwork,
} from '../../../../src-workers/core/calibrate/median-kernel.js';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { python } from '../../fits-oracles.js';

const LENGTH = 2 * 4096 + 4096 / 2 + 7;

function sortedMedian(bands: readonly Float32Array[], i: number): number {
  const v = bands.map((b) => b[i]).filter((x) => !Number.isNaN(x));
  if (v.length === 0) return NaN;
  v.sort((a, b) => a - b);
  const m = v.length >> 1;
  return Math.fround(v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]));
}

function makeBands(n: number, seed: number, length = LENGTH): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, k) => {
    const a = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      const u = rng.next();
      // Few distinct values, so ties are everywhere; some wide-range floats, infinities and zeros.
      a[i] = u < 0.6 ? Math.round(rng.next() * 6) : u < 0.9 ? (rng.next() - 0.5) * 1e6 : u < 0.95 ? -0 : Infinity;
      if (u > 0.98) a[i] = -Infinity;
    }
    if (k % 3 === 0) for (let i = k; i < length; i += 1009) a[i] = NaN;
    // A whole run of NaN in one frame (a masked column band), and one pixel NaN in every frame.
    if (k === 1) a.fill(NaN, 5000, 5100);
    a[777] = NaN;
    return a;
  });
}

describe('SIMD median of bands', () => {
  it('the pruned network selects the middle value(s) of every 0/1 input, N = 1..16', () => {
    for (let n = 1; n <= 16; n++) {
      const { pairs, lo, hi } = medianNetwork(n);
      const v = new Uint8Array(n);
      for (let bits = 0; bits < 1 << n; bits++) {
        let ones = 0;
        for (let k = 0; k < n; k++) ones += v[k] = (bits >> k) & 1;
        for (const [a, b] of pairs) {
          if (v[a] > v[b]) [v[a], v[b]] = [v[b], v[a]];
        }
        // Sorted, position p holds 1 exactly when p ≥ n − ones.
        assert.equal(v[lo], lo >= n - ones ? 1 : 0, `n=${n} bits=${bits} lo`);
        assert.equal(v[hi], hi >= n - ones ? 1 : 0, `n=${n} bits=${bits} hi`);
      }
    }
  });

  it('equals a per-pixel sort value for value, N = 1..40 and 64, with ties, ±∞ and NaN', () => {
    const sizes = [...Array.from({ length: 40 }, (_, i) => i + 1), MEDIAN_KERNEL_MAX_FRAMES];
    for (const n of sizes) {
      const bands = makeBands(n, 1000 + n);
      const out = new Float32Array(LENGTH).fill(-12345);
      let scalarPixels = 0;
      const ran = medianBandSimd(bands, out, (start, end) => {
        scalarPixels += end - start;
        for (let i = start; i < end; i++) out[i] = sortedMedian(bands, i);
      });
      assert.ok(ran, `n=${n}: the SIMD path did not run`);
      // Both kernels are exercised: the emitted register kernel up to 32 frames, the column kernel above.
      assert.equal(medianKernelKind(n), n <= 32 ? 'registers' : 'columns', `n=${n}`);
      assert.ok(
        scalarPixels >= 1 && scalarPixels < LENGTH / 2,
        `n=${n}: ${scalarPixels} pixels left to the scalar path`,
      );
      for (let i = 0; i < LENGTH; i++) {
        const want = sortedMedian(bands, i);
        if (Number.isNaN(want)) assert.ok(Number.isNaN(out[i]), `n=${n} pixel ${i}: ${out[i]}, want NaN`);
        else assert.ok(out[i] === want, `n=${n} pixel ${i}: ${out[i]}, want ${want}`);
      }
    }
  });

  it('combineBand (median) equals its own NaN-ignoring scalar path and numpy nanmedian', () => {
    const n = 10;
    const length = 3 * 4096 + 1;
    const rng = createRng(7);
    const bands = Array.from({ length: n }, () => {
      const a = new Float32Array(length);
      for (let i = 0; i < length; i++) a[i] = 1000 + Math.round(rng.next() * 40) / 4 + (rng.next() < 0.01 ? 3e4 : 0);
      for (let i = 0; i < length; i += 2003) a[i] = NaN;
      return a;
    });
    const options = resolveCombine({ method: 'median' });
    const simd = new Float32Array(length);
    combineBand(bands, options, simd);
    // Asking for a coverage map keeps combineBand on the scalar sorted gather.
    const scalar = new Float32Array(length);
    combineBand(bands, options, scalar, { coverage: new Float32Array(length) });
    assert.deepEqual(simd, scalar);
    const dir = mkdtempSync(join(tmpdir(), 'owb-median-kernel-'));
    try {
      const stack = new Float32Array(n * length);
      bands.forEach((b, k) => stack.set(b, k * length));
      writeFileSync(join(dir, 'stack.f32'), stack);
      writeFileSync(join(dir, 'out.f32'), simd);
      const differ = python(
        `import warnings, numpy as np\nwarnings.simplefilter('ignore')\n` +
          `s = np.fromfile('${dir}/stack.f32', dtype='<f4').reshape(${n}, ${length}).astype(np.float64)\n` +
          `m = np.fromfile('${dir}/out.f32', dtype='<f4')\n` +
          `r = np.nanmedian(s, axis=0).astype(np.float32)\n` +
          `print(int(((r != m) & ~(np.isnan(r) & np.isnan(m))).sum()))`,
      );
      assert.equal(Number(differ), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
