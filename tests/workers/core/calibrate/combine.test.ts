import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  combineBand,
  combineImages,
  combineValues,
  createCombineScratch,
  resolveCombine,
  type CombineMethod,
} from '../../../../src-workers/core/calibrate/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';

/** Independent, allocation-happy reference implementations written straight from the definitions. */
function reference(values: number[], method: CombineMethod, kappa = 3): number {
  let v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
  const median = (a: number[]): number => {
    const s = [...a].sort((x, y) => x - y);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const std = (a: number[]): number => {
    const m = mean(a);
    return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
  };
  if (v.length === 0) return NaN;
  if (method === 'mean') return mean(v);
  if (method === 'median') return median(v);
  if (method === 'minmax') return v.length > 2 ? mean(v.slice(1, -1)) : median(v);
  for (let it = 0; it < 10 && v.length > 2; it++) {
    const m = median(v);
    let s = std(v);
    if (method === 'winsor') {
      for (let k = 0; k < 10; k++) {
        const w = v.map((x) => Math.min(m + 1.5 * s, Math.max(m - 1.5 * s, x)));
        const next = 1.134 * std(w);
        const done = Math.abs(next - s) <= 5e-4 * s;
        s = next;
        if (done) break;
      }
    }
    const kept = v.filter((x) => Math.abs(x - m) <= kappa * s);
    if (kept.length === v.length || kept.length === 0) break;
    v = kept;
  }
  return mean(v);
}

describe('combineValues', () => {
  const rng = createRng(11);
  const methods: CombineMethod[] = ['mean', 'median', 'sigma', 'winsor', 'minmax'];
  for (const method of methods) {
    it(`${method} agrees with a reference implementation on 500 random pixel stacks (1e-9 relative)`, () => {
      const options = resolveCombine({ method, kappa: 2.5 });
      const scratch = createCombineScratch(64);
      for (let t = 0; t < 500; t++) {
        const n = 3 + rng.int(40);
        const values = Array.from({ length: n }, () => 100 + 5 * rng.normal());
        if (rng.next() < 0.5) values[rng.int(n)] = 1000 * rng.next();
        if (rng.next() < 0.2) values[rng.int(n)] = NaN;
        const got = combineValues(Float64Array.from(values), n, options, scratch);
        const want = reference(values, method, 2.5);
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `${method} n=${n}: ${got} vs ${want}`);
      }
    });
  }

  it('returns NaN when every value is NaN, and ignores NaN otherwise', () => {
    const o = resolveCombine({ method: 'sigma' });
    const s = createCombineScratch(4);
    assert.ok(Number.isNaN(combineValues([NaN, NaN, NaN], 3, o, s)));
    assert.equal(combineValues([1, NaN, 3], 3, resolveCombine({ method: 'median' }), s), 2);
  });

  it('sigma clipping rejects an injected cosmic ray and reports it', () => {
    const s = createCombineScratch(10);
    const values = [10, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9, 500, 10.3, 9.7];
    const v = combineValues(values, 10, resolveCombine({ method: 'sigma', kappa: 3 }), s);
    assert.ok(Math.abs(v - 10) < 0.05, `got ${v}`);
    assert.equal(s.rejected, 1);
  });

  it('weights the mean of kept values', () => {
    const s = createCombineScratch(3);
    const v = combineValues([1, 2, 3], 3, resolveCombine({ method: 'sigma' }), s, [1, 0, 3]);
    assert.equal(v, (1 + 9) / 4);
  });
});

describe('combineBand fast paths', () => {
  it('unweighted band combine equals combineValues pixel by pixel, with the same rejection counts', () => {
    const rng = createRng(21);
    const n = 9;
    const len = 400;
    const bands = Array.from({ length: n }, () =>
      Float32Array.from({ length: len }, () =>
        rng.next() < 0.05 ? NaN : 50 + 3 * rng.normal() + (rng.next() < 0.05 ? 400 : 0),
      ),
    );
    for (const method of ['mean', 'median', 'sigma', 'winsor', 'minmax'] as const) {
      const options = resolveCombine({ method });
      const out = new Float32Array(len);
      const rejected = new Float32Array(len);
      const coverage = new Float32Array(len);
      combineBand(bands, options, out, { rejected, coverage });
      const scratch = createCombineScratch(n);
      for (let i = 0; i < len; i++) {
        const want = combineValues(
          Float64Array.from(bands, (b) => b[i]),
          n,
          options,
          scratch,
        );
        assert.ok(
          Math.abs(out[i] - Math.fround(want)) <= 1e-4 * Math.abs(want),
          `${method} pixel ${i}: ${out[i]} vs ${want}`,
        );
        assert.equal(rejected[i], scratch.rejected, `${method} pixel ${i} rejected`);
        assert.equal(coverage[i], scratch.used, `${method} pixel ${i} used`);
      }
    }
  });
});

describe('combineImages', () => {
  it('recovers a known frame from noisy copies with outliers: sigma/winsor within 4σ/√N of truth, mean is not', () => {
    const rng = createRng(5);
    const w = 40;
    const h = 30;
    const truth = Float32Array.from({ length: w * h }, () => 1000 + 50 * rng.next());
    const sigma = 3;
    const n = 15;
    // Two cosmic-ray-like outliers per frame, never two in the same pixel (classic clipping cannot
    // reject two equal outliers among 15 values, by design).
    const frames = Array.from({ length: n }, (_, f) => {
      const data = Float32Array.from(truth, (t) => t + sigma * rng.normal());
      data[f * 37] += 3000;
      data[f * 37 + 600] += 3000;
      return { width: w, height: h, data };
    });
    const rms = (img: Float32Array): number =>
      Math.sqrt(img.reduce((s, v, i) => s + (v - truth[i]) ** 2, 0) / img.length);
    const tolerance = (4 * sigma) / Math.sqrt(n);
    for (const method of ['sigma', 'winsor', 'median'] as const) {
      const out = combineImages(frames, { method, kappa: 3 });
      const e = rms(out.data);
      assert.ok(e < tolerance, `${method}: rms ${e} ≥ ${tolerance}`);
    }
    assert.ok(rms(combineImages(frames, { method: 'mean' }).data) > 2 * tolerance, 'mean should be hurt by outliers');
  });

  it('refuses frames of different sizes, naming the frame', () => {
    const a = { width: 4, height: 4, data: new Float32Array(16) };
    const b = { width: 5, height: 4, data: new Float32Array(20) };
    assert.throws(() => combineImages([a, b]), /frame 1 is 5×4, expected 4×4/);
  });
});
