// Test fixture generator: seeded star fields with a truth list (pixel-integrated Gaussians, Poisson + read noise).
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { erf } from '../../../../src-workers/core/simulate/index.js';
import type { Image } from '../../../../src-workers/core/image/image.js';

export interface TruthStar {
  x: number;
  y: number;
  flux: number;
}

export interface FieldSpec {
  width: number;
  height: number;
  seed: number;
  sky: number;
  gain: number;
  readNoise: number;
  fwhm: number;
  stars: TruthStar[];
  /** Smooth background gradient added to the sky, ADU per pixel along x. */
  gradientX?: number;
  noise?: boolean;
}

/** Renders the field: each star integrated over the pixel area (separable erf), then noise if asked. */
export function makeField(spec: FieldSpec): Image {
  const { width, height } = spec;
  const data = new Float32Array(width * height);
  const model = new Float64Array(width * height);
  const sigma = spec.fwhm / (2 * Math.sqrt(2 * Math.LN2));
  const half = Math.ceil(6 * sigma) + 1;
  const s2 = Math.SQRT2 * sigma;
  for (const star of spec.stars) {
    const x0 = Math.max(0, Math.floor(star.x) - half);
    const x1 = Math.min(width - 1, Math.floor(star.x) + half);
    const y0 = Math.max(0, Math.floor(star.y) - half);
    const y1 = Math.min(height - 1, Math.floor(star.y) + half);
    const fx: number[] = [];
    for (let x = x0; x <= x1; x++) fx.push(0.5 * (erf((x + 0.5 - star.x) / s2) - erf((x - 0.5 - star.x) / s2)));
    for (let y = y0; y <= y1; y++) {
      const fy = 0.5 * (erf((y + 0.5 - star.y) / s2) - erf((y - 0.5 - star.y) / s2));
      for (let x = x0; x <= x1; x++) model[y * width + x] += star.flux * fy * fx[x - x0];
    }
  }
  const rng = createRng(spec.seed);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const mean = model[i] + spec.sky + (spec.gradientX ?? 0) * x;
      if (spec.noise === false) {
        data[i] = mean;
        continue;
      }
      const electrons = rng.poisson(Math.max(0, mean * spec.gain));
      data[i] = electrons / spec.gain + (spec.readNoise / spec.gain) * rng.normal();
    }
  }
  return { width, height, data };
}

/** Stars on a jittered grid (no blends), fluxes log-uniform in [fluxMin, fluxMax]. */
export function gridStars(
  width: number,
  height: number,
  spacing: number,
  fluxMin: number,
  fluxMax: number,
  seed: number,
): TruthStar[] {
  const rng = createRng(seed);
  const stars: TruthStar[] = [];
  for (let y = spacing; y < height - spacing / 2; y += spacing) {
    for (let x = spacing; x < width - spacing / 2; x += spacing) {
      stars.push({
        x: x + rng.uniform(-0.5, 0.5),
        y: y + rng.uniform(-0.5, 0.5),
        flux: fluxMin * Math.pow(fluxMax / fluxMin, rng.next()),
      });
    }
  }
  return stars;
}

/** Nearest truth star to each detection within `radius`; returns index or −1 per detection. */
export function matchToTruth(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  truth: TruthStar[],
  radius: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    let best = -1;
    let bestD = radius * radius;
    for (let t = 0; t < truth.length; t++) {
      const d = (xs[i] - truth[t].x) ** 2 + (ys[i] - truth[t].y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = t;
      }
    }
    out.push(best);
  }
  return out;
}
