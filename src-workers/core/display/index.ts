/** Display: stretches, display limits and colour maps turning float pixels into 8-bit (no DOM, no Node). */
export * from './stretch.js';
export * from './colormap.js';
export * from './render.js';
