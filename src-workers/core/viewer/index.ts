/** Pure computations behind the frame viewer: WCS grid, contours, interactive apertures, regions, RGB composition. */
export * from './wcs-grid.js';
export * from './contours.js';
export * from './aperture-readout.js';
export * from './drawn-regions.js';
export * from './rgb-compose.js';
