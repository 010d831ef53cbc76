/** Observation times: FITS time keywords, UTC/TAI/TT/TDB, the observatory and BJD_TDB. */
export * from './scales.js';
export {
  parseClock,
  parseFitsDate,
  readObservationTime,
  type ObservationTime,
  type TimeKeywordSource,
} from './fits-time.js';
export * from './site.js';
export {
  KNOWN_OBSERVATORIES,
  knownObservatory,
  siteFromObservatoryName,
  type KnownObservatory,
} from './observatories.js';
export * from './barycentric.js';
export { readTargetPosition, type TargetPosition } from './target.js';
export { airmassSecZ } from './airmass.js';
