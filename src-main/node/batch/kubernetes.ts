import { stringify } from 'yaml';

/** What the Kubernetes manifest of a batch plan needs. */
export interface KubernetesJobOptions {
  /** The plan's JSON text (it travels in a ConfigMap next to the Job). */
  planJson: string;
  /** The plan's root folder: the data volume is mounted there, so the plan's paths resolve in the pods. */
  planRoot: string;
  shards: number;
  /** Container image holding the workbench (`owb` on its PATH, or `command`). */
  image: string;
  /** PersistentVolumeClaim holding the frames (read-only, mounted at `planRoot`). */
  dataClaim: string;
  /** The catalog: a PostgreSQL URL, written into the pod spec as OWB_DB (prefer `dbSecret`). */
  db?: string;
  /** Secret name and key holding the catalog URL (`name` or `name:key`, key `url` by default). */
  dbSecret?: string;
  /** Pods running at once [min(shards, 8)]. */
  parallelism?: number;
  /** CPUs per pod [1]; the pod runs that many worker threads. */
  cpus?: number;
  /** Memory per pod: a whole number with an optional K, M, G or T suffix (binary units, as for Slurm). */
  mem?: string;
  /** Times a crashed shard is retried before it is left failed [3] (`backoffLimitPerIndex`). */
  maxRetries?: number;
  /** Seconds one pod may run [none] (`activeDeadlineSeconds` of the whole Job when set). */
  deadlineSeconds?: number;
  namespace?: string;
  /** Lower-case DNS label of the Job and its ConfigMap [owb-batch]. */
  name?: string;
  /** The command that runs owb inside the image [owb]. */
  command?: readonly string[];
}

/** A manifest option Kubernetes would not accept: the message names the option. */
export class KubernetesOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubernetesOptionError';
  }
}

/** Exit codes of `owb batch run` that a retry cannot change: 2 (bad input) and 3 (frames failed for good). */
export const FINAL_EXIT_CODES = [2, 3] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MEM = /^(\d+)([KMGT]?)$/i;
/** A ConfigMap holds at most 1 MiB; leave room for the rest of the object. */
const MAX_PLAN_BYTES = 1_000_000;

/**
 * The Kubernetes manifest of a batch plan: a ConfigMap holding the plan and an Indexed Job (batch/v1,
 * `completionMode: Indexed`) of `shards` completions, pod I running `owb batch run` on shard I
 * (`JOB_COMPLETION_INDEX`, which `owb batch run` reads as it reads `SLURM_ARRAY_TASK_ID`). The same shard
 * semantics as the Slurm array: a crashed pod is retried up to `maxRetries` times for its index alone
 * (`backoffLimitPerIndex`), exit codes 2 and 3 fail the index at once (`podFailurePolicy` FailIndex), and a
 * retried shard resumes on the catalog's exactly-once jobs. The catalog must be PostgreSQL: pods on several
 * nodes cannot share a SQLite file. Needs Kubernetes ≥ 1.29 (per-index backoff, beta and on by default).
 * Reference: Kubernetes API batch/v1 Job; "Indexed Job for Parallel Processing with Static Work Assignment".
 */
export function kubernetesJob(o: KubernetesJobOptions): string {
  if (!Number.isInteger(o.shards) || o.shards < 1)
    throw new KubernetesOptionError(`shards must be a positive integer, got ${o.shards}`);
  const name = o.name ?? 'owb-batch';
  if (!DNS_LABEL.test(name) || name.length > 52)
    throw new KubernetesOptionError(`--name must be a lower-case DNS label of at most 52 characters, got '${name}'`);
  if (o.namespace !== undefined && !DNS_LABEL.test(o.namespace))
    throw new KubernetesOptionError(`--namespace must be a lower-case DNS label, got '${o.namespace}'`);
  if (!o.image.trim() || /\s/.test(o.image))
    throw new KubernetesOptionError(`--image must be a container image reference, got '${o.image}'`);
  if (!DNS_LABEL.test(o.dataClaim))
    throw new KubernetesOptionError(
      `--data-claim must name a PersistentVolumeClaim (a DNS label), got '${o.dataClaim}'`,
    );
  if (!o.planRoot.startsWith('/')) throw new KubernetesOptionError(`the plan root '${o.planRoot}' must be absolute`);
  if ((o.db === undefined) === (o.dbSecret === undefined))
    throw new KubernetesOptionError('give the catalog as --db postgres://… or --db-secret NAME[:KEY], exactly one');
  if (o.db !== undefined && !/^postgres(ql)?:\/\//i.test(o.db))
    throw new KubernetesOptionError(
      `--db ${o.db}: pods on several nodes need a PostgreSQL catalog (postgres://…), not a SQLite file`,
    );
  const [secretName, secretKey = 'url'] = (o.dbSecret ?? '').split(':');
  if (o.dbSecret !== undefined && !DNS_LABEL.test(secretName))
    throw new KubernetesOptionError(`--db-secret must name a Secret (a DNS label), got '${o.dbSecret}'`);
  const cpus = o.cpus ?? 1;
  if (!Number.isInteger(cpus) || cpus < 1)
    throw new KubernetesOptionError(`--cpus must be a positive integer, got ${cpus}`);
  const parallelism = o.parallelism ?? Math.min(o.shards, 8);
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new KubernetesOptionError(`--parallelism must be a positive integer, got ${parallelism}`);
  const maxRetries = o.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new KubernetesOptionError(`retries must be a non-negative integer, got ${maxRetries}`);
  const mem = o.mem === undefined ? undefined : MEM.exec(o.mem);
  if (o.mem !== undefined && !mem)
    throw new KubernetesOptionError(
      `--mem must be a whole number with an optional K, M, G or T suffix, got '${o.mem}'`,
    );
  // Slurm's and our suffixes are binary (a plain number is megabytes): Kubernetes writes them Ki, Mi, Gi, Ti.
  const memory = mem ? `${mem[1]}${mem[2] ? `${mem[2].toUpperCase()}i` : 'Mi'}` : undefined;
  if (Buffer.byteLength(o.planJson) > MAX_PLAN_BYTES)
    throw new KubernetesOptionError(
      `the plan is ${Buffer.byteLength(o.planJson)} bytes, more than a ConfigMap holds (1 MiB): split the folders into several plans`,
    );
  const metadata = { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { app: 'owb-batch' } };
  const command = [
    ...(o.command ?? ['owb']),
    'batch',
    'run',
    '--plan',
    '/etc/owb/plan.json',
    '--threads',
    String(cpus),
  ];
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...metadata, name: `${name}-plan` },
    data: { 'plan.json': o.planJson },
  };
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism,
      backoffLimitPerIndex: maxRetries,
      ...(o.deadlineSeconds ? { activeDeadlineSeconds: o.deadlineSeconds } : {}),
      podFailurePolicy: {
        rules: [
          { action: 'FailIndex', onExitCodes: { containerName: 'owb', operator: 'In', values: [...FINAL_EXIT_CODES] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
        ],
      },
      template: {
        metadata: { labels: { app: 'owb-batch', 'owb/job': name } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'owb',
              image: o.image,
              command,
              env: [
                o.db !== undefined
                  ? { name: 'OWB_DB', value: o.db }
                  : { name: 'OWB_DB', valueFrom: { secretKeyRef: { name: secretName, key: secretKey } } },
              ],
              resources: {
                requests: { cpu: String(cpus), ...(memory ? { memory } : {}) },
                limits: { cpu: String(cpus), ...(memory ? { memory } : {}) },
              },
              volumeMounts: [
                { name: 'plan', mountPath: '/etc/owb', readOnly: true },
                { name: 'data', mountPath: o.planRoot, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'plan', configMap: { name: `${name}-plan` } },
            { name: 'data', persistentVolumeClaim: { claimName: o.dataClaim, readOnly: true } },
          ],
        },
      },
    },
  };
  return (
    `# Written by 'owb batch k8s': one Indexed Job completion per shard; apply with kubectl apply -f THIS_FILE.\n` +
    `# Progress: owb batch status --plan PLAN --db URL (or kubectl get job ${name}).\n` +
    `${stringify(configMap, { lineWidth: 0 })}---\n${stringify(job, { lineWidth: 0 })}`
  );
}
