import type { Rng } from '../random/rng.js';
import { addNormalNoise } from './ziggurat.js';

/**
 * Adds noise in place to `pixels` (a buffer this module's caller owns): first Poisson noise with
 * `poissonStrength` counts per image unit (value → Poisson(max(value, 0)·s)/s; 0 = off), then i.i.d.
 * Gaussian noise of standard deviation `gaussianSigma` (image units, ziggurat deviates). Draws from `rng` in pixel order.
 */
export function addParityNoise(pixels: Float64Array, gaussianSigma: number, poissonStrength: number, rng: Rng): void {
  if (poissonStrength > 0) {
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i];
      pixels[i] = rng.poisson(v > 0 ? v * poissonStrength : 0) / poissonStrength;
    }
  }
  if (gaussianSigma > 0) addNormalNoise(pixels, gaussianSigma, rng);
}
