import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { validateSynthConfig, type SynthConfig } from '../../../../src-workers/core/synth/config.js';
import {
  drawPhysicalParams,
  magToFlux,
  renderPhysical,
  renderPhysicalNoiseless,
  type PhysicalParams,
} from '../../../../src-workers/core/synth/physical.js';
import { psfKernel } from '../../../../src-workers/core/synth/psf.js';
import { sersicB, sersicEvaluator } from '../../../../src-workers/core/synth/sersic.js';
import { sieTracer } from '../../../../src-workers/core/synth/sie.js';

function physical(overrides: Record<string, unknown> = {}, size = 64): SynthConfig {
  const { config, errors } = validateSynthConfig({
    General: { mode: 'physical', image_size: size },
    Physical: overrides,
  });
  assert.deepEqual(errors, []);
  return config;
}

describe('physical mode', () => {
  it('SIE + shear deflection satisfies ∇·α = 2κ with κ = θE / (2√(q x² + y²/q)) (finite differences, 1e-4)', () => {
    const lens = { x: 0.1, y: -0.2, thetaE: 1.7, q: 0.6, angle: 0.7, gamma: 0.08, gammaAngle: 1.1 };
    const trace = sieTracer(lens);
    const out = new Float64Array(2);
    const alpha = (x: number, y: number): [number, number] => {
      trace(x, y, out);
      return [x - out[0], y - out[1]];
    };
    const h = 1e-5;
    for (const [x, y] of [
      [1.2, 0.3],
      [-0.8, 1.5],
      [2.5, -2],
      [0.4, 0.1],
    ]) {
      const div = (alpha(x + h, y)[0] - alpha(x - h, y)[0] + alpha(x, y + h)[1] - alpha(x, y - h)[1]) / (2 * h);
      const dx = x - lens.x;
      const dy = y - lens.y;
      const u = dx * Math.cos(lens.angle) + dy * Math.sin(lens.angle);
      const v = -dx * Math.sin(lens.angle) + dy * Math.cos(lens.angle);
      const kappa = lens.thetaE / (2 * Math.sqrt(lens.q * u * u + (v * v) / lens.q));
      // Shear is trace-free, so it does not change the divergence.
      assert.ok(Math.abs(div - 2 * kappa) < 1e-4, `at (${x}, ${y}): ∇·α ${div}, 2κ ${2 * kappa}`);
    }
    // The deflection is curl-free (a potential flow): ∂αx/∂y = ∂αy/∂x.
    const curl =
      (alpha(1.1, 0.9 + h)[0] - alpha(1.1, 0.9 - h)[0] - alpha(1.1 + h, 0.9)[1] + alpha(1.1 - h, 0.9)[1]) / (2 * h);
    assert.ok(Math.abs(curl) < 1e-4, `curl ${curl}`);
  });

  it('a circular lens maps a centred source onto a ring at the Einstein radius', () => {
    const config = physical({ psf: 'gaussian', psf_fwhm_arcsec: 0.3, read_noise_e: 0 });
    const params = drawPhysicalParams(config, 1, createRng(3));
    const thetaE = 2;
    const lensed: PhysicalParams = {
      ...params,
      lensLight: { ...params.lensLight, flux: 0 },
      mass: { x: 0, y: 0, thetaE, q: 1, angle: 0, gamma: 0, gammaAngle: 0 },
      source: { ...params.source, x: 0, y: 0, reff: 0.1, n: 1, q: 1 },
      skyPerPixelE: 0,
    };
    const image = renderPhysicalNoiseless(config, lensed);
    const scale = config.Physical.pixel_scale_arcsec;
    const sums = new Float64Array(40);
    const counts = new Float64Array(40);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const r = Math.hypot(x - 31.5, y - 31.5) * scale;
        const bin = Math.floor(r / 0.1);
        if (bin < 40) {
          sums[bin] += image[y * 64 + x];
          counts[bin]++;
        }
      }
    const mean = (b: number): number => (counts[b] > 0 ? sums[b] / counts[b] : 0);
    let best = 0;
    for (let b = 1; b < 40; b++) if (mean(b) > mean(best)) best = b;
    const ring = (best + 0.5) * 0.1;
    assert.ok(Math.abs(ring - thetaE) <= 0.15, `ring at ${ring}″, θE ${thetaE}″`);
  });

  it('conserves the source flux without lensing and magnifies it (μ ≥ 2) inside the Einstein radius', () => {
    const config = physical(
      { psf: 'moffat', lens_mag_min: 35, lens_mag_max: 35, source_reff_max_arcsec: 0.3, source_sersic_n_max: 1.5 },
      96,
    );
    for (let seed = 1; seed <= 4; seed++) {
      const lens = drawPhysicalParams(config, 1, createRng(seed));
      const plain = drawPhysicalParams(config, 0, createRng(seed));
      assert.equal(plain.source.x, lens.source.x, 'both classes draw the same population');
      const total = (p: PhysicalParams): number =>
        renderPhysicalNoiseless(config, { ...p, skyPerPixelE: 0 }).reduce((a, b) => a + b, 0);
      const expected = (magToFlux(plain.source.mag, 27) + magToFlux(35, 27)) * config.Physical.exposure_sec;
      const unlensed = total(plain);
      // Pixel integration (cusps refined) and the normalised PSF keep the flux to well under 1 %.
      assert.ok(Math.abs(unlensed / expected - 1) < 0.01, `unlensed flux ${unlensed} e⁻, expected ${expected}`);
      assert.ok(total(lens) / unlensed > 2, `magnification ${total(lens) / unlensed}`);
    }
  });

  it('noise is Poisson in electrons plus read noise, in ADU through the gain', () => {
    const config = physical({
      gain_e_per_adu: 2,
      read_noise_e: 10,
      lens_mag_min: 35,
      lens_mag_max: 35,
      source_mag_min: 35,
      source_mag_max: 35,
    });
    const params = drawPhysicalParams(config, 0, createRng(9));
    const clean = renderPhysicalNoiseless(config, params);
    const noisy = renderPhysical(config, params, createRng(10));
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < noisy.length; i++) {
      const d = noisy[i] * 2 - clean[i];
      sum += d;
      sum2 += d * d;
    }
    const mean = sum / noisy.length;
    const variance = sum2 / noisy.length - mean * mean;
    const expected = params.skyPerPixelE + 100;
    // 4096 pixels: the variance is known to √(2/n) ≈ 2.2 %; allow 8 %.
    assert.ok(Math.abs(variance / expected - 1) < 0.08, `variance ${variance} e⁻², expected ${expected}`);
    assert.ok(Math.abs(mean) < 4 * Math.sqrt(expected / noisy.length), `bias ${mean} e⁻`);
  });

  it('PSF kernels have the configured FWHM and Sérsic b_n halves the light at R_e', () => {
    for (const kind of ['gaussian', 'moffat'] as const) {
      const { kernel, radius } = psfKernel(kind, 6, 3);
      const size = 2 * radius + 1;
      const centre = kernel[radius * size + radius];
      // Walk along the x axis to half maximum and interpolate.
      let x = 0;
      while (kernel[radius * size + radius + x + 1] > centre / 2) x++;
      const a = kernel[radius * size + radius + x];
      const b = kernel[radius * size + radius + x + 1];
      const half = x + (a - centre / 2) / (a - b);
      assert.ok(Math.abs(2 * half - 6) < 0.15, `${kind} FWHM ${2 * half} px, configured 6`);
    }
    for (const n of [0.5, 1, 4]) {
      const f = sersicEvaluator({ x: 0, y: 0, flux: 1, reff: 1, n, q: 1, angle: 0 });
      // ∫ I 2πR dR from 0 to R_e (substituting R = t², which tames the cusp) against the total 1.
      let inner = 0;
      const steps = 20000;
      for (let k = 0; k < steps; k++) {
        const t = (k + 0.5) / steps;
        inner += (f(t * t, 0) * 2 * Math.PI * t * t * 2 * t) / steps;
      }
      assert.ok(Math.abs(inner - 0.5) < 2e-3, `n = ${n}: ${inner} of the light inside R_e (b_n = ${sersicB(n)})`);
    }
  });
});
