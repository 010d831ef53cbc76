export { samplePixels, percentileLimits, minMaxLimits, zscaleLimits, type Limits } from './limits.js';
export { renderRgba, stretchTable, STRETCHES, type StretchName, type DisplaySettings } from './stretch.js';
export { colormapLut, COLORMAPS, type ColormapName } from '../../../src-workers/core/display/index.js';
