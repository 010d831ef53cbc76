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
export {
  ccdNoiseE,
  scintillationRelative,
  MAG_PER_RELATIVE_FLUX,
  type CcdNoiseTerms,
  type ScintillationTerms,
} from './noise.js';
export {
  differentialCurve,
  LC_FLAG,
  type CurveFrame,
  type CurveOptions,
  type DetrendKey,
  type LightCurvePoints,
  type StarColumns,
} from './light-curve.js';
export {
  chooseComparisons,
  ensemblePhotometry,
  ensembleZeroPoints,
  forEachLightCurve,
  MEASUREMENT_SATURATED,
  type ZeroPointSolution,
  type EnsembleFrame,
  type EnsembleInput,
  type EnsembleOptions,
  type EnsembleResult,
  type EnsembleStar,
  type RejectedComp,
} from './ensemble.js';
