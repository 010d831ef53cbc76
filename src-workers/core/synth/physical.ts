import type { Rng } from '../random/rng.js';
import type { SynthConfig } from './config.js';
import { convolveValid, psfKernel } from './psf.js';
import { sersicEvaluator, type SersicProfile } from './sersic.js';
import { sieTracer, type SieShear } from './sie.js';
import { addNormalNoise } from './ziggurat.js';

/** Everything drawn for one physical-mode image. Angles in arcsec, fluxes in e⁻/s, 0-based pixel frame. */
export interface PhysicalParams {
  kind: 'physical';
  /** The deflector's light: de Vaucouleurs (n = 4) Sérsic. */
  lensLight: SersicProfile & { mag: number };
  /** The background source: Sérsic, lensed for label 1, seen unlensed for label 0. */
  source: SersicProfile & { mag: number };
  /** SIE + shear; `thetaE` is 0 for non-lenses (the drawn value is kept in `drawnThetaE`). */
  mass: SieShear;
  drawnThetaE: number;
  /** Sky level per pixel (e⁻) over the exposure. */
  skyPerPixelE: number;
}

/** Magnitude → flux in e⁻/s for zero point `zp` (the magnitude of 1 e⁻/s). */
export function magToFlux(mag: number, zp: number): number {
  return Math.pow(10, -0.4 * (mag - zp));
}

/**
 * Draws one physical-mode system. Both classes draw the same quantities in the same order (lens light,
 * mass, source), so non-lenses come from the same galaxy population and differ only by lensing: their
 * source keeps its place, unlensed. The mass is aligned with the light (same centre, axis ratio, angle);
 * the source lies within half an Einstein radius of the lens axis, where it forms arcs or rings.
 */
export function drawPhysicalParams(config: SynthConfig, label: 0 | 1, rng: Rng): PhysicalParams {
  const p = config.Physical;
  const zp = p.zero_point_mag;
  const pixel = p.pixel_scale_arcsec;
  const jitter = 0.5 * pixel;
  const lensX = rng.uniform(-jitter, jitter);
  const lensY = rng.uniform(-jitter, jitter);
  const lensMag = rng.uniform(p.lens_mag_min, p.lens_mag_max);
  const lensQ = rng.uniform(p.lens_q_min, 1);
  const lensAngle = rng.uniform(0, Math.PI);
  const lensLight = {
    x: lensX,
    y: lensY,
    mag: lensMag,
    flux: magToFlux(lensMag, zp),
    reff: rng.uniform(p.lens_reff_min_arcsec, p.lens_reff_max_arcsec),
    n: 4,
    q: lensQ,
    angle: lensAngle,
  };
  const thetaE = rng.uniform(p.einstein_radius_min_arcsec, p.einstein_radius_max_arcsec);
  const mass: SieShear = {
    x: lensX,
    y: lensY,
    thetaE: label === 1 ? thetaE : 0,
    q: lensQ,
    angle: lensAngle,
    gamma: rng.uniform(0, p.shear_max),
    gammaAngle: rng.uniform(0, Math.PI),
  };
  if (label === 0) mass.gamma = 0;
  const offset = 0.5 * thetaE * Math.sqrt(rng.next());
  const direction = rng.uniform(-Math.PI, Math.PI);
  const sourceMag = rng.uniform(p.source_mag_min, p.source_mag_max);
  const source = {
    x: lensX + offset * Math.cos(direction),
    y: lensY + offset * Math.sin(direction),
    mag: sourceMag,
    flux: magToFlux(sourceMag, zp),
    reff: rng.uniform(p.source_reff_min_arcsec, p.source_reff_max_arcsec),
    n: rng.uniform(p.source_sersic_n_min, p.source_sersic_n_max),
    q: rng.uniform(0.5, 1),
    angle: rng.uniform(0, Math.PI),
  };
  const skyPerPixelE = magToFlux(p.sky_mag_per_arcsec2, zp) * pixel * pixel * p.exposure_sec;
  return { kind: 'physical', lensLight, source, mass, drawnThetaE: thetaE, skyPerPixelE };
}

/**
 * Renders the noiseless image in electrons over the exposure, sky included: surface brightness integrated
 * over each pixel by `supersample`² sub-pixel rays (the source through the lens equation; 9× more where
 * a profile's cusp falls), on a canvas
 * padded by the PSF radius, then convolved with the PSF and cropped, so no light is lost at the edges.
 */
export function renderPhysicalNoiseless(config: SynthConfig, params: PhysicalParams): Float64Array {
  const p = config.Physical;
  const size = config.General.image_size;
  const pixel = p.pixel_scale_arcsec;
  const { kernel, radius } = psfKernel(p.psf, p.psf_fwhm_arcsec / pixel, p.moffat_beta);
  const padded = size + 2 * radius;
  const canvas = new Float64Array(padded * padded);
  const lens = sersicEvaluator(params.lensLight);
  const source = sersicEvaluator(params.source);
  const trace = sieTracer(params.mass);
  const beta = new Float64Array(2);
  const ss = p.supersample;
  const fine = 3 * ss;
  const centre = (size - 1) / 2;
  // Pixels that see a profile's cusp (the source centre through the lens, the lens centre) are
  // integrated again on a 3× finer grid: a compact Sérsic cusp is otherwise over-counted by a few %.
  const cuspSource2 = Math.max(params.source.reff, pixel) ** 2;
  const cuspLens2 = (1.5 * pixel) ** 2;
  const pixelSum = (px: number, py: number, n: number): { sum: number; cusp: boolean } => {
    let sum = 0;
    let cusp = false;
    for (let sy = 0; sy < n; sy++) {
      const y = (py - radius - centre + (sy + 0.5) / n - 0.5) * pixel;
      for (let sx = 0; sx < n; sx++) {
        const x = (px - radius - centre + (sx + 0.5) / n - 0.5) * pixel;
        trace(x, y, beta);
        sum += lens(x, y) + source(beta[0], beta[1]);
        const bx = beta[0] - params.source.x;
        const by = beta[1] - params.source.y;
        const lx = x - params.lensLight.x;
        const ly = y - params.lensLight.y;
        if (bx * bx + by * by < cuspSource2 || lx * lx + ly * ly < cuspLens2) cusp = true;
      }
    }
    return { sum: sum / (n * n), cusp };
  };
  const areaE = pixel * pixel * p.exposure_sec;
  for (let py = 0; py < padded; py++) {
    for (let px = 0; px < padded; px++) {
      const first = pixelSum(px, py, ss);
      canvas[py * padded + px] = (first.cusp ? pixelSum(px, py, fine).sum : first.sum) * areaE;
    }
  }
  const image = convolveValid(canvas, padded, padded, kernel, radius);
  for (let i = 0; i < image.length; i++) image[i] += params.skyPerPixelE;
  return image;
}

/**
 * One physical image in ADU: Poisson noise on the electrons (source, lens and sky), Gaussian read noise,
 * divided by the gain. Noise is drawn from `rng` after the parameters.
 */
export function renderPhysical(config: SynthConfig, params: PhysicalParams, rng: Rng): Float64Array {
  const p = config.Physical;
  const pixels = renderPhysicalNoiseless(config, params);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.poisson(pixels[i]);
  if (p.read_noise_e > 0) addNormalNoise(pixels, p.read_noise_e, rng);
  for (let i = 0; i < pixels.length; i++) pixels[i] /= p.gain_e_per_adu;
  return pixels;
}
