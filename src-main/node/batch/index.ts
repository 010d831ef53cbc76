/**
 * Batch processing by shards (`owb batch`): a plan assigns files to shards by a hash of their path
 * (`buildPlan`, `shardOf`); each shard runs on the exactly-once job queue (`WatchService` with `files`);
 * `slurmScript` writes the sbatch array that runs the shards on Slurm; `planProgress` reads progress.
 */
export { BatchPlanError, buildPlan, formatPlan, MAX_SHARDS, readPlan, shardFiles, shardOf } from './plan.js';
export type { BatchPlan } from './plan.js';
export { planProgress } from './shard-status.js';
export type { ShardProgress } from './shard-status.js';
export { shellQuote, slurmScript, SlurmOptionError } from './slurm-script.js';
export type { SlurmScriptOptions } from './slurm-script.js';
export { FINAL_EXIT_CODES, kubernetesJob, KubernetesOptionError } from './kubernetes.js';
export type { KubernetesJobOptions } from './kubernetes.js';
