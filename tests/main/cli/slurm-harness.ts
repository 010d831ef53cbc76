// Test helper: a real one-node Slurm on localhost (Debian slurm-wlm + munge) in a temporary folder:
// munged on its own socket and key, slurmctld and slurmd with a minimal slurm.conf on free loopback ports.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const DAEMONS = ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd'];
const CLIENTS = ['sbatch', 'squeue', 'scontrol', 'sinfo'];

/** Why a real Slurm cannot be started here, or undefined when it can. */
export function slurmMissing(): string | undefined {
  for (const p of ['slurm-wlm', 'munge'])
    if (spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0) return `Debian package ${p} is not installed`;
  for (const d of DAEMONS) if (!existsSync(d)) return `${d} not found`;
  for (const c of CLIENTS) if (spawnSync('which', [c], { stdio: 'ignore' }).status !== 0) return `${c} not on PATH`;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Slurm {
  dir: string;
  /** Environment for sbatch/squeue/scontrol (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  run(cmd: string, args: string[]): string;
  stop(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts munged, slurmctld and slurmd; resolves when the node is idle. */
export async function startSlurm(): Promise<Slurm> {
  const dir = mkdtempSync(join(tmpdir(), 'owb-slurm-'));
  chmodSync(dir, 0o755); // munged wants every folder above its socket searchable
  const munge = join(dir, 'munge');
  mkdirSync(munge, { mode: 0o700 });
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'spool'));
  writeFileSync(join(munge, 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const socket = join(munge, 'munge.socket');
  const pids = [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), join(munge, 'munged.pid')];
  const user = userInfo().username;
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    `ClusterName=owbtest
SlurmctldHost=localhost
AuthType=auth/munge
AuthInfo=socket=${socket}
CredType=cred/munge
SlurmUser=${user}
SlurmdUser=${user}
SlurmctldPort=${ctldPort}
SlurmdPort=${dPort}
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${pids[1]}
SlurmdPidFile=${pids[0]}
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=500 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
`,
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { env, encoding: 'utf8' });
  // Daemons fork; with no pipes to hold open, the call returns once the parent has exited.
  const daemon = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${cmd} exited ${r.status ?? r.signal}; logs in ${dir}`);
  };
  const stop = (): void => {
    spawnSync('scancel', ['--full', '--user', user], { env, stdio: 'ignore' });
    for (const pidFile of pids) {
      if (!existsSync(pidFile)) continue;
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        for (let i = 0; i < 50; i++) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          spawnSync('sleep', ['0.1']);
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // --force: the socket's folder sits below /tmp, which munged would otherwise refuse (world-writable).
    daemon('/usr/sbin/munged', [
      '--force',
      `--key-file=${join(munge, 'munge.key')}`,
      `--socket=${socket}`,
      `--pid-file=${pids[2]}`,
      `--log-file=${join(munge, 'munged.log')}`,
      `--seed-file=${join(munge, 'munged.seed')}`,
    ]);
    daemon('/usr/sbin/slurmctld', ['-i']);
    daemon('/usr/sbin/slurmd', ['-N', 'localhost']);
    for (let i = 0; ; i++) {
      const state = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout.trim();
      if (state === 'idle') break;
      // Up to 90 s: on a loaded CI machine slurmctld and slurmd took longer than the 20 s waited before.
      if (i > 450) throw new Error(`slurm node did not become idle (state '${state}'); see ${dir}/slurmctld.log`);
      await sleep(200);
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { dir, env, run, stop };
}

/** One array task's state from `scontrol show job`. */
export interface TaskState {
  task: number;
  state: string;
  reason: string;
  restarts: number;
  exitCode: string;
}

export function arrayTasks(slurm: Slurm, jobId: string): TaskState[] {
  const text = slurm.run('scontrol', ['show', 'job', '-o', jobId]);
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const field = (k: string) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1] ?? '';
      return {
        task: Number(field('ArrayTaskId')),
        state: field('JobState'),
        reason: field('Reason'),
        restarts: Number(field('Restarts')),
        exitCode: field('ExitCode'),
      };
    })
    .sort((a, b) => a.task - b.task);
}

/**
 * Waits until every task of an array job has finished. Slurm holds a requeued task back for about two
 * minutes (Reason=BeginTime); the wait lets it start at once, as an operator would with `scontrol update`.
 */
export async function waitForArray(slurm: Slurm, jobId: string, timeoutMs: number): Promise<TaskState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks = arrayTasks(slurm, jobId);
    if (
      tasks.every((t) =>
        ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'].includes(t.state),
      )
    )
      return tasks;
    for (const t of tasks)
      if (t.state === 'PENDING' && t.reason === 'BeginTime')
        spawnSync('scontrol', ['update', `JobId=${jobId}_${t.task}`, 'StartTime=now'], {
          env: slurm.env,
          stdio: 'ignore',
        });
    if (Date.now() > deadline)
      throw new Error(`array ${jobId} still running after ${timeoutMs} ms: ${JSON.stringify(tasks)}`);
    await sleep(500);
  }
}
