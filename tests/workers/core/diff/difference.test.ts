import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differenceImages, gaussianBlur } from '../../../../src-workers/core/diff/index.js';
import { createImage } from '../../../../src-workers/core/image/image.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';

const SIZE = 256;
const field = (
  fwhmPx: number,
  noiseSeed: number,
  skyAdu: number,
  extra: Parameters<typeof simulateStarField>[0]['extraStars'] = [],
) =>
  simulateStarField({
    widthPx: SIZE,
    heightPx: SIZE,
    starCount: 80,
    fwhmPx,
    skyAdu,
    gainEPerAdu: 2,
    readNoiseAdu: 5,
    minFluxAdu: 3000,
    maxFluxAdu: 1e5,
    seed: 99,
    noiseSeed,
    extraStars: extra,
  });

describe('gaussianBlur', () => {
  it('preserves flux and widens a point source to the expected σ', () => {
    const image = createImage(41, 41);
    image.data[20 * 41 + 20] = 1000;
    const out = gaussianBlur(image, 2);
    let sum = 0;
    let m2 = 0;
    for (let y = 0; y < 41; y++) {
      for (let x = 0; x < 41; x++) {
        sum += out.data[y * 41 + x];
        m2 += out.data[y * 41 + x] * (x - 20) ** 2;
      }
    }
    assert.ok(Math.abs(sum - 1000) < 1e-2, `flux ${sum}`);
    // σ² of the blurred point is 2² (the ±4σ truncation loses < 0.1 %).
    assert.ok(Math.abs(m2 / sum - 4) < 0.02, `σ² ${m2 / sum}`);
  });
});

describe('differenceImages', () => {
  const transient = { x: 150.3, y: 90.7, fluxAdu: 20000, fwhmPx: 3.6 };
  const reference = field(2.6, 1, 300);
  const scienceRaw = field(3.6, 2, 500, [transient]);
  const transparency = 1.25;
  const science = { ...scienceRaw.image, data: scienceRaw.image.data.map((v) => v * transparency) };
  const result = differenceImages(science, reference.image, { gainEPerAdu: 2 / transparency });

  it('measures both seeings and blurs the sharper frame', () => {
    assert.equal(result.blurred, 'reference');
    assert.ok(Math.abs(result.referenceFwhmPx / 2.6 - 1) < 0.08, `ref FWHM ${result.referenceFwhmPx}`);
    assert.ok(Math.abs(result.scienceFwhmPx / 3.6 - 1) < 0.08, `sci FWHM ${result.scienceFwhmPx}`);
  });

  it('fits the transparency change from the common stars', () => {
    assert.ok(result.matchedStars >= 10, `matched ${result.matchedStars}`);
    assert.ok(Math.abs(result.fluxScale / transparency - 1) < 0.03, `scale ${result.fluxScale}`);
  });

  it('finds the transient at its position with its flux, and little else', () => {
    const found = result.candidates.filter((c) => Math.hypot(c.x - transient.x, c.y - transient.y) < 1);
    assert.equal(found.length, 1, JSON.stringify(result.candidates.slice(0, 5)));
    const [c] = found;
    assert.equal(c.sign, 1);
    assert.ok(Math.hypot(c.x - transient.x, c.y - transient.y) < 0.3, `position ${c.x},${c.y}`);
    // The aperture (1.5 FWHM radius) holds ~99.6 % of a Gaussian; noise on 25000 ADU is ~1 %.
    const expected = transient.fluxAdu * transparency;
    assert.ok(Math.abs(c.flux / expected - 1) < 0.05, `flux ${c.flux} vs ${expected}`);
    assert.ok(c.snr > 20 && !c.dipole);
    // Residuals of 80 well-subtracted stars: at most three spurious candidates above 5σ.
    assert.ok(result.candidates.length <= 4, `${result.candidates.length} candidates`);
  });

  it('reports honest errors: empty-aperture noise matches the scatter of sums at random empty spots', () => {
    const noDiff = differenceImages(field(3, 3, 400).image, field(3, 4, 400).image, {});
    assert.equal(noDiff.candidates.filter((c) => c.snr > 8).length, 0, 'two epochs of the same sky should not differ');
    assert.ok(noDiff.apertureNoise > noDiff.differenceRms * Math.sqrt(Math.PI * noDiff.apertureRadiusPx ** 2) * 0.8);
  });

  it('refuses frames on different grids with a clear message', () => {
    assert.throws(() => differenceImages(createImage(10, 10), createImage(12, 10)), /register and resample it first/);
  });
});
