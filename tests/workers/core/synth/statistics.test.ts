import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSynthConfig, type SynthConfig } from '../../../../src-workers/core/synth/config.js';
import { generateSample } from '../../../../src-workers/core/synth/sample.js';

function configOf(sections: Record<string, Record<string, unknown>>): SynthConfig {
  const { config, errors } = validateSynthConfig(sections);
  assert.deepEqual(errors, []);
  return config;
}

/** Mean pixel value in annuli of width `binPx` around (cx, cy). */
function radialProfile(
  pixels: Float64Array,
  size: number,
  cx: number,
  cy: number,
  binPx: number,
  maxPx: number,
): Float64Array {
  const sums = new Float64Array(Math.ceil(maxPx / binPx));
  const counts = new Float64Array(sums.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const bin = Math.floor(Math.hypot(x - cx, y - cy) / binPx);
      if (bin < sums.length) {
        sums[bin] += pixels[y * size + x];
        counts[bin]++;
      }
    }
  }
  return sums.map((s, i) => (counts[i] ? s / counts[i] : 0));
}

describe('class statistics measured from the images', () => {
  it('lens arcs are rings at the configured Einstein radius; non-lenses have none', () => {
    // Small galaxies so that the ring stands clear of the galaxy light; default noise, blur and widths.
    const config = configOf({
      General: { n_train: 60, n_test: 0, image_size: 64, seed: 11 },
      GalaxyBlob: { sigma_min: 1.5, sigma_max: 2 },
    });
    const measured: number[] = [];
    let worstLensPeak = Infinity;
    let worstNonlensPeak = 0;
    for (let i = 0; i < 60; i++) {
      const { plan, params: drawn, pixels } = generateSample(config, i);
      assert.ok(drawn.kind === 'parity');
      const params = drawn;
      const bin = 0.5;
      const profile = radialProfile(pixels, 64, params.galaxy.xPx, params.galaxy.yPx, bin, 28);
      // Search outside the galaxy core: from 7 px (the smallest radius is 8 px).
      let best = Math.floor(7 / bin);
      for (let b = best; b < profile.length; b++) if (profile[b] > profile[best]) best = b;
      if (plan.label === 1) {
        const radius = (best + 0.5) * bin;
        measured.push(radius);
        // Half a bin of quantisation plus the outward shift a blurred, curved ring has (σ²/R ≲ 0.3 px).
        assert.ok(
          Math.abs(radius - params.einsteinRadiusPx) <= 0.9,
          `image ${i}: ring at ${radius} px, drawn at ${params.einsteinRadiusPx.toFixed(2)} px`,
        );
        worstLensPeak = Math.min(worstLensPeak, profile[best]);
      } else {
        for (let b = Math.floor(8 / bin); b < profile.length; b++)
          worstNonlensPeak = Math.max(worstNonlensPeak, profile[b]);
      }
    }
    assert.equal(measured.length, 30);
    // The measured radii span the configured range [8, 20] px.
    assert.ok(Math.min(...measured) >= 7.5 && Math.min(...measured) <= 10, `smallest ring ${Math.min(...measured)}`);
    assert.ok(Math.max(...measured) <= 20.5 && Math.max(...measured) >= 18, `largest ring ${Math.max(...measured)}`);
    // A ring adds light far above the noise of an annulus mean (σ 0.02 / √(2πR·0.5) ≈ 0.004).
    assert.ok(worstLensPeak > 0.02, `faintest ring mean ${worstLensPeak}`);
    assert.ok(worstNonlensPeak < 0.012, `a non-lens shows a ring-like excess of ${worstNonlensPeak}`);
  });

  it('galaxy blobs have the drawn σ, ellipticity and angle (second moments, blur removed)', () => {
    // Noise off and a large canvas so that the moments are exact up to pixel sampling.
    const config = configOf({
      General: { n_train: 40, n_test: 0, image_size: 96, balance: 0, seed: 5 },
      Noise: { gaussian_sigma: 0 },
    });
    const blur2 = config.GalaxyBlob.blur_sigma ** 2;
    const sigmas: number[] = [];
    for (let i = 0; i < 40; i++) {
      const { params: drawn, pixels } = generateSample(config, i);
      assert.ok(drawn.kind === 'parity');
      const params = drawn;
      let s = 0;
      let sx = 0;
      let sy = 0;
      for (let y = 0; y < 96; y++)
        for (let x = 0; x < 96; x++) {
          const v = pixels[y * 96 + x];
          s += v;
          sx += v * x;
          sy += v * y;
        }
      const mx = sx / s;
      const my = sy / s;
      let xx = 0;
      let yy = 0;
      let xy = 0;
      for (let y = 0; y < 96; y++)
        for (let x = 0; x < 96; x++) {
          const v = pixels[y * 96 + x];
          xx += v * (x - mx) ** 2;
          yy += v * (y - my) ** 2;
          xy += v * (x - mx) * (y - my);
        }
      // Pixel sampling adds 1/12 px² per axis for a Gaussian integrated over a pixel; we sample at
      // centres, so nothing to remove but the blur.
      const a = xx / s - blur2;
      const c = yy / s - blur2;
      const b = xy / s;
      const det = a * c - b * b;
      const sigma = det ** 0.25;
      const root = Math.sqrt(((a - c) / 2) ** 2 + b * b);
      const q = Math.sqrt(((a + c) / 2 - root) / ((a + c) / 2 + root));
      const g = params.galaxy;
      sigmas.push(sigma);
      assert.ok(Math.abs(mx - g.xPx) < 0.01 && Math.abs(my - g.yPx) < 0.01, `image ${i}: centre (${mx}, ${my})`);
      assert.ok(
        Math.abs(sigma - g.sigmaPx) < 0.01 * g.sigmaPx,
        `image ${i}: σ ${sigma.toFixed(3)} px, drawn ${g.sigmaPx.toFixed(3)}`,
      );
      assert.ok(
        Math.abs(1 - q - g.ellipticity) < 0.01,
        `image ${i}: e ${(1 - q).toFixed(3)}, drawn ${g.ellipticity.toFixed(3)}`,
      );
      if (g.ellipticity > 0.1) {
        const angle = (0.5 * Math.atan2(2 * b, a - c) + Math.PI) % Math.PI;
        const diff = Math.abs(angle - g.angleRad);
        assert.ok(Math.min(diff, Math.PI - diff) < 0.02, `image ${i}: angle ${angle}, drawn ${g.angleRad}`);
      }
    }
    // Sizes fill the configured [2, 6] px.
    assert.ok(Math.min(...sigmas) >= 2 && Math.min(...sigmas) < 2.6, `smallest σ ${Math.min(...sigmas)}`);
    assert.ok(Math.max(...sigmas) <= 6 && Math.max(...sigmas) > 5.4, `largest σ ${Math.max(...sigmas)}`);
  });

  it('noise has the configured standard deviation and is independent between images', () => {
    const config = configOf({
      General: { n_train: 6, n_test: 0, seed: 2 },
      GalaxyBlob: { sigma_min: 2, sigma_max: 2, amplitude_min: 0, amplitude_max: 0 },
    });
    const a = generateSample(config, 0).pixels;
    const b = generateSample(config, 1).pixels;
    let s2 = 0;
    let cross = 0;
    for (let i = 0; i < a.length; i++) {
      s2 += a[i] * a[i];
      cross += a[i] * b[i];
    }
    const sigma = Math.sqrt(s2 / a.length);
    // 4096 samples: the standard error of σ is σ/√(2n) ≈ 1.1 %; allow 4 %.
    assert.ok(Math.abs(sigma - 0.02) < 0.0008, `noise σ ${sigma}`);
    assert.ok(Math.abs(cross / a.length) / (0.02 * 0.02) < 0.06, `correlation ${cross / a.length / 0.0004}`);
  });

  it('the lens fraction equals the configured balance', () => {
    const config = configOf({ General: { n_train: 50, n_test: 10, balance: 0.3 } });
    let train = 0;
    let test = 0;
    for (let i = 0; i < 60; i++) {
      const { plan, params } = generateSample(config, i);
      assert.ok(params.kind === 'parity');
      if (plan.split === 'train') train += plan.label;
      else test += plan.label;
      assert.equal(params.arcs.length > 0, plan.label === 1);
    }
    assert.deepEqual([train, test], [15, 3]);
  });
});

describe('arc blur', () => {
  it('the analytic blur matches numerical convolution within 2.5 % of the arc peak at the smallest default ring', async () => {
    const { blurredArcs, renderParityNoiseless } = await import('../../../../src-workers/core/synth/parity.js');
    const { blurInto } = await import('../../../../src-workers/core/synth/blur.js');
    const { config } = validateSynthConfig({ GalaxyBlob: { amplitude_min: 0, amplitude_max: 0 } });
    for (const extentDeg of [40, 200]) {
      const arcs = [{ widthPx: 2, extentDeg, angleRad: 0.3, amplitude: 0.6 }];
      const params = {
        kind: 'parity' as const,
        galaxy: { xPx: 31.5, yPx: 31.5, sigmaPx: 2, ellipticity: 0, angleRad: 0, amplitude: 0 },
        einsteinRadiusPx: 8,
        arcs,
      };
      const analytic = renderParityNoiseless(config, params);
      // Numerical reference: the unblurred arc (blur 0 takes the analytic path with nothing to do), then SciPy-style convolution.
      const sharp = renderParityNoiseless(
        validateSynthConfig({ GalaxyBlob: { amplitude_min: 0, amplitude_max: 0 }, LensArcs: { blur_sigma: 0 } }).config,
        params,
      );
      blurInto(sharp, 64, 64, 1, sharp);
      let worst = 0;
      for (let i = 0; i < sharp.length; i++) worst = Math.max(worst, Math.abs(analytic[i] - sharp[i]));
      // Two discretisations of one continuous blur: the numerical path convolves an arc sampled at pixel
      // centres (σ_r = 0.85 px, undersampled), the analytic one samples the blurred arc; plus curvature.
      assert.ok(worst < 0.025 * 0.6, `extent ${extentDeg}°: worst difference ${worst}`);
      assert.equal(blurredArcs(arcs, 8, 0)[0].amplitude, 0.6);
    }
  });
});
