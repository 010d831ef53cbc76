/** Public surface of image differencing for transients. */
export { differenceImages } from './difference.js';
export type { DifferenceOptions, DifferenceResult, TransientCandidate } from './difference.js';
export { gaussianBlur } from './gaussian-blur.js';
