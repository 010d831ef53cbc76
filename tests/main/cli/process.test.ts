import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeFrame } from '../node/watch/frames.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-process-'));
after(() => rmSync(root, { recursive: true, force: true }));

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

function states(db: string): Record<string, string> {
  const c = new Database(db, { readonly: true });
  try {
    const rows = c
      .prepare('SELECT f.file_name AS name, j.state AS state FROM jobs j JOIN frames f ON f.id = j.frame_id')
      .all() as Array<{ name: string; state: string }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.state]));
  } finally {
    c.close();
  }
}

describe('owb process --since --until', () => {
  const dir = join(root, 'night');
  writeFrame(join(dir, 'a.fits'), { seed: 1, size: 16, dateObs: '2024-03-15T21:00:00' });
  writeFrame(join(dir, 'b.fits'), { seed: 2, size: 16, dateObs: '2024-03-16T02:30:00' });
  writeFrame(join(dir, 'c.fits'), { seed: 3, size: 16, dateObs: '2024-03-17T03:00:00' });
  writeFrame(join(dir, 'undated.fits'), { seed: 4, size: 16 });
  const db = join(root, 'catalog.db');

  it('over a folder: ingests every file, processes only the frames observed in the window', () => {
    const run = owb(['process', dir, '--db', db, '--since', '2024-03-15T20:00', '--until', '2024-03-16T06:00']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /done 2, failed 0, queued 0, running 0/);
    assert.deepEqual(states(db), { 'a.fits': 'done', 'b.fits': 'done', 'c.fits': 'queued', 'undated.fits': 'queued' });
  });

  it('over the catalog: a later window (a bare --until date means the whole day, MJD accepted)', () => {
    const run = owb(['process', '--db', db, '--since', '60386', '--until', '2024-03-17']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /done 1, failed 0, queued 0, running 0/);
    assert.deepEqual(states(db), { 'a.fits': 'done', 'b.fits': 'done', 'c.fits': 'done', 'undated.fits': 'queued' });
  });

  it('bad times exit 2 with one owb: line naming the option', () => {
    for (const [args, message] of [
      [['--since', 'yesterday', '--until', '2024-03-17'], /--since must be an ISO date/],
      [['--since', '2024-03-18', '--until', '2024-03-17'], /--since 2024-03-18 is after --until 2024-03-17/],
      [['--until', '2024-03-17'], /--since T and --until T are required/],
    ] as const) {
      const run = owb(['process', '--db', db, ...args]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^owb: /);
    }
  });
});
