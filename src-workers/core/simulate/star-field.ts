import { createImage, type Image } from '../image/image.js';
import { createRng, deriveSeed } from '../random/rng.js';

/** Truth for one simulated star: 0-based pixel centre, total flux in ADU, Gaussian FWHM in pixels. */
export interface SimulatedStar {
  x: number;
  y: number;
  fluxAdu: number;
  fwhmPx: number;
}

export interface StarFieldOptions {
  widthPx: number;
  heightPx: number;
  /** Number of stars [200]. */
  starCount?: number;
  /** Gaussian PSF FWHM in pixels [3]. */
  fwhmPx?: number;
  /** Sky level in ADU [1000]. */
  skyAdu?: number;
  /** Gain in e-/ADU for Poisson noise [1]. */
  gainEPerAdu?: number;
  /** Read noise in ADU [5]. */
  readNoiseAdu?: number;
  /** Brightest and faintest star flux in ADU, drawn from a power law between them [2e5, 500]. */
  maxFluxAdu?: number;
  minFluxAdu?: number;
  /** Sub-pixel shift applied to every star, in pixels [0, 0]. */
  shiftPx?: [number, number];
  /** Keep stars this far from the edges [8]. */
  marginPx?: number;
  /** Seed of the star list (positions, fluxes). */
  seed: number;
  /** Seed of the noise realisation [derived from `seed`]; vary it to observe the same field again. */
  noiseSeed?: number;
  /** Extra stars drawn on top of the list (e.g. a transient), included in the returned truth. */
  extraStars?: SimulatedStar[];
}

/**
 * A seeded star field: Gaussian stars integrated over each pixel (error-function form, so faint stars
 * and sub-pixel positions are exact), flat sky, Poisson photon noise at the given gain and Gaussian read
 * noise. Returns the image and its truth list; used by the demo workspace and integration tests.
 */
export function simulateStarField(options: StarFieldOptions): { image: Image; stars: SimulatedStar[] } {
  const width = options.widthPx;
  const height = options.heightPx;
  const rng = createRng(options.seed);
  const fwhm = options.fwhmPx ?? 3;
  const sky = options.skyAdu ?? 1000;
  const gain = options.gainEPerAdu ?? 1;
  const readNoise = options.readNoiseAdu ?? 5;
  const maxFlux = options.maxFluxAdu ?? 2e5;
  const minFlux = options.minFluxAdu ?? 500;
  const margin = options.marginPx ?? 8;
  const [dx, dy] = options.shiftPx ?? [0, 0];
  const stars: SimulatedStar[] = [];
  const count = options.starCount ?? 200;
  // Number counts rising towards faint stars, as in real fields (dN/dF ∝ F^-2).
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    const fluxAdu = 1 / (1 / minFlux - u * (1 / minFlux - 1 / maxFlux));
    stars.push({
      x: margin + rng.next() * (width - 1 - 2 * margin) + dx,
      y: margin + rng.next() * (height - 1 - 2 * margin) + dy,
      fluxAdu,
      fwhmPx: fwhm,
    });
  }
  for (const extra of options.extraStars ?? []) stars.push({ ...extra, x: extra.x + dx, y: extra.y + dy });
  const model = new Float64Array(width * height);
  model.fill(sky);
  for (const star of stars) drawStar(model, width, height, star, star.fwhmPx / 2.3548200450309493);
  const image = createImage(width, height);
  const noise = createRng(deriveSeed(options.noiseSeed ?? options.seed, 1));
  for (let k = 0; k < model.length; k++) {
    const electrons = noise.poisson(model[k] * gain);
    image.data[k] = electrons / gain + readNoise * noise.normal();
  }
  return { image, stars };
}

function drawStar(model: Float64Array, width: number, height: number, star: SimulatedStar, sigma: number): void {
  const radius = Math.ceil(5 * sigma) + 1;
  const gx = new Float64Array(2 * radius + 1);
  const gy = new Float64Array(2 * radius + 1);
  const cx = Math.round(star.x);
  const cy = Math.round(star.y);
  pixelIntegrals(star.x, cx, radius, sigma, gx);
  pixelIntegrals(star.y, cy, radius, sigma, gy);
  for (let j = -radius; j <= radius; j++) {
    const y = cy + j;
    if (y < 0 || y >= height) continue;
    for (let i = -radius; i <= radius; i++) {
      const x = cx + i;
      if (x >= 0 && x < width) model[y * width + x] += star.fluxAdu * gy[j + radius] * gx[i + radius];
    }
  }
}

/** Fraction of a unit-flux 1-D Gaussian centred at `centre` falling in each pixel around `pixel`. */
function pixelIntegrals(centre: number, pixel: number, radius: number, sigma: number, out: Float64Array): void {
  const scale = 1 / (Math.SQRT2 * sigma);
  for (let i = -radius; i <= radius; i++) {
    const lo = (pixel + i - 0.5 - centre) * scale;
    const hi = (pixel + i + 0.5 - centre) * scale;
    out[i + radius] = 0.5 * (erf(hi) - erf(lo));
  }
}

/** Error function from the Chebyshev fit of Numerical Recipes' `erfcc`: fractional error < 1.2e-7 everywhere. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}
