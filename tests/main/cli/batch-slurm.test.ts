// A real one-node Slurm runs the sbatch array that `owb batch slurm` writes: 4 shards × 8 frames into one
// SQLite catalog, one task SIGKILLed on its first try and requeued by the script. The catalog must equal
// one `owb watch --once` over the same frames, row for row.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFrame } from '../node/watch/frames.js';
import { catalogSnapshot } from './batch-snapshot.js';
import { slurmMissing, startSlurm, waitForArray, type Slurm } from './slurm-harness.js';

const repo = resolve(import.meta.dirname, '../../..');
const missing = slurmMissing();
const SHARDS = 4;
const FRAMES = 32;

function owb(args: string[]) {
  const { SLURM_ARRAY_TASK_ID: _unset, OWB_DB: _unset2, ...env } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env,
  });
}

describe('owb batch on a real one-node Slurm', { skip: missing ? `Slurm not available: ${missing}` : false }, () => {
  let slurm: Slurm | undefined;
  const root = mkdtempSync(join(tmpdir(), 'owb-batch-slurm-'));
  const night = join(root, 'night');
  before(async () => {
    for (let i = 0; i < FRAMES; i++) writeFrame(join(night, `f${String(i).padStart(2, '0')}.fits`), { seed: 100 + i });
    slurm = await startSlurm();
  });
  after(() => {
    slurm?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(
    'the array fills the catalog exactly as one watch --once does, a crashed task requeued',
    { timeout: 300_000 },
    async () => {
      const s = slurm as Slurm;
      const plan = join(root, 'plan.json');
      const db = join(root, 'sharded.db');
      const job = join(root, 'job.sbatch');
      assert.equal(owb(['batch', 'plan', night, '--shards', String(SHARDS), '--out', plan]).status, 0);
      // The owb the tasks run: task 1's first try is SIGKILLed after 2.5 s (a crash, exit 137), later tries run.
      // A machine fast enough to finish the shard inside 2.5 s still crashes it (after its commits), so the
      // requeue is tested on every machine.
      const wrapper = join(root, 'owb-wrapper.sh');
      writeFileSync(
        wrapper,
        `#!/bin/bash
cd ${JSON.stringify(repo)}
if [ "$SLURM_ARRAY_TASK_ID" = 1 ] && [ "\${SLURM_RESTART_COUNT:-0}" = 0 ]; then
  timeout -s KILL 2.5 ${JSON.stringify(process.execPath)} --import tsx src-main/cli/main.ts "$@"
  exit 137
fi
exec ${JSON.stringify(process.execPath)} --import tsx src-main/cli/main.ts "$@"
`,
      );
      chmodSync(wrapper, 0o755);
      const written = owb([
        'batch',
        'slurm',
        '--plan',
        plan,
        '--db',
        db,
        '--out',
        job,
        '--cpus',
        '1',
        '--time',
        '10',
        '--owb',
        wrapper,
      ]);
      assert.equal(written.status, 0, written.stderr);
      const jobId = s.run('sbatch', ['--parsable', job]).trim().split(';')[0];
      assert.match(jobId, /^\d+$/);
      const tasks = await waitForArray(s, jobId, 240_000);
      const logs = () => spawnSync('sh', ['-c', `cat ${root}/*.log`], { encoding: 'utf8' }).stdout;
      assert.deepEqual(
        tasks.map((t) => [t.task, t.state, t.exitCode]),
        [0, 1, 2, 3].map((i) => [i, 'COMPLETED', '0:0']),
        logs(),
      );
      assert.equal(tasks[1].restarts, 1, 'the killed task was requeued once');
      assert.ok(tasks.filter((t) => t.task !== 1).every((t) => t.restarts === 0));
      assert.match(logs(), /owb: shard 1 exited 137; requeueing/);

      const status = owb(['batch', 'status', '--plan', plan, '--db', db, '--json']);
      assert.equal(status.status, 0, status.stderr);
      const shards = (JSON.parse(status.stdout) as { shards: Array<{ files: number; done: number }> }).shards;
      assert.deepEqual(
        shards.map((p) => p.done),
        shards.map((p) => p.files),
      );

      const single = join(root, 'single.db');
      const once = owb(['watch', night, '--once', '--db', single, '--threads', '1']);
      assert.equal(once.status, 0, once.stderr);
      const a = catalogSnapshot(db);
      const b = catalogSnapshot(single);
      assert.equal(a.frames.length, FRAMES);
      assert.deepEqual(a.frames, b.frames);
      assert.deepEqual(a.sources, b.sources);
      assert.deepEqual(a.measurements, b.measurements);
      assert.deepEqual(a.objects, b.objects);
      // Every frame has one job, done (a job the killed try held is done at its second attempt).
      assert.ok(
        a.jobs.every((j) => /^done\/[12]$/.test(String((j as unknown[])[1]))),
        JSON.stringify(a.jobs),
      );
      assert.ok(readFileSync(job, 'utf8').includes(`--array=0-${SHARDS - 1}`));
    },
  );
});
