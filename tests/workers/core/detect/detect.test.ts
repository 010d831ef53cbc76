import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceFlag, detectSources } from '../../../../src-workers/core/detect/index.js';
import { InputError } from '../../../../src-workers/core/errors.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { gridStars, makeField, matchToTruth, type TruthStar } from './synthetic-field.js';

const GAIN = 1.5;
const SKY = 300;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

test('isolated stars: complete, pure, centroids and fluxes match the truth', () => {
  const stars = gridStars(384, 384, 32, 3000, 300000, 21);
  const img = makeField({ width: 384, height: 384, seed: 22, sky: SKY, gain: GAIN, readNoise: 5, fwhm: 3, stars });
  const cat = detectSources(img, { gainEPerAdu: GAIN, apertureRadiusPx: 9 });
  const match = matchToTruth(cat.x, cat.y, stars, 1.5);
  const matchedTruth = new Set(match.filter((m) => m >= 0));
  // Every star has SNR > 20 here: all must be found, nothing else.
  assert.equal(matchedTruth.size, stars.length, 'recall');
  assert.equal(cat.count, stars.length, 'precision');
  const dpos: number[] = [];
  const pulls: number[] = [];
  const fluxRatio: number[] = [];
  const autoRatio: number[] = [];
  const fwhm: number[] = [];
  const halfLight: number[] = [];
  for (let i = 0; i < cat.count; i++) {
    const t = stars[match[i]];
    dpos.push(Math.hypot(cat.x[i] - t.x, cat.y[i] - t.y));
    pulls.push((cat.x[i] - t.x) / cat.xErr[i], (cat.y[i] - t.y) / cat.yErr[i]);
    fluxRatio.push(cat.flux[i] / t.flux);
    autoRatio.push(cat.fluxAuto[i] / t.flux);
    fwhm.push(cat.fwhm[i]);
    halfLight.push(cat.fluxRadius[i]);
  }
  assert.ok(median(dpos) < 0.03, `median centroid error ${median(dpos)} px`);
  // Windowed-centroid errors are honest: robust scatter of the pulls within [0.7, 1.4].
  const absPull = median(pulls.map(Math.abs)) * 1.4826;
  assert.ok(absPull > 0.7 && absPull < 1.4, `pull scatter ${absPull}`);
  // r = 9 px = 3 FWHM holds > 99.99 % of a Gaussian: the aperture flux is the total flux.
  assert.ok(Math.abs(median(fluxRatio) - 1) < 0.005, `aperture flux ratio ${median(fluxRatio)}`);
  // Kron flux holds ≈ 94–99 % of the light (SExtractor manual: ≥ 94 % for a Kron factor of 2.5).
  assert.ok(median(autoRatio) > 0.94 && median(autoRatio) <= 1.01, `auto flux ratio ${median(autoRatio)}`);
  // Pixel-integrated Gaussian of FWHM 3: σ² grows by 1/12 px² → 3.07 px.
  assert.ok(Math.abs(median(fwhm) - 3.07) < 0.1, `fwhm ${median(fwhm)}`);
  // Half-light radius of that profile ≈ 1.1774·σ_eff = 1.54 px (relative to FLUX_AUTO, as SExtractor).
  assert.ok(Math.abs(median(halfLight) - 1.54) < 0.1, `flux_radius ${median(halfLight)}`);
  assert.ok(
    cat.background.every((b) => Math.abs(b - SKY) < 1),
    'background at the sources',
  );
});

test('blended pair is split by deblending and flagged; nthresh = 1 keeps it whole', () => {
  const stars: TruthStar[] = [
    { x: 40.3, y: 40.1, flux: 40000 },
    { x: 45.6, y: 41.2, flux: 25000 },
  ];
  const img = makeField({ width: 96, height: 80, seed: 4, sky: SKY, gain: GAIN, readNoise: 5, fwhm: 3, stars });
  const cat = detectSources(img, { gainEPerAdu: GAIN });
  assert.equal(cat.count, 2);
  const match = matchToTruth(cat.x, cat.y, stars, 0.5);
  assert.deepEqual([...match].sort(), [0, 1]);
  for (let i = 0; i < 2; i++) assert.ok(cat.flags[i] & SourceFlag.BLENDED);
  const whole = detectSources(img, { gainEPerAdu: GAIN, deblendNthresh: 1 });
  assert.equal(whole.count, 1);
  assert.equal(whole.flags[0] & SourceFlag.BLENDED, 0);
});

test('saturated and edge objects carry their flags, the rest are clean', () => {
  const stars: TruthStar[] = [
    { x: 30, y: 30, flux: 400000 },
    { x: 1.2, y: 50, flux: 50000 },
    { x: 70, y: 60, flux: 20000 },
  ];
  const img = makeField({ width: 100, height: 100, seed: 8, sky: SKY, gain: GAIN, readNoise: 5, fwhm: 3, stars });
  const cat = detectSources(img, { gainEPerAdu: GAIN, saturationLevel: 20000 });
  assert.equal(cat.count, 3);
  const match = matchToTruth(cat.x, cat.y, stars, 1.5);
  const byTruth = (t: number) => match.indexOf(t);
  assert.ok(cat.flags[byTruth(0)] & SourceFlag.SATURATED);
  assert.ok(cat.flags[byTruth(1)] & SourceFlag.TRUNCATED);
  assert.equal(cat.flags[byTruth(2)], 0);
});

test('degenerate frames give an empty catalog, never a crash', () => {
  const cases = {
    nan: { width: 64, height: 64, data: new Float32Array(64 * 64).fill(Number.NaN) },
    constant: { width: 64, height: 64, data: new Float32Array(64 * 64).fill(123) },
    zeros: { width: 64, height: 64, data: new Float32Array(64 * 64) },
    onePixel: { width: 1, height: 1, data: new Float32Array([42]) },
    oneRow: { width: 200, height: 1, data: new Float32Array(200).fill(1) },
  };
  for (const [name, img] of Object.entries(cases)) {
    const cat = detectSources(img);
    assert.equal(cat.count, 0, name);
  }
  // Huge values and infinities: finite catalog columns or an empty catalog, no exception.
  const huge = makeField({
    width: 64,
    height: 64,
    seed: 1,
    sky: SKY,
    gain: GAIN,
    readNoise: 5,
    fwhm: 3,
    stars: [{ x: 30, y: 30, flux: 1e6 }],
  });
  huge.data[5] = 3e38;
  huge.data[6] = Number.POSITIVE_INFINITY;
  const cat = detectSources(huge);
  assert.ok(cat.count >= 1);
});

test('invalid parameters throw InputError naming the parameter', () => {
  const img = { width: 8, height: 8, data: new Float32Array(64) };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ threshSigma: 0 }, /'threshSigma' must be a positive/],
    [{ threshSigma: Number.NaN }, /'threshSigma'/],
    [{ filterFwhmPx: -1 }, /'filterFwhmPx'/],
    [{ deblendCont: 2 }, /'deblendCont' must be in \[0, 1\]/],
    [{ minAreaPx: 0 }, /'minAreaPx'/],
    [{ backSizePx: 0 }, /'backSizePx'/],
    [{ apertureRadiusPx: 0 }, /'apertureRadiusPx'/],
    [{ threshRms: 'local' as never }, /'threshRms' must be 'global' or 'map'/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => detectSources(img, options),
      (e: unknown) => e instanceof InputError && message.test(e.message),
    );
  }
});

test('a bad-pixel mask removes the detections under it and leaves the others', () => {
  const stars = gridStars(160, 160, 32, 20000, 50000, 3);
  const img = makeField({ width: 160, height: 160, seed: 6, sky: SKY, gain: GAIN, readNoise: 5, fwhm: 3, stars });
  const mask = new Uint8Array(160 * 160);
  // Mask the rows 60–70: the stars at y ≈ 64 disappear.
  for (let y = 60; y <= 70; y++) for (let x = 0; x < 160; x++) mask[y * 160 + x] = 1;
  const cat = detectSources(img, { gainEPerAdu: GAIN, mask });
  const inBand = stars.filter((s) => s.y >= 58 && s.y <= 72).length;
  assert.ok(inBand > 0);
  assert.equal(cat.count, stars.length - inBand);
  for (let i = 0; i < cat.count; i++) assert.ok(cat.y[i] < 55 || cat.y[i] > 75, `source at y=${cat.y[i]}`);
  const unmasked = detectSources(img, { gainEPerAdu: GAIN });
  assert.equal(unmasked.count, stars.length);
});

test('the threshold uses the global background RMS by default (SExtractor without a weight map), the mesh map on request', () => {
  // Pure noise: σ = 4 ADU in the left half, 16 ADU in the right half, thresholded low (0.5 σ) so that noise
  // peaks are detected. The global RMS is the median of the mesh values (between the two), so by default the
  // quiet half has no detection and the noisy half many; with the map each half is thresholded at its own
  // noise and both get about as many (measured: 0 / 247 with the global RMS, 87 / 77 with the map).
  const width = 256;
  const height = 256;
  const rng = createRng(7);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = 300 + (x < width / 2 ? 4 : 16) * rng.normal();
  const img = { width, height, data };
  const halves = (cat: { count: number; x: Float64Array }): [number, number] => {
    let left = 0;
    for (let i = 0; i < cat.count; i++) if (cat.x[i] < width / 2) left++;
    return [left, cat.count - left];
  };
  const [gLeft, gRight] = halves(detectSources(img, { clean: false, threshSigma: 0.5 }));
  assert.equal(gLeft, 0, 'quiet half with the global RMS');
  assert.ok(gRight > 100, `noisy half with the global RMS: ${gRight}`);
  const [mLeft, mRight] = halves(detectSources(img, { clean: false, threshSigma: 0.5, threshRms: 'map' }));
  assert.ok(mLeft > 40 && mRight > 40, `with the map: ${mLeft} left, ${mRight} right`);
  assert.ok(Math.max(mLeft, mRight) < 1.5 * Math.min(mLeft, mRight), `with the map: ${mLeft} left, ${mRight} right`);
});
