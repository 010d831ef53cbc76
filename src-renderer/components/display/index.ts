export { samplePixels, percentileLimits, minMaxLimits, zscaleLimits, type Limits } from './limits.js';
export {
  renderRgba,
  stretchTable,
  displayTable,
  levelIndexParams,
  LEVELS,
  STRETCHES,
  type StretchName,
  type DisplaySettings,
} from './stretch.js';
export { colormapLut, COLORMAPS, type ColormapName } from '../../../src-workers/core/display/index.js';
export {
  createFrameRaster,
  type FrameRaster,
  type FrameRasterOptions,
  type RasterFrame,
  type RasterView,
} from './frame-raster.js';
export { blockAverage, pickLevel } from './levels.js';
