import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, deriveSeed } from '../../../../src-workers/core/random/rng.js';
import { validateSynthConfig } from '../../../../src-workers/core/synth/config.js';
import {
  blurredArcs,
  drawParityParams,
  FWHM_PER_SIGMA,
  renderParity,
  renderParityFromSeed,
  renderParityNoiseless,
  type ParityArc,
} from '../../../../src-workers/core/synth/parity.js';

/** The arcs straight from their definition, with Math.atan2 and Math.exp at every pixel. */
function referenceArcs(size: number, cx: number, cy: number, radiusPx: number, arcs: ParityArc[]): Float64Array {
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - cx, y - cy);
      const phi = Math.atan2(y - cy, x - cx);
      let sum = 0;
      for (const arc of arcs) {
        const t = (r - radiusPx) / (arc.widthPx / FWHM_PER_SIGMA);
        let d = phi - arc.angleRad;
        if (d > Math.PI) d -= 2 * Math.PI;
        else if (d <= -Math.PI) d += 2 * Math.PI;
        const u = d / ((arc.extentDeg * Math.PI) / 180 / FWHM_PER_SIGMA);
        // Terms below e^-18 (1.5e-8 of the peak) are left out by design.
        const e = 0.5 * (t * t + u * u);
        if (t * t < 36 && e < 18) sum += arc.amplitude * Math.exp(-e);
      }
      out[y * size + x] = sum;
    }
  }
  return out;
}

describe('parity-mode rendering', () => {
  it('draws arcs within 1e-9 of their definition (inline arctangent and exponential)', () => {
    const { config } = validateSynthConfig({ General: { image_size: 64 } });
    let worst = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const params = drawParityParams(config, 1, createRng(seed));
      const withArcs = renderParityNoiseless(config, params);
      const galaxyOnly = renderParityNoiseless(config, { ...params, arcs: [] });
      const arcs = blurredArcs(params.arcs, params.einsteinRadiusPx, config.LensArcs.blur_sigma);
      const reference = referenceArcs(64, params.galaxy.xPx, params.galaxy.yPx, params.einsteinRadiusPx, arcs);
      const peak = Math.max(...arcs.map((a) => a.amplitude));
      for (let i = 0; i < reference.length; i++)
        worst = Math.max(worst, Math.abs(withArcs[i] - galaxyOnly[i] - reference[i]) / peak);
    }
    assert.ok(worst < 1e-9, `largest difference ${worst} of the arc peak`);
  });

  it('draws the same parameters and the same pixel bits in one kernel call as in drawParityParams + renderParity', () => {
    // What makes a recorded seed regenerate its image whichever path drew it: every operation of the
    // JavaScript repeated in order in parity-image.as.ts, with the host's Math functions.
    const variants = [
      {},
      { GalaxyBlob: { blur_sigma: 0, center_jitter_px: 0, ellipticity_max: 0.95 } },
      { LensArcs: { blur_sigma: 0, min_arcs: 1, max_arcs: 32 }, Noise: { gaussian_sigma: 0 } },
      { General: { image_size: 37 }, LensArcs: { blur_sigma: 2.5, min_radius: 4, max_radius: 15 } },
    ];
    for (const variant of variants) {
      const { config } = validateSynthConfig(variant);
      let numerical = 0;
      for (let i = 0; i < 400; i++) {
        const seed = deriveSeed(11, i);
        const label = (i % 2) as 0 | 1;
        const rng = createRng(seed);
        const params = drawParityParams(config, label, rng);
        const pixels = renderParity(config, params, rng);
        const inKernels = renderParityFromSeed(config, seed, label);
        if (!inKernels) {
          // Only arcs too blurred for the analytic form are left to the JavaScript.
          assert.ok(config.LensArcs.blur_sigma > 0.25 * params.einsteinRadiusPx, `image ${i} refused`);
          numerical++;
          continue;
        }
        assert.deepEqual(inKernels.params, params, `parameters of image ${i}, ${JSON.stringify(variant)}`);
        const differing = pixels.findIndex((v, j) => !Object.is(v, inKernels.pixels[j]));
        assert.equal(differing, -1, `image ${i} differs at pixel ${differing}, ${JSON.stringify(variant)}`);
      }
      if (variant.General?.image_size === 37) assert.ok(numerical > 0, 'the numerical-blur case was reached');
    }
    const { config: poisson } = validateSynthConfig({ Noise: { poisson_strength: 100 } });
    assert.equal(renderParityFromSeed(poisson, 1, 1), undefined, 'Poisson noise stays in the JavaScript');
  });
});
