import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curveOfGrowth, radialProfile } from '../../../../src-workers/core/photometry/index.js';
import { makeField } from '../detect/synthetic-field.js';

test('curve of growth and radial profile of a noiseless Gaussian follow the analytic profile', () => {
  const fwhm = 6;
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2));
  const flux = 1e5;
  const img = makeField({
    width: 81,
    height: 81,
    seed: 1,
    sky: 0,
    gain: 1,
    readNoise: 0,
    fwhm,
    stars: [{ x: 40.3, y: 39.8, flux }],
    noise: false,
  });
  const radii = [1, 2, 3, 5, 8, 12, 20];
  const cog = curveOfGrowth(img, 40.3, 39.8, radii);
  radii.forEach((r, i) => {
    // Pixel integration broadens σ² by 1/12 px²; with σ = 2.55 px that moves the curve by < 1 % of the flux.
    const truth = flux * (1 - Math.exp((-r * r) / (2 * (sigma * sigma + 1 / 12))));
    assert.ok(Math.abs(cog.fluxAdu[i] - truth) < 0.01 * flux, `r=${r}: ${cog.fluxAdu[i]} vs ${truth}`);
  });
  assert.ok(Math.abs(cog.fraction[radii.length - 1] - 1) < 1e-12);
  const prof = radialProfile(img, 40.3, 39.8, 15, 1);
  const peak = flux / (2 * Math.PI * (sigma * sigma + 1 / 12));
  for (let b = 1; b < 10; b++) {
    const r = prof.radiusPx[b];
    const truth = peak * Math.exp((-r * r) / (2 * (sigma * sigma + 1 / 12)));
    // Bin averages of a curved profile differ from the value at the mean radius by a few % of the peak.
    assert.ok(
      Math.abs(prof.mean[b] - truth) < 0.03 * peak,
      `bin ${b} (r=${r.toFixed(2)}): ${prof.mean[b]} vs ${truth}`,
    );
  }
});
