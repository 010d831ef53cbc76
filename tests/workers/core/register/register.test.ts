import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyAffine,
  composeAffine,
  findStars,
  fitAffine,
  fitSimilarity,
  invertAffine,
  matchStars,
  phaseCorrelate,
  registerFrame,
  resampleAffine,
  summariseAffine,
  transformDistanceRms,
  type Affine,
} from '../../../../src-workers/core/register/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { aboutCentre, render, scene } from './synthetic.js';

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('affine helpers', () => {
  const t: Affine = { a: 0.99, b: -0.05, tx: 3.2, c: 0.04, d: 1.01, ty: -7.5 };
  it('inverse composes to the identity (1e-12)', () => {
    const id = composeAffine(invertAffine(t), t);
    for (const [k, v] of Object.entries({ a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 }))
      close(id[k as keyof Affine], v, 1e-12, k);
  });
  it('summarises a rotation about the centre', () => {
    const s = summariseAffine(aboutCentre(100, 100, 0, 0, 12.5, 1.02));
    close(s.rotationDeg, 12.5, 1e-9, 'rotation');
    close(s.scale, 1.02, 1e-12, 'scale');
    assert.equal(s.flipped, false);
  });
});

describe('least-squares fits', () => {
  const rng = createRng(4);
  const truth = aboutCentre(500, 400, 4.3, -2.1, 1.7, 1.01);
  const n = 200;
  const xr = Float64Array.from({ length: n }, () => rng.next() * 500);
  const yr = Float64Array.from({ length: n }, () => rng.next() * 400);
  const xf = new Float64Array(n);
  const yf = new Float64Array(n);
  for (let i = 0; i < n; i++) [xf[i], yf[i]] = applyAffine(truth, xr[i], yr[i]);
  it('fitSimilarity and fitAffine recover an exact similarity (1e-9 px)', () => {
    for (const t of [fitSimilarity({ xr, yr, xf, yf, count: n }), fitAffine({ xr, yr, xf, yf, count: n })]) {
      assert.ok(t);
      assert.ok(transformDistanceRms(t, truth, 500, 400) < 1e-9);
    }
  });
  it('fitSimilarity(mirrored) recovers a flipped frame', () => {
    const flip: Affine = { a: -1, b: 0, tx: 499, c: 0, d: 1, ty: 0 };
    const mirrored = composeAffine(truth, flip);
    const xm = new Float64Array(n);
    const ym = new Float64Array(n);
    for (let i = 0; i < n; i++) [xm[i], ym[i]] = applyAffine(mirrored, xr[i], yr[i]);
    const t = fitSimilarity({ xr, yr, xf: xm, yf: ym, count: n }, true);
    assert.ok(t && transformDistanceRms(t, mirrored, 500, 400) < 1e-9);
  });
});

describe('matchStars', () => {
  const rng = createRng(8);
  const n = 120;
  const ref = { x: new Float64Array(n), y: new Float64Array(n), flux: new Float64Array(n), count: n };
  for (let i = 0; i < n; i++) {
    ref.x[i] = rng.next() * 1000;
    ref.y[i] = rng.next() * 800;
    ref.flux[i] = Math.exp(5 * rng.next());
  }
  const cases: Array<[string, Affine]> = [
    ['shift', aboutCentre(1000, 800, 12.3, -7.8, 0)],
    ['rotation 30°', aboutCentre(1000, 800, -5, 3, 30)],
    ['rotation 180° and scale 1.3', aboutCentre(1000, 800, 20, 10, 180, 1.3)],
    ['mirror', composeAffine(aboutCentre(1000, 800, 3, 4, 5), { a: 1, b: 0, tx: 0, c: 0, d: -1, ty: 799 })],
  ];
  for (const [name, truth] of cases) {
    it(`recovers ${name} from noisy positions (0.05 px centroid noise, 20 % stars replaced) within 0.03 px RMS (2× the expected 0.015)`, () => {
      const frame = { x: new Float64Array(n), y: new Float64Array(n), flux: new Float64Array(n), count: n };
      for (let i = 0; i < n; i++) {
        [frame.x[i], frame.y[i]] = applyAffine(truth, ref.x[i], ref.y[i]);
        frame.x[i] += 0.05 * rng.normal();
        frame.y[i] += 0.05 * rng.normal();
        frame.flux[i] = ref.flux[i] * (1 + 0.05 * rng.normal());
        if (i % 5 === 0) {
          frame.x[i] = rng.next() * 1000;
          frame.y[i] = rng.next() * 800;
        }
      }
      const m = matchStars(ref, frame, { maxScale: 2 });
      assert.ok(m, 'no match');
      assert.ok(m.matched >= 0.7 * n, `matched ${m.matched}`);
      const err = transformDistanceRms(m.transform, truth, 1000, 800);
      assert.ok(err < 0.03, `error ${err} px`);
    });
  }
  it('returns null for unrelated star lists', () => {
    const other = { x: new Float64Array(n), y: new Float64Array(n), flux: new Float64Array(n), count: n };
    for (let i = 0; i < n; i++) {
      other.x[i] = rng.next() * 1000;
      other.y[i] = rng.next() * 800;
      other.flux[i] = rng.next();
    }
    const m = matchStars(ref, other, { minMatches: 10 });
    assert.equal(m, null);
  });
});

describe('registerFrame on rendered images', () => {
  const W = 300;
  const H = 240;
  const sc = scene(3, W, H, 150);
  const refImage = render(sc, aboutCentre(W, H, 0, 0, 0), W, H, 1);
  const ref = { image: refImage, stars: findStars(refImage) };
  for (const [dx, dy, deg] of [
    [3.37, -5.81, 0.4],
    [-10.2, 7.45, -0.35],
  ]) {
    it(`recovers dx=${dx} dy=${dy} rot=${deg}° within 0.05 px RMS over the frame`, () => {
      const truth = aboutCentre(W, H, dx, dy, deg);
      const image = render(sc, truth, W, H, 2);
      const r = registerFrame(ref, { image, stars: findStars(image) });
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.equal(r.method, 'stars');
      const err = transformDistanceRms(r.transform, truth, W, H);
      assert.ok(err < 0.05, `error ${err} px`);
    });
  }
  it('explains a star-less frame instead of throwing', () => {
    const rng = createRng(5);
    const blank = { width: W, height: H, data: Float32Array.from({ length: W * H }, () => 100 + 5 * rng.normal()) };
    const r = registerFrame(ref, { image: blank, stars: findStars(blank) });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /too few stars \(0 found.*phase correlation found no clear peak/);
  });
  it('falls back to phase correlation when a frame has too few detected stars', () => {
    const truth = aboutCentre(W, H, 6.4, -3.3, 0);
    const image = render(sc, truth, W, H, 9);
    const r = registerFrame(ref, { image, stars: { x: [], y: [], flux: [], count: 0 } });
    assert.ok(r.ok && r.method === 'phase', r.ok ? r.method : r.reason);
    close(r.transform.tx, 6.4, 0.15, 'dx');
    close(r.transform.ty, -3.3, 0.15, 'dy');
  });
});

describe('phaseCorrelate', () => {
  it('finds an integer shift exactly and its sign follows frame(x + dx) = ref(x)', () => {
    const W = 128;
    const sc = scene(10, W, W, 60);
    const a = render(sc, aboutCentre(W, W, 0, 0, 0), W, W, 1, 1);
    const b = render(sc, aboutCentre(W, W, 5, -9, 0), W, W, 2, 1);
    const r = phaseCorrelate(a, b);
    close(r.dx, 5, 0.1, 'dx');
    close(r.dy, -9, 0.1, 'dy');
    assert.ok(r.significance > 10);
  });
});

describe('resampleAffine', () => {
  const W = 64;
  const H = 48;
  // A smooth band-limited pattern, so interpolation can be checked against the analytic value.
  const f = (x: number, y: number): number => 100 + 20 * Math.sin(0.21 * x + 0.1) * Math.cos(0.17 * y - 0.3) + 0.5 * x;
  const src = {
    width: W,
    height: H,
    data: Float32Array.from({ length: W * H }, (_, i) => f(i % W, Math.floor(i / W))),
  };
  const t = aboutCentre(W, H, 2.37, -1.61, 3);
  for (const [method, tol] of [
    ['lanczos3', 0.1],
    ['bilinear', 1.2],
  ] as const) {
    it(`${method} reproduces a smooth pattern within ${tol} ADU away from edges, NaN outside the footprint`, () => {
      const out = resampleAffine(src, t, { method });
      let worst = 0;
      let nan = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const [sx, sy] = applyAffine(t, x, y);
          const v = out.data[y * W + x];
          if (sx < -0.5 || sy < -0.5 || sx > W - 0.5 || sy > H - 0.5) {
            assert.ok(Number.isNaN(v), `(${x}, ${y}) outside should be NaN`);
            nan++;
            continue;
          }
          if (sx < 4 || sy < 4 || sx > W - 5 || sy > H - 5) continue;
          worst = Math.max(worst, Math.abs(v - f(sx, sy)));
        }
      }
      assert.ok(nan > 0, 'expected part of the output outside the footprint');
      assert.ok(worst < tol, `${method}: worst error ${worst}`);
    });
  }
});
