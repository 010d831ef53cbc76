import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import {
  BatchPlanError,
  buildPlan,
  formatPlan,
  readPlan,
  shardFiles,
  SlurmOptionError,
  KubernetesOptionError,
} from '../../node/batch/index.js';
import type { BatchPlan, ShardProgress } from '../../node/batch/index.js';
import { defaultProfile, loadProfile } from '../../node/pipeline/profile.js';
import { UsageError } from '../cli-errors.js';
import { catalogOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand, type CliContext } from '../command.js';

const usage = `
Usage: owb batch plan DIR... --shards N --out plan.json [--profile FILE]
       owb batch run --plan plan.json [--shard I] --db FILE [--profile FILE] [--threads N]
       owb batch slurm --plan plan.json --db FILE --out job.sbatch [--partition P] [--time T] [--mem M]
                       [--cpus N] [--requeues N] [--log-dir DIR] [--owb COMMAND] [--profile FILE]
       owb batch status --plan plan.json --db FILE [--json]
       owb batch k8s --plan plan.json (--db postgres://… | --db-secret NAME[:KEY]) --image IMAGE --data-claim PVC
                     --out job.yaml [--parallelism N] [--cpus N] [--mem M] [--retries N] [--namespace NS]
                     [--name NAME] [--owb COMMAND]

plan    lists the folders' frames (as 'owb watch' would take them) and assigns each to one of N shards by a
        hash of its path relative to the plan root: the same folders always give the same plan
run     ingests and processes one shard's frames on the catalog's exactly-once job queue; I defaults to
        $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX (Kubernetes). Shards may run at once on one catalog: on SQLite they wait for its lock.
        A rerun of a shard skips what is done. Exit code 0, or 3 when frames failed or could not be read.
slurm   writes an sbatch array script, one task per shard, that requeues crashed tasks (up to --requeues [3])
status  reads the plan's progress per shard from the catalog
k8s     writes a Kubernetes manifest: the plan in a ConfigMap and an Indexed Job (batch/v1, Kubernetes ≥ 1.29),
        one completion per shard, pod I running shard I ($JOB_COMPLETION_INDEX); a crashed pod is retried for
        its index alone up to --retries [3] times, exit codes 2 and 3 fail the index at once. The frames come
        from the PersistentVolumeClaim --data-claim, mounted read-only at the plan's root; the catalog must be
        PostgreSQL (--db, or better --db-secret: a Secret whose key [url] holds the URL)

  --db FILE      catalog database: a SQLite file (on one node or a shared disk), or postgres://… (migrated
                 by 'owb db migrate'; shards on any hosts share it) [OWB_DB]
  --owb COMMAND  the owb executable the tasks run [this owb: node and its entry point]
  --log-dir DIR  folder of the tasks' logs [the folder of --out]
`;

const SUBCOMMANDS = ['plan', 'run', 'slurm', 'status', 'k8s'];

export const command: CliCommand = {
  name: 'batch',
  summary: 'batch processing by shards: plan, run a shard, write a Slurm array script, status',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('batch', argv, {
      shards: { type: 'string' },
      out: { type: 'string' },
      plan: { type: 'string' },
      shard: { type: 'string' },
      db: { type: 'string' },
      profile: { type: 'string' },
      threads: { type: 'string' },
      partition: { type: 'string' },
      time: { type: 'string' },
      mem: { type: 'string' },
      cpus: { type: 'string' },
      requeues: { type: 'string' },
      'log-dir': { type: 'string' },
      owb: { type: 'string' },
      json: { type: 'boolean' },
      image: { type: 'string' },
      'data-claim': { type: 'string' },
      'db-secret': { type: 'string' },
      parallelism: { type: 'string' },
      retries: { type: 'string' },
      namespace: { type: 'string' },
      name: { type: 'string' },
    });
    const [sub, ...rest] = positionals;
    if (!sub || !SUBCOMMANDS.includes(sub))
      throw new UsageError(`batch: expected one of ${SUBCOMMANDS.join(', ')}, got '${sub ?? ''}'`);
    if (sub !== 'plan' && rest.length > 0) throw new UsageError(`batch ${sub}: unexpected argument '${rest[0]}'`);
    try {
      if (sub === 'plan') return await plan(rest, values, ctx);
      const planPath = values.plan;
      if (!planPath) throw new UsageError(`batch ${sub}: --plan FILE is required`);
      const thePlan = await readPlan(planPath);
      if (sub === 'k8s') return await writeKubernetes(thePlan, planPath, values, ctx);
      const location = catalogOption(`batch ${sub}`, values.db);
      if (!location) throw new UsageError(`batch ${sub}: --db FILE is required`);
      if (location.kind === 'postgres') {
        if (sub === 'run') return await runShardOnPostgres(thePlan, location.url, values, ctx);
        if (sub === 'slurm') return await writeSlurm(thePlan, resolve(planPath), location.url, values, ctx);
        const { planProgressOnPostgres } = await import('../postgres-runs.js');
        return printStatus(
          await planProgressOnPostgres('batch status', location.url, thePlan),
          values.json === true,
          ctx,
        );
      }
      const db = location.path;
      if (sub === 'run') return await runShard(thePlan, db, values, ctx);
      if (sub === 'slurm') return await writeSlurm(thePlan, resolve(planPath), resolve(db), values, ctx);
      return await status(thePlan, db, values.json === true, ctx);
    } catch (error) {
      if (
        error instanceof BatchPlanError ||
        error instanceof SlurmOptionError ||
        error instanceof KubernetesOptionError
      )
        throw new UsageError(`batch ${sub}: ${error.message}`);
      throw error;
    }
  },
};

type Values = Partial<Record<string, string | boolean>>;

function integer(name: string, raw: string, min: number): number {
  const n = numberOption(name, raw, min);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${raw}'`);
  return n;
}

async function plan(dirs: string[], values: Values, ctx: CliContext): Promise<number> {
  if (dirs.length === 0) throw new UsageError('batch plan: give at least one folder');
  if (typeof values.shards !== 'string') throw new UsageError('batch plan: --shards N is required');
  if (typeof values.out !== 'string') throw new UsageError('batch plan: --out plan.json is required');
  const shards = integer('shards', values.shards, 1);
  for (const dir of dirs)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`batch plan: ${dir}: not a folder`);
  const profile = typeof values.profile === 'string' ? loadProfile(values.profile) : defaultProfile();
  const result = await buildPlan(dirs, shards, profile.patterns);
  makeDirs(dirname(resolve(values.out)));
  await writeFileAtomic(values.out, formatPlan(result));
  const sizes = Array.from({ length: shards }, (_, i) => result.files.filter((f) => f.shard === i).length);
  ctx.stdout.write(
    `${result.files.length} files in ${shards} shards (${Math.min(...sizes)}–${Math.max(...sizes)} per shard) → ${values.out}\n`,
  );
  return 0;
}

function shardIndex(values: Values, thePlan: BatchPlan): number {
  const raw =
    typeof values.shard === 'string'
      ? values.shard
      : process.env.SLURM_ARRAY_TASK_ID || process.env.JOB_COMPLETION_INDEX || undefined;
  if (raw === undefined || raw === '')
    throw new UsageError(
      'batch run: --shard I is required (or run it as a Slurm array task or a Kubernetes Indexed Job pod: $SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX)',
    );
  const shard = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || shard >= thePlan.shards)
    throw new UsageError(`batch run: shard '${raw}' is not one of the plan's shards 0…${thePlan.shards - 1}`);
  return shard;
}

async function runShard(thePlan: BatchPlan, db: string, values: Values, ctx: CliContext): Promise<number> {
  const shard = shardIndex(values, thePlan);
  const threads = typeof values.threads === 'string' ? integer('threads', values.threads, 1) : undefined;
  const profile = typeof values.profile === 'string' ? loadProfile(values.profile) : defaultProfile();
  const files = shardFiles(thePlan, shard);
  const { Catalog } = await import('../../node/catalog/index.js');
  const { WatchService } = await import('../../node/watch/index.js');
  const { planProgress } = await import('../../node/batch/index.js');
  const catalog = Catalog.open(db);
  const service = new WatchService({ catalog, dirs: [], files, profile, threads, once: true });
  service.onDidGiveUp((e) => ctx.stderr.write(`owb: batch run: ${e.path}: gave up: ${e.reason}\n`));
  try {
    await service.runOnce();
    await service.stop();
    const p = planProgress(catalog.db, thePlan)[shard];
    ctx.stdout.write(`shard ${shard} of ${thePlan.shards}: ${progressLine(p)}\n`);
    return p.failed > 0 || p.missing > 0 || service.status().gaveUpFiles > 0 ? 3 : 0;
  } finally {
    await service.stop();
    catalog.close();
  }
}

/** `batch run` on a PostgreSQL catalog: shards on any number of hosts share it, each frame processed once. */
async function runShardOnPostgres(thePlan: BatchPlan, url: string, values: Values, ctx: CliContext): Promise<number> {
  const shard = shardIndex(values, thePlan);
  const threads = typeof values.threads === 'string' ? integer('threads', values.threads, 1) : undefined;
  const profile = typeof values.profile === 'string' ? loadProfile(values.profile) : defaultProfile();
  const files = shardFiles(thePlan, shard);
  const { runOnceOnPostgres } = await import('../postgres-runs.js');
  const { planProgressPg } = await import('../../node/batch/pg-shard-status.js');
  return runOnceOnPostgres(
    'batch run',
    url,
    { dirs: [], files, profile, threads, once: true },
    ctx,
    async (pool, final) => {
      const p = (await planProgressPg(pool, thePlan))[shard];
      ctx.stdout.write(`shard ${shard} of ${thePlan.shards}: ${progressLine(p)}\n`);
      return p.failed > 0 || p.missing > 0 || final.gaveUpFiles > 0 ? 3 : 0;
    },
  );
}

async function writeSlurm(thePlan: BatchPlan, planPath: string, db: string, values: Values, ctx: CliContext) {
  const { slurmScript } = await import('../../node/batch/index.js');
  if (typeof values.out !== 'string') throw new UsageError('batch slurm: --out job.sbatch is required');
  const out = resolve(values.out);
  const text = slurmScript({
    planPath,
    db,
    shards: thePlan.shards,
    owbCommand:
      typeof values.owb === 'string'
        ? [values.owb]
        : [process.execPath, ...process.execArgv, resolve(process.argv[1] ?? 'owb')],
    workDir: process.cwd(),
    logDir: resolve(typeof values['log-dir'] === 'string' ? values['log-dir'] : dirname(out)),
    partition: typeof values.partition === 'string' ? values.partition : undefined,
    time: typeof values.time === 'string' ? values.time : undefined,
    mem: typeof values.mem === 'string' ? values.mem : undefined,
    cpus: typeof values.cpus === 'string' ? integer('cpus', values.cpus, 1) : undefined,
    maxRequeues: typeof values.requeues === 'string' ? integer('requeues', values.requeues, 0) : undefined,
    profilePath: typeof values.profile === 'string' ? resolve(values.profile) : undefined,
  });
  makeDirs(dirname(out));
  await writeFileAtomic(out, text);
  ctx.stdout.write(`sbatch array of ${thePlan.shards} tasks → ${values.out} (submit: sbatch ${values.out})\n`);
  return 0;
}

/** `batch k8s`: the plan's Kubernetes manifest (ConfigMap + Indexed Job). */
async function writeKubernetes(thePlan: BatchPlan, planPath: string, values: Values, ctx: CliContext) {
  const { readFile } = await import('node:fs/promises');
  const { kubernetesJob } = await import('../../node/batch/index.js');
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (!str('out')) throw new UsageError('batch k8s: --out job.yaml is required');
  if (!str('image')) throw new UsageError('batch k8s: --image IMAGE is required');
  if (!str('data-claim'))
    throw new UsageError('batch k8s: --data-claim PVC (the volume holding the frames) is required');
  const db = str('db') ?? (str('db-secret') ? undefined : process.env.OWB_DB || undefined);
  const text = kubernetesJob({
    planJson: await readFile(planPath, 'utf8'),
    planRoot: thePlan.root,
    shards: thePlan.shards,
    image: str('image') as string,
    dataClaim: str('data-claim') as string,
    db,
    dbSecret: str('db-secret'),
    parallelism: str('parallelism') ? integer('parallelism', str('parallelism') as string, 1) : undefined,
    cpus: str('cpus') ? integer('cpus', str('cpus') as string, 1) : undefined,
    mem: str('mem'),
    maxRetries: str('retries') ? integer('retries', str('retries') as string, 0) : undefined,
    namespace: str('namespace'),
    name: str('name'),
    command: str('owb') ? [str('owb') as string] : undefined,
  });
  const out = resolve(str('out') as string);
  makeDirs(dirname(out));
  await writeFileAtomic(out, text);
  ctx.stdout.write(
    `Indexed Job of ${thePlan.shards} completions → ${str('out')} (apply: kubectl apply -f ${str('out')})\n`,
  );
  return 0;
}

function progressLine(p: ShardProgress): string {
  return (
    `${p.files} files: done ${p.done}, failed ${p.failed}, queued ${p.queued}, running ${p.running}, ` +
    `not in catalog ${p.missing}, without job ${p.noJob}`
  );
}

async function status(thePlan: BatchPlan, db: string, json: boolean, ctx: CliContext): Promise<number> {
  if (!existsSync(db)) throw new UsageError(`batch status: ${db}: no such catalog database`);
  const { openDatabase } = await import('../../node/catalog/index.js');
  const { planProgress } = await import('../../node/batch/index.js');
  const handle = openDatabase(db, { readonly: true });
  try {
    return printStatus(planProgress(handle, thePlan), json, ctx);
  } finally {
    handle.close();
  }
}

function printStatus(shards: ShardProgress[], json: boolean, ctx: CliContext): number {
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ shards })}\n`);
    return 0;
  }
  const lines = shards.map((p) => `  shard ${String(p.shard).padStart(4)}  ${progressLine(p)}`);
  const total = shards.reduce((t, p) => ({
    ...t,
    files: t.files + p.files,
    done: t.done + p.done,
    failed: t.failed + p.failed,
    queued: t.queued + p.queued,
    running: t.running + p.running,
    missing: t.missing + p.missing,
    noJob: t.noJob + p.noJob,
  }));
  ctx.stdout.write(`${lines.join('\n')}\n  all         ${progressLine({ ...total, shard: -1 })}\n`);
  return 0;
}
