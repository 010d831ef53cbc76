/** What a job does per profile step, and the profiles themselves. */
export { createFrameJobHandler } from './frame-job.js';
export { JobFailure } from './job-failure.js';
export { mastersDir, runBuildMaster } from './master-job.js';
export { queueLiveStack, runLiveStack } from './live-stack-job.js';
export type { FrameJobContext } from './frame-job.js';
export { classifyFrameType, frameMetaFromHeader, mjdFromDateObs } from './frame-meta.js';
export { fileCalibrationFrame, mastersForLight } from './masters.js';
export {
  DEFAULT_PATTERNS,
  defaultProfile,
  loadProfile,
  matchesPatterns,
  needsWorker,
  parseProfile,
} from './profile.js';
export type { Profile } from './profile.js';
