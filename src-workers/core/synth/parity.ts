import type { Rng } from '../random/rng.js';
import { blurInto } from './blur.js';
import { MAX_ARCS_PER_LENS, type SynthConfig } from './config.js';
import { synthKernels, type SynthKernels } from './kernels/instance.js';
import { addParityNoise } from './noise.js';
import { zigguratTables } from './ziggurat.js';

/** FWHM / σ of a Gaussian, 2√(2 ln 2). */
export const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/** The elliptical Gaussian galaxy of the parity mode (before its blur). */
export interface ParityGalaxy {
  /** Centre, 0-based pixel coordinates. */
  xPx: number;
  yPx: number;
  /** Geometric-mean σ of the two axes (area preserving: σ_major = σ/√q, σ_minor = σ·√q, q = 1 − e). */
  sigmaPx: number;
  /** 1 − b/a. */
  ellipticity: number;
  /** Major-axis position angle from +x toward +y, [0, π). */
  angleRad: number;
  /** Peak brightness before blur (image units). */
  amplitude: number;
}

/** One arc: a ring segment Gaussian in radius and in angle, centred on the galaxy. */
export interface ParityArc {
  /** Radial FWHM. */
  widthPx: number;
  /** Angular FWHM. */
  extentDeg: number;
  /** Direction of the arc centre from the galaxy centre, (−π, π]. */
  angleRad: number;
  amplitude: number;
}

/** Everything drawn for one parity image (the noise aside). */
export interface ParityParams {
  kind: 'parity';
  galaxy: ParityGalaxy;
  /** 0 for non-lenses. */
  einsteinRadiusPx: number;
  arcs: ParityArc[];
}

/**
 * Draws the parameters of one image in a fixed order (galaxy centre x, y, σ, e, angle, amplitude; then for
 * lenses the arc count, Einstein radius and per arc width, extent, angle, amplitude), mirroring lensgen.py.
 */
export function drawParityParams(config: SynthConfig, label: 0 | 1, rng: Rng): ParityParams {
  const g = config.GalaxyBlob;
  const size = config.General.image_size;
  const centre = size / 2 - 0.5;
  const galaxy: ParityGalaxy = {
    xPx: centre + rng.uniform(-g.center_jitter_px, g.center_jitter_px),
    yPx: centre + rng.uniform(-g.center_jitter_px, g.center_jitter_px),
    sigmaPx: rng.uniform(g.sigma_min, g.sigma_max),
    ellipticity: rng.uniform(g.ellipticity_min, g.ellipticity_max),
    angleRad: rng.uniform(0, Math.PI),
    amplitude: rng.uniform(g.amplitude_min, g.amplitude_max),
  };
  if (label === 0) return { kind: 'parity', galaxy, einsteinRadiusPx: 0, arcs: [] };
  const a = config.LensArcs;
  const nArcs = a.min_arcs + rng.int(a.max_arcs - a.min_arcs + 1);
  const einsteinRadiusPx = rng.uniform(a.min_radius, a.max_radius);
  const arcs: ParityArc[] = [];
  for (let k = 0; k < nArcs; k++) {
    arcs.push({
      widthPx: rng.uniform(a.arc_width_min, a.arc_width_max),
      extentDeg: rng.uniform(a.arc_extent_min_deg, a.arc_extent_max_deg),
      angleRad: rng.uniform(-Math.PI, Math.PI),
      amplitude: rng.uniform(a.amplitude_min, a.amplitude_max),
    });
  }
  return { kind: 'parity', galaxy, einsteinRadiusPx, arcs };
}

/**
 * Renders the noiseless parity image: the galaxy convolved analytically with its Gaussian blur
 * (covariance + σ_blur², flux kept) plus the arcs blurred by `LensArcs.blur_sigma`, analytically while the
 * blur is small against the ring (see `ANALYTIC_BLUR_LIMIT`), else numerically. Pixel-centre sampling;
 * float64 pixels, row-major.
 */
export function renderParityNoiseless(config: SynthConfig, params: ParityParams, out?: Float64Array): Float64Array {
  const size = config.General.image_size;
  const pixels = out && out.length === size * size ? out.fill(0) : new Float64Array(size * size);
  addGalaxy(pixels, size, params.galaxy, config.GalaxyBlob.blur_sigma);
  if (params.arcs.length === 0) return pixels;
  const blur = config.LensArcs.blur_sigma;
  const { xPx, yPx } = params.galaxy;
  if (blur <= ANALYTIC_BLUR_LIMIT * params.einsteinRadiusPx) {
    addArcs(pixels, size, xPx, yPx, params.einsteinRadiusPx, blurredArcs(params.arcs, params.einsteinRadiusPx, blur));
    return pixels;
  }
  const arcs = new Float64Array(size * size);
  addArcs(arcs, size, xPx, yPx, params.einsteinRadiusPx, params.arcs);
  blurInto(arcs, size, size, blur, arcs);
  for (let i = 0; i < pixels.length; i++) pixels[i] += arcs[i];
  return pixels;
}

/**
 * Largest blur σ / ring radius for which the arcs are blurred analytically. An arc is a Gaussian across
 * (σ_r) times a Gaussian along the ring (σ_φ); convolving it with an isotropic Gaussian σ_b gives, up to
 * the ring's curvature, the same form with σ_r² + σ_b², σ_φ² + (σ_b/R)² and the flux kept. The curvature
 * error is O((σ_b/R)²): below 1 % of the arc peak at σ_b/R = 0.125 (the defaults' worst case), a few % at
 * the limit. Beyond it the arcs are convolved numerically (SciPy `gaussian_filter` conventions).
 */
export const ANALYTIC_BLUR_LIMIT = 0.25;

/** The arcs as they look after a Gaussian blur σ_b, in the flat-arc approximation (flux conserved). */
export function blurredArcs(arcs: readonly ParityArc[], radiusPx: number, blurSigmaPx: number): ParityArc[] {
  if (!(blurSigmaPx > 0)) return [...arcs];
  return arcs.map((a) => {
    const sr = a.widthPx / FWHM_PER_SIGMA;
    const sPhi = (a.extentDeg * Math.PI) / 180 / FWHM_PER_SIGMA;
    const sr2 = Math.sqrt(sr * sr + blurSigmaPx * blurSigmaPx);
    const sPhi2 = Math.sqrt(sPhi * sPhi + (blurSigmaPx / radiusPx) ** 2);
    return {
      widthPx: sr2 * FWHM_PER_SIGMA,
      extentDeg: (sPhi2 * FWHM_PER_SIGMA * 180) / Math.PI,
      angleRad: a.angleRad,
      amplitude: (a.amplitude * sr * sPhi) / (sr2 * sPhi2),
    };
  });
}

/**
 * Renders one parity image with its noise (drawn from `rng` after the parameters). `out` (optional, the
 * caller's `image_size`² buffer) is overwritten and returned, sparing an allocation per image.
 */
export function renderParity(config: SynthConfig, params: ParityParams, rng: Rng, out?: Float64Array): Float64Array {
  const pixels = renderParityNoiseless(config, params, out);
  addParityNoise(pixels, config.Noise.gaussian_sigma, config.Noise.poisson_strength, rng);
  return pixels;
}

/**
 * `drawParityParams` and `renderParity` for the image of `seed` and `label` in one call into the kernels
 * (kernels/parity-image.as.ts), which repeat their operations in the same order: the same parameters
 * and the same pixel bits (tested). Returns undefined, having rendered nothing, where those kernels do not
 * apply: Poisson noise on, or arcs whose blur needs the numerical convolution. `out` as in `renderParity`.
 */
export function renderParityFromSeed(
  config: SynthConfig,
  seed: number,
  label: 0 | 1,
  out?: Float64Array,
): { params: ParityParams; pixels: Float64Array } | undefined {
  if (config.Noise.poisson_strength > 0) return undefined;
  const k = synthKernels();
  const size = config.General.image_size;
  // Buffers first: taking them may grow the memory, which would detach `out` if it lies there. The
  // common case stays small (no closure, settings written once), as the optimising compiler of every
  // thread compiles this path again.
  const held = settingsOf?.config === config && settingsOf.kernels === k ? settingsOf : kernelSettings(k, config);
  const pixels = out && out.length === size * size ? out : new Float64Array(size * size);
  const owned = k.owns(pixels);
  const at = owned ? pixels.byteOffset : k.scratchOf('pixels', pixels.byteLength);
  if (k.exports.parityImage(held.at, seed >>> 0, label, at, held.drawnAt) !== 0) return undefined;
  if (!owned) pixels.set(k.f64(at, pixels.length));
  return { params: drawnParams(k.f64(held.drawnAt, DRAWN_VALUES)), pixels };
}

/** The parameters parity-image.as.ts drew, as `drawParityParams` returns them. */
function drawnParams(d: Float64Array): ParityParams {
  const galaxy: ParityGalaxy = {
    xPx: d[0],
    yPx: d[1],
    sigmaPx: d[2],
    ellipticity: d[3],
    angleRad: d[4],
    amplitude: d[5],
  };
  const arcs: ParityArc[] = [];
  for (let i = 0; i < d[7]; i++) {
    const at = 8 + 4 * i;
    arcs.push({ widthPx: d[at], extentDeg: d[at + 1], angleRad: d[at + 2], amplitude: d[at + 3] });
  }
  return { kind: 'parity', galaxy, einsteinRadiusPx: d[6], arcs };
}

/** The float64 parity-image.as.ts writes back: 8 for the galaxy and ring, 4 per arc. */
const DRAWN_VALUES = 8 + 4 * MAX_ARCS_PER_LENS;

/**
 * Where parity-image.as.ts finds its settings (written once per configuration and thread) and writes
 * the parameters it drew.
 */
interface KernelSettings {
  config: SynthConfig;
  kernels: SynthKernels;
  at: number;
  drawnAt: number;
}

let settingsOf: KernelSettings | undefined;

function kernelSettings(k: SynthKernels, config: SynthConfig): KernelSettings {
  const g = config.GalaxyBlob;
  const a = config.LensArcs;
  if (a.max_arcs > MAX_ARCS_PER_LENS)
    throw new RangeError(`LensArcs.max_arcs must be at most ${MAX_ARCS_PER_LENS}, got ${a.max_arcs}`);
  const { kn, wn, fn } = zigguratTables(k);
  const values = [
    config.General.image_size,
    g.center_jitter_px,
    g.sigma_min,
    g.sigma_max,
    g.ellipticity_min,
    g.ellipticity_max,
    g.amplitude_min,
    g.amplitude_max,
    g.blur_sigma,
    a.min_arcs,
    a.max_arcs,
    a.min_radius,
    a.max_radius,
    a.arc_width_min,
    a.arc_width_max,
    a.arc_extent_min_deg,
    a.arc_extent_max_deg,
    a.amplitude_min,
    a.amplitude_max,
    a.blur_sigma,
    config.Noise.gaussian_sigma,
    ANALYTIC_BLUR_LIMIT,
    kn,
    wn,
    fn,
    k.constant(EXP_TABLE),
    k.scratchOf('arc parameters', MAX_ARCS_PER_LENS * 32),
  ];
  const at = k.scratchOf('parity settings', values.length * 8);
  const drawnAt = k.scratchOf('parity parameters', DRAWN_VALUES * 8);
  k.f64(at, values.length).set(values);
  settingsOf = { config, kernels: k, at, drawnAt };
  return settingsOf;
}

/** Exponent beyond which a Gaussian term is below 2e-8 of its peak and is skipped (as in arcs.as.ts). */
const MAX_EXPONENT = 18;

/** exp(−j·ln2/64) for 0 ≤ j·ln2/64 < MAX_EXPONENT: the table of the arcs kernel's inline exp. */
const EXP_STEP = Math.LN2 / 64;
const EXP_TABLE = Float64Array.from({ length: Math.ceil(MAX_EXPONENT / EXP_STEP) + 1 }, (_, j) =>
  Math.exp(-j * EXP_STEP),
);

/** Adds the galaxy convolved with its blur (covariance + σ_blur², flux kept), in the kernels (galaxy.as.ts). */
function addGalaxy(pixels: Float64Array, size: number, g: ParityGalaxy, blurSigmaPx: number): void {
  const q = 1 - g.ellipticity;
  const s2 = g.sigmaPx * g.sigmaPx;
  const b2 = blurSigmaPx > 0 ? blurSigmaPx * blurSigmaPx : 0;
  const varMajor = s2 / q + b2;
  const varMinor = s2 * q + b2;
  const amplitude = (g.amplitude * s2) / Math.sqrt(varMajor * varMinor);
  const c = Math.cos(g.angleRad);
  const s = Math.sin(g.angleRad);
  const a11 = (c * c) / varMajor + (s * s) / varMinor;
  const a22 = (s * s) / varMajor + (c * c) / varMinor;
  const a12 = c * s * (1 / varMajor - 1 / varMinor);
  const k = synthKernels();
  const exports = k.exports;
  k.inPlace(pixels, (at) => exports.addGalaxy(at, size, g.xPx, g.yPx, amplitude, a11, a12, a22, Math.exp(-a11)));
}

/**
 * Adds the arcs, centred on (cx, cy), in the synth kernels' WebAssembly (kernels/arcs.as.ts): per pixel
 * an inline atan2 (Chebyshev fit, max error 2.1e-10 rad) and per arc an inline exp (table and Taylor
 * polynomial, relative error ≈ 2e-15), skipping terms below 2e-8 of their peak.
 */
function addArcs(
  pixels: Float64Array,
  size: number,
  cx: number,
  cy: number,
  radiusPx: number,
  arcs: readonly ParityArc[],
): void {
  const k = synthKernels();
  const n = arcs.length;
  const paramsAt = k.scratchOf('arc parameters', Math.max(n, MAX_ARCS_PER_LENS) * 32);
  const params = k.f64(paramsAt, 4 * n);
  let maxSigmaRadial = 0;
  for (let i = 0; i < n; i++) {
    const sr = arcs[i].widthPx / FWHM_PER_SIGMA;
    params[4 * i] = 1 / sr;
    params[4 * i + 1] = FWHM_PER_SIGMA / ((arcs[i].extentDeg * Math.PI) / 180);
    params[4 * i + 2] = arcs[i].angleRad;
    params[4 * i + 3] = arcs[i].amplitude;
    maxSigmaRadial = Math.max(maxSigmaRadial, sr);
  }
  const reach = Math.sqrt(2 * MAX_EXPONENT) * maxSigmaRadial;
  const rMin = Math.max(0, radiusPx - reach);
  const rMax = radiusPx + reach;
  const y0 = Math.max(0, Math.floor(cy - rMax));
  const y1 = Math.min(size - 1, Math.ceil(cy + rMax));
  const x0 = Math.max(0, Math.floor(cx - rMax));
  const x1 = Math.min(size - 1, Math.ceil(cx + rMax));
  const table = k.constant(EXP_TABLE);
  k.inPlace(pixels, (at) =>
    k.exports.addArcs(at, size, cx, cy, radiusPx, rMin, rMax, x0, x1, y0, y1, paramsAt, n, table),
  );
}
