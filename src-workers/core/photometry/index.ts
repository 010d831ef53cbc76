/**
 * Public surface of photometry (photutils class): exact circular apertures, sampled elliptical apertures,
 * annulus backgrounds, forced photometry, magnitudes.
 */
export { circularApertureSum, ellipticalApertureSum, apertureSumError, type ApertureSum } from './aperture.js';
export { ellipsePixelOverlap } from './ellipse-overlap.js';
export { circleRectOverlap } from './circular-overlap.js';
export { pixelSetSum } from './pixel-set-sum.js';
export { annulusBackground, createAnnulusScratch, type AnnulusBackground, type AnnulusScratch } from './annulus.js';
export { forcedPhotometry, type ForcedPhotometry, type ForcedPhotometryOptions } from './forced.js';
export { fluxToMagnitude, addMagnitudes, MAG_PER_RELATIVE_FLUX } from './magnitudes.js';
export { fitZeroPoint, type ZeroPointFit } from './zero-point.js';

import type { Image } from '../image/image.js';
import { circularApertureSum } from './aperture.js';

/** Background-subtracted flux in a circle of `radiusPx` at (xPx, yPx) with exact pixel overlap (ADU). */
export function apertureFlux(image: Image, xPx: number, yPx: number, radiusPx: number, backgroundAdu = 0): number {
  return circularApertureSum(image, xPx, yPx, radiusPx, backgroundAdu).sum;
}
export { curveOfGrowth, radialProfile, type CurveOfGrowth, type RadialProfile } from './profile.js';
export * from './psf/index.js';
