export * from './image.js';
export * from './luminance.js';
