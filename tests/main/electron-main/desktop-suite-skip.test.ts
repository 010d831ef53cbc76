// Where no Electron binary exists (CI here), the desktop end-to-end spec must show up in the test
// summary as skipped, not vanish: node:test counted a skipped suite's test as neither run nor skipped,
// so the summary said "skipped 0" (issue 25). Runs the spec file in a child runner and reads its TAP.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

function electronInstalled(): boolean {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path);
  } catch {
    return false;
  }
}

describe('desktop end-to-end suite without Electron', () => {
  it(
    'is reported as one skipped test with its reason',
    { skip: electronInstalled() ? 'an Electron binary is installed here: the spec runs instead' : false },
    () => {
      // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead of printing TAP.
      const env: NodeJS.ProcessEnv = { ...process.env, OWB_TEST: '1' };
      delete env.NODE_TEST_CONTEXT;
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-reporter=tap', 'tests/e2e/electron.test.ts'],
        { cwd: ROOT, encoding: 'utf8', env },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^# skipped 1$/m, r.stdout);
      assert.match(r.stdout, /^# pass 0$/m);
      assert.match(r.stdout, /# SKIP SKIPPED: no Electron binary installed/);
    },
  );
});
