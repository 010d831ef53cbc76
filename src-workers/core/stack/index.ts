/** Stacking: quality metrics, normalisation, weights, live stacking (rejection combine lives in core/calibrate). */
export * from './quality.js';
export * from './normalise.js';
export * from './live-stack.js';
