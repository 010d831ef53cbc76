// Many processes, one PostgreSQL catalog (issue 27): four `owb watch --once` writers over the same real
// frames, one SIGKILLed while it holds a lease (observed in the database, not guessed from the clock), the
// other three take its jobs over, a rerun finds nothing left; the catalog then equals, row for row, the one a
// single SQLite `owb watch --once` builds from the same folder. `owb process` and `owb batch run` on the same
// PostgreSQL catalog take part too.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { postgresMissing, startPostgres, type PostgresServer } from '../node/catalog/postgres-server.js';
import { writeFrame } from '../node/watch/frames.js';
import { catalogSnapshot, type CatalogSnapshot } from './batch-snapshot.js';
import { postgresSnapshot } from './postgres-snapshot.js';

const repo = resolve(import.meta.dirname, '../../..');
const owbArgs = ['--import', 'tsx', 'src-main/cli/main.ts'];
const { OWB_DB: _unset, SLURM_ARRAY_TASK_ID: _unset2, ...baseEnv } = process.env;
function owb(args: string[]) {
  return spawnSync(process.execPath, [...owbArgs, ...args], { cwd: repo, encoding: 'utf8', env: baseEnv });
}
function start(args: string[]): { child: ChildProcess; done: Promise<{ status: number | null; out: string }> } {
  const child = spawn(process.execPath, [...owbArgs, ...args], { cwd: repo, env: baseEnv });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ status: number | null; out: string }>((ok) =>
    child.on('close', (status) => ok({ status, out })),
  );
  return { child, done };
}

/** Snapshot without the attempt counts (a job the killed writer held took one more attempt). */
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
const root = mkdtempSync(join(tmpdir(), 'owb-pg-watch-'));
after(() => rmSync(root, { recursive: true, force: true }));
const night = join(root, 'night');
const FRAMES = 40;

describe(
  'owb watch --once: four writers on one PostgreSQL catalog',
  { skip: missing && `PostgreSQL not available: ${missing}` },
  () => {
    let server: PostgresServer | undefined;
    let client: pg.Client;
    before(async () => {
      server = await startPostgres();
      client = new pg.Client({ connectionString: server.url });
      await client.connect();
      for (let i = 0; i < FRAMES; i++)
        writeFrame(join(night, `n${i % 4}`, `f${String(i).padStart(2, '0')}.fits`), {
          seed: i + 1,
          size: 320,
          dateObs: `2026-01-0${1 + (i % 3)}T0${i % 10}:${String(i).padStart(2, '0')}:00`,
        });
    });
    after(async () => {
      await client?.end();
      server?.stop();
    });

    it('refuses a catalog that was never migrated, with one owb: line (exit 2)', () => {
      const r = owb(['watch', night, '--once', '--db', (server as PostgresServer).url]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: watch: --db postgres:\/\/.*no workbench catalog there yet \(run 'owb db migrate/m);
    });

    it('one killed mid-job: zero duplicates, zero lost frames, the same catalog as SQLite', async () => {
      const url = (server as PostgresServer).url;
      const reference = join(root, 'reference.db');
      const ref = owb(['watch', night, '--once', '--db', reference, '--threads', '1']);
      assert.equal(ref.status, 0, ref.stderr);
      assert.equal(owb(['db', 'migrate', '--db', url]).status, 0);

      const args = ['watch', night, '--once', '--db', url, '--threads', '1'];
      const victim = start(args);
      const owner = `${hostname()}/${victim.child.pid}/%`;
      const held = async () =>
        Number(
          (
            await client.query(`SELECT count(*) AS n FROM jobs WHERE state = 'running' AND lease_owner LIKE $1`, [
              owner,
            ])
          ).rows[0].n,
        );
      const doneCount = async () =>
        Number((await client.query(`SELECT count(*) AS n FROM jobs WHERE state = 'done'`)).rows[0].n);
      const poll = async (what: string, ok: () => Promise<boolean>) => {
        for (;;) {
          if (await ok()) return;
          if (victim.child.exitCode !== null) assert.fail(`the first writer exited before ${what}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await poll('it leased a job', async () => (await held()) > 0);
      const others = [start(args), start(args), start(args)];
      // Kill it while it holds a lease and after some job is done: freeze it, check again (the frozen process
      // cannot commit), then SIGKILL; if it committed in between, let it go on and try again.
      for (;;) {
        await poll('it held a lease after a job was done', async () => (await doneCount()) > 0 && (await held()) > 0);
        victim.child.kill('SIGSTOP');
        // A lease it sent just before freezing may still be committing in PostgreSQL: let it land before
        // counting, or the count misses a job that will run a second time (CI saw attempts one higher).
        await new Promise((r) => setTimeout(r, 500));
        if ((await held()) > 0) break;
        victim.child.kill('SIGCONT');
      }
      const killedHolding = await held();
      victim.child.kill('SIGKILL');
      await victim.done;
      for (const o of others) {
        const r = await o.done;
        assert.equal(r.status, 0, r.out);
      }
      const rerun = owb(args);
      assert.equal(rerun.status, 0, rerun.stderr);
      assert.match(rerun.stdout, new RegExp(`^done ${FRAMES}, failed 0, queued 0, running 0`, 'm'));

      const jobs = await client.query(
        `SELECT count(*) AS n, count(DISTINCT frame_id) AS frames, sum(attempts) AS attempts,
              count(*) FILTER (WHERE state = 'done') AS done FROM jobs`,
      );
      assert.deepEqual(
        { n: Number(jobs.rows[0].n), frames: Number(jobs.rows[0].frames), done: Number(jobs.rows[0].done) },
        { n: FRAMES, frames: FRAMES, done: FRAMES },
      );
      // The jobs the killed writer held ran again: one more attempt each, no more.
      assert.equal(Number(jobs.rows[0].attempts), FRAMES + killedHolding);
      const dup = await client.query(
        `SELECT (SELECT count(*) FROM (SELECT frame_id, idx FROM sources GROUP BY 1, 2 HAVING count(*) > 1) d) AS sources,
              (SELECT count(*) FROM (SELECT source_id FROM measurements GROUP BY 1 HAVING count(*) > 1) d) AS measurements`,
      );
      assert.deepEqual(dup.rows[0], { sources: '0', measurements: '0' });

      const expected = catalogSnapshot(reference);
      const actual = await postgresSnapshot(url);
      assert.equal(actual.frames.length, FRAMES);
      assert.ok(expected.sources.length >= FRAMES * 4, `${expected.sources.length} sources in the reference`);
      // Cross-matched: the same stars in every frame are one object each, not one per detection.
      assert.ok(expected.objects.length > 0 && expected.objects.length * 4 < expected.sources.length);
      assert.deepEqual(withoutAttempts(actual), withoutAttempts(expected));
    });
  },
);
