/** What a job does per profile step, and the profiles themselves. */
export { createFrameJobHandler, JobFailure } from './frame-job.js';
export type { FrameJobContext } from './frame-job.js';
export { classifyFrameType, frameMetaFromHeader, mjdFromDateObs } from './frame-meta.js';
export { fileCalibrationFrame } from './masters.js';
export { DEFAULT_PATTERNS, defaultProfile, loadProfile, matchesPatterns, needsWorker, parseProfile } from './profile.js';
export type { Profile } from './profile.js';
