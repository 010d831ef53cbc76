/** Pure computations behind the frame viewer's overlays: WCS grid, contours, interactive apertures. */
export * from './wcs-grid.js';
export * from './contours.js';
export * from './aperture-readout.js';
export * from './drawn-regions.js';
