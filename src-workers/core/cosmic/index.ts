/** Cosmic-ray detection and cleaning on single frames (L.A.Cosmic). */
export * from './lacosmic.js';
export * from './separable-median.js';
