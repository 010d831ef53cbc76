/** Crash-safe job queue in the catalog and the runner that executes it on the worker pool. */
export { JobQueue } from './job-queue.js';
export type { FailOutcome, JobError, JobQueueOptions, LeasedJob } from './job-queue.js';
export { JobDeferred, JobRunner, classifyError } from './job-runner.js';
export type {
  JobCommitSummary,
  JobEvent,
  JobHandler,
  JobHandlerOf,
  JobRunnerOptions,
  MaybePromise,
  RunnerCounters,
  RunnerQueue,
  SqliteJobCommit,
} from './job-runner.js';
export { newOwnerId, ownerIsDead } from './owner.js';
export { retryDelayMs, type BackoffOptions } from './backoff.js';
