/**
 * World coordinates. `CelestialWcs` (celestial-wcs.ts) is the general FITS WCS: all the Paper II
 * projections in projections/, any axis order, CUNIT, LONPOLE/LATPOLE, SIP (sip.ts) and TPV (tpv.ts).
 * `TanWcs` (tan.ts) is the small TAN-SIP model the plate solver writes.
 */
export * from './tan.js';
export {
  CelestialWcs,
  celestialWcsFromHeader,
  parseCelestialWcs,
  type DistortionKind,
  type SkyWcs,
} from './celestial-wcs.js';
export { readFrame, readWcsModel, type CelestialFrameSpec, type CelestialSystem, type WcsModel } from './header.js';
export {
  PROJECTION_CODES,
  makeProjection,
  ProjectionError,
  type Projection,
  type ProjectionParams,
} from './projections/index.js';
export { readSip, sipForward, sipInverse, sipPoly, type SipDistortion } from './sip.js';
export { readTpv, tpvForward, tpvInverse, type TpvDistortion } from './tpv.js';
export {
  readIrafDistortion,
  irafForward,
  irafInverse,
  parseSurface,
  evalSurface,
  type IrafDistortion,
  type IrafSurface,
} from './iraf.js';
export { readDss, dssForward, dssInverse, type DssPlate } from './dss.js';
export { frameConverter, frameConvertible, type FrameConverter } from './frames.js';
export { makeRotation, nativeToCelestial, celestialToNative, type SphericalRotation } from './sphere.js';
export { summarizeWcs, type PixelSky, type WcsSummary } from './summary.js';
