/** Image statistics, NaN-aware and exact (see each module for its reference). */
export * from './basic.js';
export * from './clip.js';
export * from './zscale.js';
export * from './histogram.js';
export * from './streaming.js';
