// `--db` / OWB_DB: a URL scheme is never taken as a file name (`--db postgres://…` used to create a folder
// 'postgres:' holding a SQLite file); SQLite paths and file: URLs keep working.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { writeFrame } from '../node/watch/frames.js';

const repo = resolve(import.meta.dirname, '../../..');
const main = join(repo, 'src-main/cli/main.ts');
const tsx = import.meta.resolve('tsx');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-db-location-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs owb in `cwd` (a fresh folder, so anything created by mistake shows up in it). */
function owb(cwd: string, args: string[], env: Record<string, string> = {}) {
  const { OWB_DB: _unset, ...base } = process.env;
  return spawnSync(process.execPath, ['--import', tsx, main, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...base, ...env },
  });
}

function freshDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

describe('--db URL schemes', () => {
  const frames = join(root, 'frames');
  writeFrame(join(frames, 'a.fits'), { seed: 1, size: 24 });

  for (const [args, pattern] of [
    [
      ['db', 'stats', '--db', 'postgres://127.0.0.1:1/owb'],
      /db stats: --db postgres:\/\/127\.0\.0\.1:1\/owb: .*ECONNREFUSED/,
    ],
    [['db', 'retime', '--db', 'postgres://localhost/owb'], /PostgreSQL catalogs are not supported by 'owb db retime'/],
    // watch and process take PostgreSQL catalogs: one that cannot be reached is one owb: line naming it.
    [
      ['watch', frames, '--once', '--db', 'postgresql://u@127.0.0.1:1/owb'],
      /watch: --db postgresql:\/\/u@127\.0\.0\.1:1\/owb: .*ECONNREFUSED/,
    ],
    [
      ['process', frames, '--db', 'postgres://h.invalid/db', '--since', '60000', '--until', '70000'],
      /process: --db postgres:\/\/h\.invalid\/db: /,
    ],
    [['watch', frames, '--once', '--db', 'mysql://host/db'], /unsupported catalog URL scheme 'mysql:'/],
    [['catalog', 'sources', '--db', 'sqlite:///x.db'], /unsupported catalog URL scheme 'sqlite:'/],
    [['lightcurve', '--db', 'https://example.org/c.db', '--object', '1'], /unsupported catalog URL scheme 'https:'/],
    [['db', 'migrate', '--db', 'file:c.db?mode=ro'], /query or fragment are not supported/],
    [['db', 'migrate', '--db', 'postgres://'], /names no host/],
  ] as const) {
    it(`owb ${args[0]} --db ${args[args.indexOf('--db') + 1]}: exit 2, nothing created`, () => {
      const cwd = freshDir(`case-${args[0]}-${args.indexOf('--db')}-${Math.random().toString(36).slice(2)}`);
      const run = owb(cwd, [...args]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /^owb: /);
      assert.match(run.stderr, pattern);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.deepEqual(readdirSync(cwd), []);
    });
  }

  it('OWB_DB with an unsupported scheme is refused the same way', () => {
    const cwd = freshDir('env-bad');
    const run = owb(cwd, ['watch', frames, '--once'], { OWB_DB: 'redis://localhost/0' });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /unsupported catalog URL scheme 'redis:'/);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('a relative file: URL and a plain relative path open the same SQLite file', () => {
    const cwd = freshDir('file-url');
    const first = owb(cwd, ['watch', frames, '--once', '--db', 'file:night.db', '--threads', '1']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /done 1, failed 0/);
    assert.ok(existsSync(join(cwd, 'night.db')));
    assert.ok(!existsSync(join(cwd, 'file:night.db')));
    const stats = owb(cwd, ['db', 'stats', '--db', 'night.db', '--json']);
    assert.equal(stats.status, 0, stats.stderr);
    assert.equal((JSON.parse(stats.stdout) as { tables: { frames: number } }).tables.frames, 1);
  });

  it('file:///absolute URLs, OWB_DB as the default, and db migrate on a new file', () => {
    const cwd = freshDir('env-good');
    const db = join(cwd, 'sub dir', 'c.db');
    const migrate = owb(cwd, ['db', 'migrate', '--db', pathToFileURL(db).href]);
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.match(migrate.stdout, /schema v\d+/);
    assert.ok(existsSync(db));
    const stats = owb(cwd, ['db', 'stats', '--json'], { OWB_DB: db });
    assert.equal(stats.status, 0, stats.stderr);
    assert.deepEqual((JSON.parse(stats.stdout) as { jobs: object }).jobs, {
      queued: 0,
      running: 0,
      done: 0,
      failed: 0,
    });
    // --db wins over OWB_DB.
    const other = owb(cwd, ['db', 'stats', '--db', 'missing.db'], { OWB_DB: db });
    assert.equal(other.status, 2);
    assert.match(other.stderr, /missing\.db: no such catalog database/);
  });
});
