import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeFrame } from '../node/watch/frames.js';
import { catalogSnapshot } from './batch-snapshot.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-batch-'));
after(() => rmSync(root, { recursive: true, force: true }));

const owbArgs = ['--import', 'tsx', 'src-main/cli/main.ts'];
function owb(args: string[], env: Record<string, string> = {}) {
  const { SLURM_ARRAY_TASK_ID: _unset, OWB_DB: _unset2, ...base } = process.env;
  return spawnSync(process.execPath, [...owbArgs, ...args], { cwd: repo, encoding: 'utf8', env: { ...base, ...env } });
}
/** Runs owb as a child without blocking, so several run at once. */
function owbAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...owbArgs, ...args], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const night = join(root, 'night');
const FRAMES = 32;
before(() => {
  for (let i = 0; i < FRAMES; i++)
    writeFrame(join(night, `n${i % 3}`, `f${String(i).padStart(2, '0')}.fits`), {
      seed: i + 1,
      dateObs: `2026-01-0${1 + (i % 3)}T0${i % 10}:${String(i).padStart(2, '0')}:00`,
    });
  writeFileSync(join(night, 'n0', 'notes.txt'), 'not a frame');
  writeFileSync(join(night, 'n1', '.hidden.fits'), 'hidden');
});

type Plan = { root: string; shards: number; files: Array<{ path: string; shard: number }> };

describe('owb batch plan', () => {
  it('lists the frames, assigns shards by SHA-256 of the relative path (checked with Python hashlib), same every run', () => {
    const a = join(root, 'plan-a.json');
    const b = join(root, 'plan-b.json');
    assert.equal(owb(['batch', 'plan', night, '--shards', '4', '--out', a]).status, 0);
    const run = owb(['batch', 'plan', night, '--shards', '4', '--out', b]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^${FRAMES} files in 4 shards`));
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    const plan = JSON.parse(readFileSync(a, 'utf8')) as Plan;
    assert.equal(plan.root, night);
    assert.equal(plan.files.length, FRAMES);
    assert.ok(plan.files.every((f) => /^n[012]\/f\d\d\.fits$/.test(f.path)));
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import hashlib,json,sys\nfor p in json.load(sys.stdin): print(int.from_bytes(hashlib.sha256(p.encode()).digest()[:4], "big") % 4)',
      ],
      { input: JSON.stringify(plan.files.map((f) => f.path)), encoding: 'utf8' },
    );
    assert.equal(py.status, 0, py.stderr);
    assert.deepEqual(
      py.stdout.trim().split('\n').map(Number),
      plan.files.map((f) => f.shard),
    );
    assert.ok(new Set(plan.files.map((f) => f.shard)).size === 4, 'every shard has files');
    // The same tree somewhere else: the same shards (only the root differs).
    const copy = join(root, 'copy');
    cpSync(night, copy, { recursive: true });
    const c = join(root, 'plan-c.json');
    assert.equal(owb(['batch', 'plan', copy, '--shards', '4', '--out', c]).status, 0);
    assert.deepEqual((JSON.parse(readFileSync(c, 'utf8')) as Plan).files, plan.files);
    rmSync(copy, { recursive: true });
  });

  for (const [args, message] of [
    [['batch', 'plan', '--shards', '2', '--out', 'x.json'], /give at least one folder/],
    [['batch', 'plan', 'no-such-dir', '--shards', '2', '--out', 'x.json'], /no-such-dir: not a folder/],
    [['batch', 'plan', '.', '--shards', '0', '--out', 'x.json'], /--shards must be an integer ≥ 1/],
    [['batch', 'plan', '.', '--out', 'x.json'], /--shards N is required/],
    [['batch', 'frobnicate'], /expected one of plan, run, slurm, status/],
  ] as const) {
    it(`${args.slice(1).join(' ')}: exit 2`, () => {
      const r = owb([...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: /);
      assert.match(r.stderr, message);
    });
  }
});

describe('owb batch run: 4 concurrent shards into one SQLite catalog', () => {
  const plan = join(root, 'plan.json');
  const sharded = join(root, 'sharded.db');
  const single = join(root, 'single.db');

  it('every shard succeeds while the others hold the lock; the catalog equals one owb watch --once, row for row', async () => {
    assert.equal(owb(['batch', 'plan', night, '--shards', '4', '--out', plan]).status, 0);
    const runs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        owbAsync(['batch', 'run', '--plan', plan, '--shard', String(i), '--db', sharded, '--threads', '1']),
      ),
    );
    const files = (JSON.parse(readFileSync(plan, 'utf8')) as Plan).files;
    for (const [i, r] of runs.entries()) {
      assert.equal(r.status, 0, `shard ${i}: ${r.stderr}`);
      const n = files.filter((f) => f.shard === i).length;
      assert.match(r.stdout, new RegExp(`shard ${i} of 4: ${n} files: done ${n}, failed 0, queued 0, running 0`));
    }
    const once = owb(['watch', night, '--once', '--db', single, '--threads', '1']);
    assert.equal(once.status, 0, once.stderr);
    assert.match(once.stdout, new RegExp(`done ${FRAMES}, failed 0`));
    const a = catalogSnapshot(sharded);
    const b = catalogSnapshot(single);
    assert.equal(a.frames.length, FRAMES);
    assert.ok(a.sources.length >= FRAMES * 4, `${a.sources.length} sources`);
    assert.deepEqual(a.frames, b.frames);
    assert.deepEqual(a.sources, b.sources);
    assert.deepEqual(a.measurements, b.measurements);
    assert.deepEqual(a.objects, b.objects);
    assert.deepEqual(a.jobs, b.jobs);
    assert.ok(
      a.jobs.every((j) => (j as unknown[])[1] === 'done/1'),
      'one job per frame, done at the first attempt',
    );
  });

  it('status reads every shard done; a rerun of a shard changes nothing', () => {
    const st = owb(['batch', 'status', '--plan', plan, '--db', sharded, '--json']);
    assert.equal(st.status, 0, st.stderr);
    const shards = (JSON.parse(st.stdout) as { shards: Array<{ files: number; done: number; missing: number }> })
      .shards;
    assert.equal(shards.length, 4);
    assert.equal(
      shards.reduce((t, s) => t + s.done, 0),
      FRAMES,
    );
    assert.ok(shards.every((s) => s.done === s.files && s.missing === 0));
    const before = catalogSnapshot(sharded);
    // The shard from the environment, as in a Slurm array task.
    const again = owb(['batch', 'run', '--plan', plan, '--db', sharded, '--threads', '1'], {
      SLURM_ARRAY_TASK_ID: '2',
    });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^shard 2 of 4: /);
    assert.deepEqual(catalogSnapshot(sharded), before);
  });

  it('bad plans and shards exit 2 naming the problem', () => {
    const broken = join(root, 'broken.json');
    writeFileSync(
      broken,
      '{"format": "owb-batch-plan", "version": 1, "root": "/x", "shards": 2, "files": [{"path": "../a.fits", "shard": 0}]}',
    );
    const notJson = join(root, 'not.json');
    writeFileSync(notJson, 'shards: 4');
    for (const [args, message] of [
      [['batch', 'run', '--plan', plan, '--db', sharded], /--shard I is required/],
      [
        ['batch', 'run', '--plan', plan, '--db', sharded, '--shard', '4'],
        /shard '4' is not one of the plan's shards 0…3/,
      ],
      [['batch', 'run', '--plan', plan, '--db', sharded, '--shard=-1'], /shard '-1' is not one/],
      [['batch', 'run', '--plan', plan, '--shard', '0'], /--db FILE is required/],
      [
        ['batch', 'run', '--plan', plan, '--shard', '0', '--db', 'postgres://h.invalid/db'],
        /batch run: --db postgres:\/\/h\.invalid\/db: /,
      ],
      [
        ['batch', 'run', '--plan', broken, '--shard', '0', '--db', sharded],
        /broken\.json: files\[0\]: path '\.\.\/a\.fits' must stay inside/,
      ],
      [['batch', 'status', '--plan', notJson, '--db', sharded], /not\.json: not a JSON batch plan/],
      [['batch', 'status', '--plan', join(root, 'nope.json'), '--db', sharded], /nope\.json: no such file/],
      [
        ['batch', 'slurm', '--plan', plan, '--db', sharded, '--out', join(root, 'j.sbatch'), '--time', '1h'],
        /--time must be minutes/,
      ],
      [
        ['batch', 'slurm', '--plan', plan, '--db', sharded, '--out', join(root, 'j.sbatch'), '--mem', '2 GB'],
        /--mem must be/,
      ],
      [
        ['batch', 'slurm', '--plan', plan, '--db', sharded, '--out', join(root, 'j.sbatch'), '--partition', 'a;rm'],
        /--partition must be/,
      ],
    ] as const) {
      const r = owb([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^owb: /);
      assert.match(r.stderr, message);
    }
  });

  it('slurm: an array of one task per shard that bash accepts, with the options and requeue', () => {
    const job = join(root, 'dir with space', 'job.sbatch');
    const r = owb([
      'batch',
      'slurm',
      '--plan',
      plan,
      '--db',
      sharded,
      '--out',
      job,
      '--partition',
      'debug',
      '--time',
      '0-01:30:00',
      '--mem',
      '4G',
      '--cpus',
      '2',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(job, 'utf8');
    for (const line of [
      '--array=0-3',
      '--partition=debug',
      '--time=0-01:30:00',
      '--mem=4G',
      '--cpus-per-task=2',
      '--requeue',
    ])
      assert.ok(text.includes(`#SBATCH ${line}\n`), line);
    assert.ok(text.includes(`--output=${join(root, 'dir with space')}/owb-batch-%A_%a.log`));
    assert.match(text, /scontrol requeue "\$\{SLURM_ARRAY_JOB_ID\}_\$\{SLURM_ARRAY_TASK_ID\}"/);
    assert.equal(spawnSync('bash', ['-n', job]).status, 0, 'bash -n');
  });
});

describe('owb batch run: a shard SIGKILLed mid-run and run again', () => {
  it('loses nothing and duplicates nothing: the catalog still equals one watch --once', async () => {
    const plan = join(root, 'plan.json'); // written by the tests above
    const single = join(root, 'single.db');
    const db = join(root, 'killed.db');
    const files = (JSON.parse(readFileSync(plan, 'utf8')) as Plan).files;
    const sizes = [0, 1, 2, 3].map((i) => files.filter((f) => f.shard === i).length);
    const victim = sizes.indexOf(Math.max(...sizes));
    const paths = files.filter((f) => f.shard === victim).map((f) => join(night, ...f.path.split('/')));
    const others = [0, 1, 2, 3]
      .filter((i) => i !== victim)
      .map((i) => owbAsync(['batch', 'run', '--plan', plan, '--shard', String(i), '--db', db, '--threads', '1']));
    const child = spawn(
      process.execPath,
      [...owbArgs, 'batch', 'run', '--plan', plan, '--shard', String(victim), '--db', db, '--threads', '1'],
      { cwd: repo, stdio: 'ignore' },
    );
    const exited = new Promise((done) => child.on('exit', done));
    // Kill it as soon as it has committed a frame of its own: later frames are then queued or running.
    let doneAtKill = -1;
    for (let i = 0; i < 2000 && doneAtKill < 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      let n: number;
      try {
        const c = new Database(db, { readonly: true, fileMustExist: true });
        try {
          n = (
            c
              .prepare(
                `SELECT count(*) AS n FROM jobs j JOIN frame_paths p ON p.frame_id = j.frame_id
                  WHERE j.state = 'done' AND p.path IN (SELECT value FROM json_each(?))`,
              )
              .get(JSON.stringify(paths)) as { n: number }
          ).n;
        } finally {
          c.close();
        }
      } catch {
        continue; // not created or not migrated yet
      }
      if (n > 0) {
        child.kill('SIGKILL');
        doneAtKill = n;
      }
    }
    await exited;
    assert.ok(doneAtKill > 0 && doneAtKill < paths.length, `killed after ${doneAtKill} of ${paths.length} frames`);
    for (const r of await Promise.all(others)) assert.equal(r.status, 0, r.stderr);
    const rerun = owb(['batch', 'run', '--plan', plan, '--shard', String(victim), '--db', db, '--threads', '1']);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stdout, new RegExp(`done ${paths.length}, failed 0, queued 0, running 0, not in catalog 0`));
    const a = catalogSnapshot(db);
    const b = catalogSnapshot(single);
    assert.deepEqual(a.frames, b.frames);
    assert.deepEqual(a.sources, b.sources);
    assert.deepEqual(a.measurements, b.measurements);
    assert.deepEqual(a.objects, b.objects);
    assert.ok(
      a.jobs.every((j) => /^done\/[12]$/.test(String((j as unknown[])[1]))),
      JSON.stringify(a.jobs),
    );
  });
});
