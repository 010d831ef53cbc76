/** Time-domain analysis: periodograms and their false-alarm probabilities. */
export { checkSeries, lombScarglePower, type FrequencyGrid } from './lomb-scargle.js';
export { falseAlarmBaluev, logGamma } from './baluev.js';
