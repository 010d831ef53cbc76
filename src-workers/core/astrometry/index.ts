/**
 * Public surface of plate solving (astrometry.net-style quads against astrometry.net index files, Bayesian
 * verification, TAN-SIP fit). Solutions are core/wcs `TanWcs` objects. See `solveField` and
 * docs/plate-solving.md.
 */
export { solveField, prepareIndex } from './solve.js';
export type { SolveIndex, SolveHint, SolveOptions, PlateSolution, PlateFailure } from './solve.js';
export { orderFieldStars, type FieldStars } from './field-stars.js';
export { buildConeLookup, coneStars, starRadec, type StarIndex, type ConeLookup } from './star-index.js';
export { radecToXyz, xyzToRadec, angularSeparationDeg } from './sphere.js';
export { fitPlateWcs, withInverseSip, plateWcsCards, plateGeometry, sipOrderOf, type WcsCard } from './tan-sip.js';
export { verifyPrediction, buildFieldGrid, type Verification, type StarMatch } from './verify.js';
export { buildCodeHash, lookupCodes, type CodeHash } from './code-hash.js';
export { planeCode, canonicalCode, skyCode } from './quad-code.js';
export { footprintStars, type FootprintStars } from './footprint-stars.js';
