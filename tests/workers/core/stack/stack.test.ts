import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineImages } from '../../../../src-workers/core/calibrate/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';
import {
  createLiveStack,
  frameQuality,
  frameWeights,
  normalisationFor,
  photometricScale,
  qualityVerdicts,
  type FrameQuality,
  type StarList,
} from '../../../../src-workers/core/stack/index.js';
import { aboutCentre, render, scene } from '../register/synthetic.js';

describe('frameQuality', () => {
  it('measures the rendered FWHM (σ = 1.4 px → 3.297 px, ±5 %), background (±0.5 ADU), noise (±5 %) and round stars', () => {
    const W = 256;
    const sc = scene(2, W, W, 80);
    const image = render(sc, aboutCentre(W, W, 0, 0, 0), W, W, 4, 5);
    const q = frameQuality(image);
    assert.ok(Math.abs(q.fwhmPx / (2.3548 * 1.4) - 1) < 0.05, `fwhm ${q.fwhmPx}`);
    assert.ok(Math.abs(q.backgroundAdu - 100) < 0.5, `background ${q.backgroundAdu}`);
    assert.ok(Math.abs(q.noiseAdu / 5 - 1) < 0.05, `noise ${q.noiseAdu}`);
    assert.ok(q.eccentricity < 0.35, `eccentricity ${q.eccentricity}`);
    assert.ok(q.starCount > 30, `stars ${q.starCount}`);
  });
});

describe('qualityVerdicts', () => {
  const q = (fwhmPx: number, noiseAdu: number, starCount: number, eccentricity = 0.2): FrameQuality => ({
    fwhmPx,
    noiseAdu,
    starCount,
    eccentricity,
    backgroundAdu: 100,
  });
  it('rejects by absolute limits and relative to the set, naming the metric', () => {
    const v = qualityVerdicts([q(3, 5, 50), q(3.1, 5.2, 48), q(6, 5, 50), q(3, 20, 50), q(3, 5, 2), q(3, 5, 50, 0.8)], {
      maxFwhmRatio: 1.5,
      maxNoiseRatio: 2,
      minStars: 10,
      maxEccentricity: 0.6,
    });
    assert.deepEqual(v.slice(0, 2), [null, null]);
    assert.match(v[2] ?? '', /FWHM 6\.00 px > 1\.5× the median 3\.00/);
    assert.match(v[3] ?? '', /noise 20\.00 ADU > 2× the median 5\.00/);
    assert.match(v[4] ?? '', /only 2 stars \(minimum 10\)/);
    assert.match(v[5] ?? '', /eccentricity 0\.80 > 0\.6/);
  });
});

describe('normalisation and weights', () => {
  const ref: FrameQuality = { fwhmPx: 3, eccentricity: 0, backgroundAdu: 100, noiseAdu: 5, starCount: 10 };
  const frame: FrameQuality = { fwhmPx: 4, eccentricity: 0, backgroundAdu: 150, noiseAdu: 10, starCount: 10 };
  it('maps the frame background (and for addscale its star fluxes) onto the reference', () => {
    const add = normalisationFor(frame, ref, 'additive');
    assert.equal(150 * add.scale + add.offset, 100);
    const as = normalisationFor(frame, ref, 'addscale', 0.8);
    assert.equal(as.scale, 0.8);
    assert.equal(150 * as.scale + as.offset, 100);
    // Without a photometric scale, addscale only matches the backgrounds.
    assert.deepEqual(normalisationFor(frame, ref, 'addscale'), add);
    const mul = normalisationFor(frame, ref, 'multiplicative');
    assert.equal(150 * mul.scale + mul.offset, 100);
  });
  it('noise weights after addscale follow the signal-to-noise ratio, not just the noise', () => {
    // Same noise, half the signal (cloud): scaled up 2×, its noise too, so a quarter of the weight.
    const cloudy: FrameQuality = { ...ref, backgroundAdu: 60 };
    const norms = [normalisationFor(ref, ref, 'addscale', 1), normalisationFor(cloudy, ref, 'addscale', 2)];
    const w = frameWeights([ref, cloudy], norms, 'noise');
    assert.ok(Math.abs(w[0] / w[1] - 4) < 1e-12, `weights ${w[0]}, ${w[1]}`);
  });
  it('finds the flux ratio of the stars two frames share, whatever their order and the strays', () => {
    const rng = createRng(12);
    const n = 80;
    const x = Float64Array.from({ length: n }, () => 10 + 480 * rng.next());
    const y = Float64Array.from({ length: n }, () => 10 + 380 * rng.next());
    const flux = Float64Array.from({ length: n }, () => 1e3 * Math.exp(4 * rng.next()));
    const reference: StarList = { x, y, flux };
    // The frame: every star at 0.62 of its flux (±1 % noise), jittered by 0.3 px, in reverse order,
    // with ten stars missing and ten that the reference does not have.
    const order = Array.from({ length: n - 10 }, (_, i) => n - 11 - i);
    const frameStars: StarList = {
      x: Float64Array.from([
        ...order.map((i) => x[i] + 0.3 * rng.normal()),
        ...Array.from({ length: 10 }, () => 500 * rng.next()),
      ]),
      y: Float64Array.from([
        ...order.map((i) => y[i] + 0.3 * rng.normal()),
        ...Array.from({ length: 10 }, () => 400 * rng.next()),
      ]),
      flux: Float64Array.from([
        ...order.map((i) => 0.62 * flux[i] * (1 + 0.01 * rng.normal())),
        ...Array.from({ length: 10 }, () => 5e4),
      ]),
    };
    const match = photometricScale(frameStars, reference);
    assert.ok(match, 'no match');
    assert.ok(Math.abs(match.scale * 0.62 - 1) < 0.005, `scale ${match.scale}`);
    assert.ok(match.matched >= n - 12 && match.matched <= n - 10, `${match.matched} matched`);
    const far: StarList = { x: x.map((v) => v + 40), y, flux };
    assert.equal(photometricScale(far, reference), undefined);
  });
  it('weights by 1/σ² or 1/FWHM², mean 1', () => {
    const none = { scale: 1, offset: 0 };
    const wn = frameWeights([ref, frame], [none, none], 'noise');
    assert.ok(Math.abs(wn[0] / wn[1] - 4) < 1e-12 && Math.abs(wn[0] + wn[1] - 2) < 1e-12);
    const wf = frameWeights([ref, frame], [none, none], 'fwhm');
    assert.ok(Math.abs(wf[0] / wf[1] - 16 / 9) < 1e-12);
  });
});

describe('createLiveStack', () => {
  const rng = createRng(6);
  const W = 40;
  const H = 30;
  const frames = Array.from({ length: 8 }, () => ({
    width: W,
    height: H,
    data: Float32Array.from({ length: W * H }, () => 100 + 10 * rng.normal()),
  }));
  frames[3].data[5] = NaN;
  it('gives the same mean as a batch mean of all frames (1e-4 ADU) and counts coverage', () => {
    const live = createLiveStack(W, H);
    for (const f of frames) live.add(f);
    const batch = combineImages(frames, { method: 'mean' });
    const mean = live.mean();
    for (let i = 0; i < W * H; i++) assert.ok(Math.abs(mean.data[i] - batch.data[i]) < 1e-4, `pixel ${i}`);
    assert.equal(live.coverage().data[5], 7);
    assert.equal(live.coverage().data[6], 8);
    assert.equal(live.frames, 8);
  });
  it('weights frames like a batch weighted mean', () => {
    const live = createLiveStack(W, H);
    live.add(frames[0], 1);
    live.add(frames[1], 3);
    const want = (frames[0].data[10] + 3 * frames[1].data[10]) / 4;
    assert.ok(Math.abs(live.mean().data[10] - want) < 1e-4);
  });
  it('rejects a cosmic-ray value once enough frames cover the pixel, leaving the mean unbiased', () => {
    const live = createLiveStack(W, H, { kappa: 4, minFrames: 4 });
    for (const f of frames.slice(0, 6)) live.add(f);
    const hit = { width: W, height: H, data: Float32Array.from(frames[6].data) };
    hit.data[100] = 5000;
    assert.ok(live.add(hit) >= 1);
    assert.equal(live.rejected().data[100], 1);
    assert.ok(Math.abs(live.mean().data[100] - 100) < 15);
  });
  it('refuses a frame of another size', () => {
    assert.throws(
      () => createLiveStack(W, H).add({ width: 2, height: 2, data: new Float32Array(4) }),
      /frame is 2×2, the live stack 40×30/,
    );
  });
});
