import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeFrame } from '../node/watch/frames.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-watch-'));
after(() => rmSync(root, { recursive: true, force: true }));

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

/** Frames with 2–5 stars at shared sky positions, so sources cross-match into objects across frames. */
function makeNight(dir: string, count: number): void {
  const stars: Array<[number, number, number]> = [
    [10.3, 12.7, 4000],
    [30.1, 20.4, 2500],
    [22.5, 40.2, 6000],
    [45.2, 45.8, 3000],
    [40.5, 8.5, 5000],
  ];
  for (let i = 0; i < count; i++)
    writeFrame(join(dir, `n${String(i).padStart(3, '0')}.fits`), { seed: i + 1, stars: stars.slice(0, 2 + (i % 4)) });
  writeFrame(join(dir, 'bias-1.fits'), { seed: 900, imagetyp: 'Bias Frame' });
  writeFrame(join(dir, 'dark-1.fits'), { seed: 901, imagetyp: 'Dark Frame' });
}

/** Everything a user would compare between two catalogs, independent of row ids and processing order. */
function dump(path: string) {
  const db = new Database(path, { readonly: true });
  const frames = db
    .prepare(
      `SELECT content_hash AS hash, file_name AS name, frame_type AS type, status, source_count AS sources, width, height,
                     quality_json AS quality, mjd FROM frames ORDER BY content_hash`,
    )
    .all();
  const sources = db
    .prepare(
      `SELECT f.content_hash AS hash, s.idx, s.x, s.y, s.flux, s.flux_err, s.mag, s.ra, s.dec, s.fwhm, s.flags
                FROM sources s JOIN frames f ON f.id = s.frame_id ORDER BY f.content_hash, s.idx`,
    )
    .all();
  // Objects as the sets of (frame, source index) they group: ids and first positions depend on order.
  const groups = (
    db
      .prepare(
        `SELECT group_concat(f.content_hash || ':' || s.idx) AS members FROM
                (SELECT * FROM measurements ORDER BY frame_id, source_id) m
                JOIN sources s ON s.id = m.source_id JOIN frames f ON f.id = m.frame_id GROUP BY m.object_id`,
      )
      .all() as Array<{ members: string }>
  )
    .map((g) => g.members.split(',').sort().join(','))
    .sort();
  const jobs = db
    .prepare(
      `SELECT f.content_hash AS hash, j.state, j.kind FROM jobs j JOIN frames f ON f.id = j.frame_id ORDER BY f.content_hash`,
    )
    .all();
  const counts = Object.fromEntries(
    ['frames', 'sources', 'objects', 'measurements', 'masters', 'master_inputs'].map((t) => [
      t,
      (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
    ]),
  );
  // How many rebuilds a master took depends on timing; what it ends as does not.
  const masters = db.prepare('SELECT kind, filter, exposure_sec, input_count, status FROM masters ORDER BY kind').all();
  db.close();
  return { counts, frames, sources, groups, jobs, masters };
}

/** Starts `owb watch` on `dir` and SIGKILLs it as soon as `when` holds for the catalog's counts. */
async function runAndKill(dir: string, db: string, when: (c: { frames: number; done: number }) => boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'watch', dir, '--db', db], {
    cwd: repo,
    stdio: 'ignore',
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let c = counts(db);
  const start = Date.now();
  while (Date.now() - start < 60_000 && !when(c)) {
    await new Promise((r) => setTimeout(r, 5));
    c = counts(db);
  }
  child.kill('SIGKILL');
  await exited;
  return c;
}

function counts(path: string): { frames: number; done: number } {
  if (!existsSync(path)) return { frames: 0, done: 0 };
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const frames = (db.prepare('SELECT count(*) AS n FROM frames').get() as { n: number }).n;
      return { frames, done: doneJobs(path) };
    } finally {
      db.close();
    }
  } catch {
    return { frames: 0, done: 0 };
  }
}

function doneJobs(path: string): number {
  if (!existsSync(path)) return 0;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM jobs WHERE state = 'done'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet, or schema not there yet
  }
}

describe('owb watch', () => {
  it('survives SIGKILL mid-batch: after a restart every frame is processed exactly once and the catalog equals an uninterrupted run', async () => {
    const frames = 120;
    const dirA = join(root, 'night-a');
    makeNight(dirA, frames);
    const dirB = join(root, 'night-b');
    cpSync(dirA, dirB, { recursive: true });

    const reference = owb(['watch', dirA, '--db', join(root, 'ref.sqlite'), '--once']);
    assert.equal(reference.status, 0, reference.stderr);

    const dbB = join(root, 'crash.sqlite');
    // First kill while frames are still being ingested, the second in the middle of the jobs.
    await runAndKill(dirB, dbB, (c) => c.frames >= 5);
    const killedAt = await runAndKill(dirB, dbB, (c) => c.done >= 15);
    assert.ok(killedAt.done >= 15, 'the child never got going');
    const afterKill = doneJobs(dbB);
    assert.ok(afterKill < frames + 2, `the kill came too late to test anything (${afterKill} jobs done)`);

    const restart = owb(['watch', dirB, '--db', dbB, '--once']);
    assert.equal(restart.status, 0, restart.stderr);

    const a = dump(join(root, 'ref.sqlite'));
    const b = dump(dbB);
    assert.equal(a.counts.frames, frames + 2);
    assert.ok(a.counts.sources > frames * 2, `reference found only ${a.counts.sources} sources`);
    assert.ok(a.counts.objects >= 5, 'sources should cross-match into objects');
    assert.deepEqual(b.counts, a.counts);
    assert.deepEqual(b.frames, a.frames);
    assert.deepEqual(b.sources, a.sources);
    assert.deepEqual(b.groups, a.groups);
    assert.deepEqual(b.jobs, a.jobs);
    assert.deepEqual(b.masters, a.masters);
    assert.ok(a.masters.every((m) => (m as { status: string }).status === 'ready'));
    assert.ok(b.jobs.every((j) => (j as { state: string }).state === 'done'));
  });

  it('drains on Ctrl-C: running jobs finish, none is left running, and a restart completes the rest', async () => {
    const dir = join(root, 'drain');
    makeNight(dir, 40);
    const db = join(root, 'drain.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'watch', dir, '--db', db], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const start = Date.now();
    while (Date.now() - start < 60_000 && counts(db).done < 3) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /draining/);
    const after = new Database(db, { readonly: true });
    const states = Object.fromEntries(
      (
        after.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as Array<{
          state: string;
          n: number;
        }>
      ).map((r) => [r.state, r.n]),
    );
    after.close();
    assert.equal(states.running, undefined, `jobs left running: ${JSON.stringify(states)}`);
    assert.equal(states.failed, undefined);
    const restart = owb(['watch', dir, '--db', db, '--once']);
    assert.equal(restart.status, 0, restart.stderr);
    assert.match(restart.stdout, /failed 0, queued 0, running 0/);
    const final = new Database(db, { readonly: true });
    const frameJobs = final
      .prepare("SELECT state, count(*) AS n FROM jobs WHERE kind = 'process-frame' GROUP BY state")
      .all();
    final.close();
    assert.deepEqual(frameJobs, [{ state: 'done', n: 42 }]);
  });

  it('lets a corrupt file fail alone, with its error in `owb db stats` and the jobs table', () => {
    const dir = join(root, 'mixed');
    for (let i = 0; i < 3; i++) writeFrame(join(dir, `ok${i}.fits`), { seed: 300 + i });
    writeFileSync(join(dir, 'broken.fits'), Buffer.alloc(5760, 0x41));
    const db = join(root, 'mixed.sqlite');
    const run = owb(['watch', dir, '--db', db, '--once']);
    assert.equal(run.status, 3, `exit code 3 when jobs failed; stderr: ${run.stderr}`);
    assert.match(run.stdout, /done 3, failed 1/);
    const stats = owb(['db', 'stats', '--db', db, '--json']);
    assert.equal(stats.status, 0, stats.stderr);
    const parsed = JSON.parse(stats.stdout) as {
      tables: Record<string, number>;
      jobs: Record<string, number>;
      failures: Array<{ path: string; error: string }>;
    };
    assert.deepEqual(parsed.jobs, { queued: 0, running: 0, done: 3, failed: 1 });
    assert.equal(parsed.tables.frames, 4);
    assert.equal(parsed.failures.length, 1);
    assert.match(parsed.failures[0].path, /broken\.fits$/);
    assert.match(parsed.failures[0].error, /broken\.fits: not a FITS file/);
    const text = owb(['db', 'stats', '--db', db]);
    assert.match(text.stdout, /failed job \d+ \(.*broken\.fits, 1 attempt\(s\)\): broken\.fits: not a FITS file/);
    const jobs = new Database(db, { readonly: true });
    const row = jobs
      .prepare(
        "SELECT j.state, j.error, j.error_code AS code FROM jobs j JOIN frames f ON f.id = j.frame_id WHERE f.file_name = 'broken.fits'",
      )
      .get();
    jobs.close();
    assert.deepEqual(row, {
      state: 'failed',
      error: 'broken.fits: not a FITS file (does not start with SIMPLE)',
      code: 'FITS_NOT_FITS',
    });
  });

  it('names the problem in bad arguments and profiles (exit 2)', () => {
    const profile = join(root, 'bad-profile.yaml');
    writeFileSync(profile, 'steps:\n  detect: { threshSigma: -1 }\n');
    for (const [args, message] of [
      [['watch', '--db', join(root, 'x.sqlite')], /give at least one folder/],
      [['watch', join(root, 'nope'), '--db', join(root, 'x.sqlite')], /nope: no such folder/],
      [
        ['watch', root, '--db', join(root, 'x.sqlite'), '--profile', profile],
        /bad-profile\.yaml: steps\.detect\.threshSigma: must be a positive number, got -1/,
      ],
    ] as const) {
      const r = owb([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
