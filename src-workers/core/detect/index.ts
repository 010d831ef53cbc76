/**
 * Public surface of source detection (SExtractor/SEP class). See `detectSources`.
 */
export { detectSources, addApertureFluxes, defaultApertureRadius, resolveDetectOptions } from './detect.js';
export type { DetectOptions } from './detect.js';
export { detectRegion } from './detect-region.js';
export type { RegionOptions, RegionResult, PixelBox, IncompleteParent } from './detect-region.js';
export type { TileGeometry } from './extract.js';
export { gaussianKernel1d, parseConvKernel, validateFilterKernel } from './kernel.js';
export type { FilterKernel } from './kernel.js';
export { deblendParent } from './deblend.js';
export type { SourceCatalog } from '../catalog/catalog.js';
export { SourceFlag } from '../catalog/flags.js';
export { cleanCatalog, CLEAN_STRIDE } from './clean.js';
export { measureApertures, apertureReachPx, type ApertureSettings } from './aperture-phot.js';
export { daoFind, daoKernel, type DaoCatalog, type DaoFindOptions, type DaoKernel } from './dao-find.js';
export { noiseForDetection, type ThreshRms } from './threshold-noise.js';
