/** Registration: transforms, asterism matching, least squares, phase correlation, resampling. */
export * from './transform.js';
export * from './fit.js';
export * from './asterism.js';
export * from './fft.js';
export * from './phase-correlation.js';
export * from './resample.js';
export * from './register.js';
export * from './fast-stars.js';
