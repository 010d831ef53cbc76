/** Region files (DS9, CRTF) read as source selections and pixel masks. */
export { parseDs9Regions } from './parse-ds9.js';
export { parseCrtfRegions } from './parse-crtf.js';
export { readRegionFile } from './read.js';
export { RegionSelection, regionToPixel, type PositionedSource } from './select.js';
export { planeContains, type PlaneShape, type Region, type RegionFile, type RegionSystem } from './shapes.js';
export { RegionParseError } from './values.js';
