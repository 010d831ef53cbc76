// `owb watch` without --once on a PostgreSQL catalog (issue 27): frames dropped into a watched folder while it
// runs are each processed once, and the catalog then equals, row for row, the one `owb watch --once` builds
// on SQLite from the same folder; Ctrl-C (SIGINT) drains and exits 0. Masters, live stack and difference run
// on PostgreSQL, their files in the workspace, and no SQLite catalog is left behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { postgresMissing, startPostgres, type PostgresServer } from '../node/catalog/postgres-server.js';
import { writeFrame } from '../node/watch/frames.js';
import { catalogSnapshot, type CatalogSnapshot } from './batch-snapshot.js';
import { postgresSnapshot } from './postgres-snapshot.js';

const repo = resolve(import.meta.dirname, '../../..');
const owbArgs = ['--import', 'tsx', 'src-main/cli/main.ts'];
const { OWB_DB: _unset, OWB_WORKSPACE: _unset2, ...baseEnv } = process.env;
function owb(args: string[], cwd = repo, env: NodeJS.ProcessEnv = baseEnv) {
  // tsx resolved from the repository, not from cwd (a test folder, so that a stray SQLite file would show).
  return spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(repo, 'src-main/cli/main.ts'), ...args],
    // A serve that does not refuse runs until stopped: the test then fails instead of hanging.
    { cwd, encoding: 'utf8', env, timeout: 120_000 },
  );
}
function start(args: string[]): { child: ChildProcess; output: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [...owbArgs, ...args], { cwd: repo, env: baseEnv });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((ok) => child.on('close', (status) => ok(status)));
  return { child, output: () => out, done };
}
async function until(what: string, ok: () => boolean | Promise<boolean>, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await ok())) {
    if (child && child.exitCode !== null) assert.fail(`the watcher exited before ${what}`);
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
function withoutAttempts(s: CatalogSnapshot): CatalogSnapshot {
  return {
    ...s,
    jobs: s.jobs.map((r) => {
      const [hash, states] = r as [string, string | null];
      return [hash, states?.replace(/\/\d+/g, '') ?? null];
    }),
  };
}

const missing = postgresMissing();
const root = mkdtempSync(join(tmpdir(), 'owb-pg-cont-'));
after(() => rmSync(root, { recursive: true, force: true }));
const FRAMES = 6;

describe('owb watch on PostgreSQL, continuously', { skip: missing && `PostgreSQL not available: ${missing}` }, () => {
  let server: PostgresServer | undefined;
  let client: pg.Client;
  let url: string;
  before(async () => {
    server = await startPostgres();
    url = server.url;
    client = new pg.Client({ connectionString: url });
    await client.connect();
    assert.equal(owb(['db', 'migrate', '--db', url]).status, 0);
  });
  after(async () => {
    await client?.end();
    server?.stop();
  });

  it('processes frames dropped in while it runs, each once; SIGINT drains; the catalog equals SQLite --once', async () => {
    const dir = join(root, 'night');
    mkdirSync(dir);
    const watcher = start(['watch', dir, '--db', url, '--threads', '1']);
    await until('it said it is watching', () => /^watching /m.test(watcher.output()), watcher.child);
    const done = async () =>
      Number((await client.query(`SELECT count(*) AS n FROM jobs WHERE state = 'done'`)).rows[0].n);
    for (let i = 0; i < FRAMES; i++) {
      writeFrame(join(dir, `f${i}.fits`), { seed: 100 + i, size: 256, dateObs: `2026-02-01T0${i}:00:00` });
      // Half of them one at a time (each processed before the next arrives), half in a burst.
      if (i < FRAMES / 2) await until(`frame ${i} was processed`, async () => (await done()) === i + 1, watcher.child);
    }
    await until('every frame was processed', async () => (await done()) === FRAMES, watcher.child);
    watcher.child.kill('SIGINT');
    assert.equal(await watcher.done, 0, watcher.output());
    assert.match(watcher.output(), new RegExp(`^done ${FRAMES}, failed 0, queued 0, running 0`, 'm'));

    const jobs = await client.query(
      `SELECT count(*) AS n, count(DISTINCT frame_id) AS frames, sum(attempts) AS attempts FROM jobs`,
    );
    assert.deepEqual(
      { n: Number(jobs.rows[0].n), frames: Number(jobs.rows[0].frames), attempts: Number(jobs.rows[0].attempts) },
      { n: FRAMES, frames: FRAMES, attempts: FRAMES },
    );
    const reference = join(root, 'reference.db');
    const ref = owb(['watch', dir, '--once', '--db', reference, '--threads', '1']);
    assert.equal(ref.status, 0, ref.stderr);
    const expected = catalogSnapshot(reference);
    assert.ok(expected.sources.length >= FRAMES * 4, `${expected.sources.length} sources in the reference`);
    assert.deepEqual(withoutAttempts(await postgresSnapshot(url)), withoutAttempts(expected));
  });

  it('a profile with calibrate and liveStack (--once): masters built, lights stacked, files in the workspace', async () => {
    const folder = mkdtempSync(join(root, 'steps-'));
    const workspace = mkdtempSync(join(root, 'steps-ws-'));
    for (let i = 0; i < 2; i++)
      writeFrame(join(folder, `bias${i}.fits`), { seed: 300 + i, size: 80, imagetyp: 'Bias Frame' });
    const stars: Array<[number, number, number]> = [
      [12.3, 14.7, 5000],
      [40.1, 20.4, 3000],
      [25.5, 50.2, 7000],
      [60.2, 62.8, 4000],
      [66.5, 10.5, 6000],
      [15.5, 66.0, 3500],
    ];
    for (let i = 0; i < 2; i++)
      writeFrame(join(folder, `light${i}.fits`), {
        seed: 310 + i,
        size: 80,
        stars: stars.map(([x, y, f]) => [x + 1.6 * i, y - 1.1 * i, f]),
      });
    const profile = join(folder, 'profile.yaml');
    writeFileSync(profile, 'name: stepsCli\nsteps:\n  calibrate: { require: true }\n  detect: {}\n  liveStack: true\n');
    const r = owb(['watch', folder, '--once', '--db', url, '--profile', profile, '--threads', '1'], folder, {
      ...baseEnv,
      OWB_WORKSPACE: workspace,
    });
    assert.equal(r.status, 0, r.stderr);
    const masters = await client.query(`SELECT kind, input_count AS n, status, path FROM masters WHERE kind = 'bias'`);
    assert.equal(masters.rows.length, 1);
    assert.deepEqual([masters.rows[0].n, masters.rows[0].status], ['2', 'ready']);
    assert.ok(String(masters.rows[0].path).startsWith(join(workspace, 'masters')), masters.rows[0].path);
    const stack = await client.query(`SELECT frame_count AS n, path FROM stacks WHERE profile = 'stepsCli'`);
    assert.deepEqual(
      stack.rows.map((s) => [s.n, String(s.path).startsWith(join(workspace, 'stacks')) && existsSync(s.path)]),
      [['2', true]],
    );
    assert.equal(existsSync(join(folder, 'postgres:')), false);
  });
});
