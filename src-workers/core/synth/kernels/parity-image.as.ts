// A whole parity image in one call: the parameter draws, the galaxy, the arcs and the noise. Host side
// and definition: parity.ts (`drawParityParams`, `renderParity`), whose operations this repeats in the
// same order, with the host's Math functions, so that a seed gives the same bits either way (tested).
// Why: the JavaScript of those steps is what each thread's optimising compiler spent a run's first
// hundreds of images compiling; here it is compiled once, before the first image.
import { addArcs } from './arcs.as';
import { addGalaxy } from './galaxy.as';
import { cos, exp, pow, sin } from './js-math.as';
import { addNormalNoise, setStream, word } from './noise.as';

/** Offsets (in float64) of the settings in the configuration block the host fills (parity.ts). */
const SIZE = 0;
const JITTER = 1;
const SIGMA_MIN = 2;
const SIGMA_MAX = 3;
const ELLIPTICITY_MIN = 4;
const ELLIPTICITY_MAX = 5;
const GALAXY_AMPLITUDE_MIN = 6;
const GALAXY_AMPLITUDE_MAX = 7;
const GALAXY_BLUR = 8;
const MIN_ARCS = 9;
const MAX_ARCS = 10;
const RADIUS_MIN = 11;
const RADIUS_MAX = 12;
const WIDTH_MIN = 13;
const WIDTH_MAX = 14;
const EXTENT_MIN = 15;
const EXTENT_MAX = 16;
const ARC_AMPLITUDE_MIN = 17;
const ARC_AMPLITUDE_MAX = 18;
const ARC_BLUR = 19;
const GAUSSIAN_SIGMA = 20;
const ANALYTIC_BLUR_LIMIT = 21;
/** Addresses of the host's tables: ziggurat KN, WN, FN and the arcs' exp table. */
const KN = 22;
const WN = 23;
const FN = 24;
const EXP_TABLE = 25;
/** Address of room for 4 float64 per arc (the arcs kernel's parameters). */
const ARC_SCRATCH = 26;

const FWHM_PER_SIGMA: f64 = 2 * Math.sqrt(2 * Math.LN2);
const MAX_EXPONENT: f64 = 18;

/** Returned when the arcs' blur is too wide for the analytic form: the host renders that image itself. */
const NEEDS_NUMERICAL_BLUR: i32 = 1;

// The parameter stream: xoshiro128** (noise.as.ts's generator, whose state the noise sets afresh from
// this stream's words) seeded through SplitMix32, as rng.ts's createRng.
let mix: u32 = 0;

function splitmix32(): u32 {
  mix += 0x9e3779b9;
  let z = mix;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}

function seedStream(seed: u32): void {
  mix = seed;
  let a = splitmix32();
  const b = splitmix32();
  const c = splitmix32();
  const d = splitmix32();
  if ((a | b | c | d) == 0) a = 1;
  setStream(<i32>a, <i32>b, <i32>c, <i32>d);
}

function nextU32(): u32 {
  return <u32>word();
}

function next(): f64 {
  return <f64>nextU32() / 4294967296;
}

function uniform(min: f64, max: f64): f64 {
  return min + (max - min) * next();
}

function setting(config: usize, at: i32): f64 {
  return load<f64>(config + ((<usize>at) << 3));
}

function address(config: usize, at: i32): usize {
  return <usize>setting(config, at);
}

/**
 * Draws the parameters of the image of `seed` and `label` (1 = lens) and renders it with its noise into
 * the `size`² float64 image at `pixels` (overwritten). Writes the drawn parameters to `drawn` as float64:
 * galaxy x, y, σ, e, angle, amplitude; Einstein radius (0 for non-lenses); arc count; then per arc width,
 * extent, angle, amplitude. Returns 0, or `NEEDS_NUMERICAL_BLUR` (nothing rendered).
 */
export function parityImage(config: usize, seed: u32, label: i32, pixels: usize, drawn: usize): i32 {
  seedStream(seed);
  const size = <i32>setting(config, SIZE);
  const centre = <f64>size / 2 - 0.5;
  const jitter = setting(config, JITTER);
  const x = centre + uniform(-jitter, jitter);
  const y = centre + uniform(-jitter, jitter);
  const sigma = uniform(setting(config, SIGMA_MIN), setting(config, SIGMA_MAX));
  const ellipticity = uniform(setting(config, ELLIPTICITY_MIN), setting(config, ELLIPTICITY_MAX));
  const angle = uniform(0, Math.PI);
  const amplitude = uniform(setting(config, GALAXY_AMPLITUDE_MIN), setting(config, GALAXY_AMPLITUDE_MAX));
  store<f64>(drawn, x);
  store<f64>(drawn, y, 8);
  store<f64>(drawn, sigma, 16);
  store<f64>(drawn, ellipticity, 24);
  store<f64>(drawn, angle, 32);
  store<f64>(drawn, amplitude, 40);
  let arcs = 0;
  let radius: f64 = 0;
  if (label != 0) {
    const minArcs = setting(config, MIN_ARCS);
    arcs = <i32>(minArcs + Math.floor(next() * (setting(config, MAX_ARCS) - minArcs + 1)));
    radius = uniform(setting(config, RADIUS_MIN), setting(config, RADIUS_MAX));
    for (let k = 0; k < arcs; k++) {
      const at = drawn + 64 + ((<usize>k) << 5);
      store<f64>(at, uniform(setting(config, WIDTH_MIN), setting(config, WIDTH_MAX)));
      store<f64>(at, uniform(setting(config, EXTENT_MIN), setting(config, EXTENT_MAX)), 8);
      store<f64>(at, uniform(-Math.PI, Math.PI), 16);
      store<f64>(at, uniform(setting(config, ARC_AMPLITUDE_MIN), setting(config, ARC_AMPLITUDE_MAX)), 24);
    }
  }
  store<f64>(drawn, radius, 48);
  store<f64>(drawn, <f64>arcs, 56);
  const arcBlur = setting(config, ARC_BLUR);
  if (arcs > 0 && !(arcBlur <= setting(config, ANALYTIC_BLUR_LIMIT) * radius)) return NEEDS_NUMERICAL_BLUR;

  memory.fill(pixels, 0, (<usize>(size * size)) << 3);
  galaxy(pixels, size, x, y, sigma, ellipticity, angle, amplitude, setting(config, GALAXY_BLUR));
  if (arcs > 0) blurredArcs(config, pixels, size, x, y, radius, drawn + 64, arcs, arcBlur);
  const noiseSigma = setting(config, GAUSSIAN_SIGMA);
  if (noiseSigma > 0) {
    // noise.ts's addNormalNoise: four words of this stream seed the noise's own.
    let s0 = nextU32();
    const s1 = nextU32();
    const s2 = nextU32();
    const s3 = nextU32();
    if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    addNormalNoise(
      pixels,
      size * size,
      noiseSigma,
      <i32>s0,
      <i32>s1,
      <i32>s2,
      <i32>s3,
      address(config, KN),
      address(config, WN),
      address(config, FN),
    );
  }
  return 0;
}

/** parity.ts's addGalaxy: the galaxy's quadratic form after its blur, then the galaxy kernel. */
function galaxy(
  pixels: usize,
  size: i32,
  x: f64,
  y: f64,
  sigma: f64,
  ellipticity: f64,
  angle: f64,
  amplitude: f64,
  blur: f64,
): void {
  const q = 1 - ellipticity;
  const s2 = sigma * sigma;
  const b2 = blur > 0 ? blur * blur : 0;
  const varMajor = s2 / q + b2;
  const varMinor = s2 * q + b2;
  const peak = (amplitude * s2) / Math.sqrt(varMajor * varMinor);
  const co = cos(angle);
  const si = sin(angle);
  const a11 = (co * co) / varMajor + (si * si) / varMinor;
  const a22 = (si * si) / varMajor + (co * co) / varMinor;
  const a12 = co * si * (1 / varMajor - 1 / varMinor);
  addGalaxy(pixels, size, x, y, peak, a11, a12, a22, exp(-a11));
}

/**
 * parity.ts's blurredArcs followed by its addArcs: each arc widened by the blur (flux kept), laid out as
 * the arcs kernel's parameters, and the bounding box of the ring.
 */
function blurredArcs(
  config: usize,
  pixels: usize,
  size: i32,
  cx: f64,
  cy: f64,
  radius: f64,
  arcs: usize,
  n: i32,
  blur: f64,
): void {
  const params = address(config, ARC_SCRATCH);
  let maxSigmaRadial: f64 = 0;
  for (let k = 0; k < n; k++) {
    const arc = arcs + ((<usize>k) << 5);
    let width = load<f64>(arc);
    let extent = load<f64>(arc, 8);
    let amplitude = load<f64>(arc, 24);
    if (blur > 0) {
      const sr = width / FWHM_PER_SIGMA;
      const sPhi = (extent * Math.PI) / 180 / FWHM_PER_SIGMA;
      const sr2 = Math.sqrt(sr * sr + blur * blur);
      const sPhi2 = Math.sqrt(sPhi * sPhi + pow(blur / radius, 2));
      width = sr2 * FWHM_PER_SIGMA;
      extent = (sPhi2 * FWHM_PER_SIGMA * 180) / Math.PI;
      amplitude = (amplitude * sr * sPhi) / (sr2 * sPhi2);
    }
    const sigmaRadial = width / FWHM_PER_SIGMA;
    const p = params + ((<usize>k) << 5);
    store<f64>(p, 1 / sigmaRadial);
    store<f64>(p, FWHM_PER_SIGMA / ((extent * Math.PI) / 180), 8);
    store<f64>(p, load<f64>(arc, 16), 16);
    store<f64>(p, amplitude, 24);
    maxSigmaRadial = Math.max(maxSigmaRadial, sigmaRadial);
  }
  const reach = Math.sqrt(2 * MAX_EXPONENT) * maxSigmaRadial;
  const rMin = Math.max(0, radius - reach);
  const rMax = radius + reach;
  const y0 = <i32>Math.max(0, Math.floor(cy - rMax));
  const y1 = <i32>Math.min(size - 1, Math.ceil(cy + rMax));
  const x0 = <i32>Math.max(0, Math.floor(cx - rMax));
  const x1 = <i32>Math.min(size - 1, Math.ceil(cx + rMax));
  addArcs(pixels, size, cx, cy, radius, rMin, rMax, x0, x1, y0, y1, params, n, address(config, EXP_TABLE));
}
