/** Calibration: frame facts from headers, combine methods, masters, bad pixels, applying masters. */
export * from './combine.js';
export * from './combine-images.js';
export * from './frame-info.js';
export * from './apply.js';
export * from './bad-pixels.js';
export * from './robust.js';
export * from './calibrate-frame.js';
