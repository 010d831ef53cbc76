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
export * from './barycentric.js';
