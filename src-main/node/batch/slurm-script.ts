/** What the sbatch array script of a plan needs. */
export interface SlurmScriptOptions {
  /** Absolute path of the plan file. */
  planPath: string;
  /** The catalog every task writes to (a SQLite file on a shared disk or one node, or a PostgreSQL URL). */
  db: string;
  shards: number;
  /** The command that runs owb: an executable and its leading arguments (e.g. node and the CLI's entry). */
  owbCommand: readonly string[];
  /** Absolute folder the tasks run in (relative paths in the command resolve against it). */
  workDir: string;
  /** Absolute folder for the per-task logs `owb-batch-%A_%a.log`. */
  logDir: string;
  partition?: string;
  /** Slurm time limit per task: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  time?: string;
  /** Memory per task: a whole number with an optional K, M, G or T suffix (megabytes without). */
  mem?: string;
  /** CPUs per task [1]; the task runs that many worker threads. */
  cpus?: number;
  /** Times a crashed task is requeued before it is left failed [3]. */
  maxRequeues?: number;
  /** [owb-batch] */
  jobName?: string;
  /** Extra `profile` for `owb batch run --profile`. */
  profilePath?: string;
}

/** An sbatch option value that is not what Slurm accepts: the message names the option. */
export class SlurmOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmOptionError';
  }
}

const TIME = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/;
const MEM = /^\d+[KMGT]?$/i;
const NAME = /^[A-Za-z0-9_.,+-]+$/;

/** One word for bash: single-quoted, with embedded quotes spliced in. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The sbatch script of a batch plan: an array of `shards` tasks, task I running `owb batch run` on shard I
 * (`$SLURM_ARRAY_TASK_ID`). `--requeue` lets Slurm requeue a task whose node fails or that is preempted;
 * a task whose owb process crashes (exit codes other than 0, 2 = bad input, 3 = frames failed for good
 * after the job queue's own retries) requeues itself with `scontrol requeue` up to `maxRequeues` times
 * (`SLURM_RESTART_COUNT`). A requeued shard resumes: frames already done are skipped by the catalog's
 * exactly-once jobs. Reference: sbatch(1), scontrol(1) `requeue`.
 */
export function slurmScript(o: SlurmScriptOptions): string {
  if (!Number.isInteger(o.shards) || o.shards < 1)
    throw new SlurmOptionError(`shards must be a positive integer, got ${o.shards}`);
  if (o.partition !== undefined && !NAME.test(o.partition))
    throw new SlurmOptionError(
      `--partition must be a Slurm partition name (letters, digits, _ . , + -), got '${o.partition}'`,
    );
  if (o.time !== undefined && !TIME.test(o.time))
    throw new SlurmOptionError(`--time must be minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, got '${o.time}'`);
  if (o.mem !== undefined && !MEM.test(o.mem))
    throw new SlurmOptionError(`--mem must be a whole number with an optional K, M, G or T suffix, got '${o.mem}'`);
  const cpus = o.cpus ?? 1;
  if (!Number.isInteger(cpus) || cpus < 1) throw new SlurmOptionError(`--cpus must be a positive integer, got ${cpus}`);
  const maxRequeues = o.maxRequeues ?? 3;
  if (!Number.isInteger(maxRequeues) || maxRequeues < 0)
    throw new SlurmOptionError(`requeues must be a non-negative integer, got ${maxRequeues}`);
  const jobName = o.jobName ?? 'owb-batch';
  if (!NAME.test(jobName)) throw new SlurmOptionError(`job name must be letters, digits, _ . , + -, got '${jobName}'`);
  for (const [what, path] of [
    ['work folder', o.workDir],
    ['log folder', o.logDir],
  ] as const)
    if (/[\n%]/.test(path)) throw new SlurmOptionError(`the ${what} '${path}' must not contain '%' or a line break`);
  const directives = [
    `--job-name=${jobName}`,
    `--array=0-${o.shards - 1}`,
    `--cpus-per-task=${cpus}`,
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
    '--requeue',
    '--open-mode=append',
    `--chdir=${o.workDir}`,
    `--output=${o.logDir}/${jobName}-%A_%a.log`,
  ];
  const run = [
    ...o.owbCommand,
    'batch',
    'run',
    '--plan',
    o.planPath,
    '--db',
    o.db,
    ...(o.profilePath ? ['--profile', o.profilePath] : []),
  ]
    .map(shellQuote)
    .join(' ');
  return `#!/bin/bash
# Written by 'owb batch slurm': one array task per shard of ${o.planPath}.
# Submit with: sbatch THIS_FILE   Progress: owb batch status --plan ${o.planPath} --db ${o.db}
${directives.map((d) => `#SBATCH ${d}`).join('\n')}

# The task's shard is $SLURM_ARRAY_TASK_ID; its worker threads follow the CPUs Slurm gave it.
${run} --threads "\${SLURM_CPUS_PER_TASK:-${cpus}}"
status=$?
# 0: shard done. 2: bad input (plan, catalog, options) and 3: frames failed for good after the job queue's
# own retries; a rerun cannot change either. Anything else (a crash, a signal) is requeued: the catalog's
# exactly-once jobs make the rerun skip what is done and redo what was cut off.
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
  if [ "\${SLURM_RESTART_COUNT:-0}" -lt ${maxRequeues} ]; then
    echo "owb: shard \${SLURM_ARRAY_TASK_ID} exited $status; requeueing (restart \${SLURM_RESTART_COUNT:-0} of ${maxRequeues})" >&2
    scontrol requeue "\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"
  else
    echo "owb: shard \${SLURM_ARRAY_TASK_ID} exited $status after ${maxRequeues} requeue(s); giving up" >&2
  fi
fi
exit "$status"
`;
}
