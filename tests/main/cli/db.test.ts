import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../src-main/node/catalog/index.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-db-'));
after(() => rmSync(root, { recursive: true, force: true }));

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

describe('owb db stats', () => {
  it('prints every table and job state as JSON', () => {
    const db = join(root, 'empty.sqlite');
    Catalog.open(db).close();
    const r = owb(['db', 'stats', '--db', db, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const stats = JSON.parse(r.stdout) as { tables: Record<string, number>; jobs: Record<string, number> };
    assert.deepEqual(stats.jobs, { queued: 0, running: 0, done: 0, failed: 0 });
    for (const t of [
      'frames',
      'sources',
      'objects',
      'measurements',
      'candidates',
      'labels',
      'jobs',
      'masters',
      'datasets',
    ])
      assert.equal(stats.tables[t], 0, t);
  });

  it('names a missing database instead of creating one (exit 2)', () => {
    const r = owb(['db', 'stats', '--db', join(root, 'missing.sqlite')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /missing\.sqlite: no such catalog database/);
  });
});
