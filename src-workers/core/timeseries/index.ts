/** Time-domain analysis: periodograms and their false-alarm probabilities, variability statistics. */
export { checkSeries, lombScarglePower, type FrequencyGrid } from './lomb-scargle.js';
export { falseAlarmBaluev, logGamma } from './baluev.js';
export { chiSquareSurvival, gammaQ } from './incomplete-gamma.js';
export { variabilityStats, type VariabilityOptions, type VariabilityStats } from './variability.js';
export { boxLeastSquares, type BlsOptions, type BlsResult } from './bls.js';
export {
  blsSearch,
  foldPhase,
  lombScargleSearch,
  type BlsSearchOptions,
  type BlsSearchResult,
  type LombScargleSearchResult,
  type PeriodRange,
} from './period-search.js';
