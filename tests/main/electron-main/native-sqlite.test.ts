import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { electronSqliteBinding, useElectronSqlite } from '../../../src-main/electron-main/native-sqlite.js';

const require = createRequire(import.meta.url);

describe('better-sqlite3 under Electron: the binding redirect', () => {
  it('names one binding per Electron ABI under node_modules/.cache (git-ignored)', () => {
    assert.equal(
      electronSqliteBinding('/repo', '133'),
      join('/repo', 'node_modules', '.cache', 'owb-electron-native', 'better_sqlite3-abi133.node'),
    );
  });

  it('does nothing when no Electron build exists, so Node keeps its own binary', () => {
    assert.equal(useElectronSqlite('/nonexistent/better_sqlite3-abi0.node'), false);
  });

  it('loads the addon from the redirected file (here a copy of the Node build standing in for the Electron one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owb-native-'));
    try {
      const original = join(
        dirname(require.resolve('better-sqlite3/package.json')),
        'build',
        'Release',
        'better_sqlite3.node',
      );
      const stand_in = join(dir, 'better_sqlite3-abi-test.node');
      copyFileSync(original, stand_in);
      const loaded: string[] = [];
      const dlopen = process.dlopen;
      (process as unknown as { dlopen: typeof dlopen }).dlopen = ((
        module: unknown,
        filename: string,
        ...flags: number[]
      ) => {
        loaded.push(filename);
        return (dlopen as unknown as (m: unknown, f: string, ...fl: number[]) => void).call(
          process,
          module,
          filename,
          ...flags,
        );
      }) as typeof dlopen;
      assert.equal(useElectronSqlite(stand_in), true);
      const Database = require('better-sqlite3') as typeof import('better-sqlite3');
      const db = new Database(':memory:');
      assert.equal((db.prepare('SELECT 1 + 1 AS two').get() as { two: number }).two, 2);
      db.close();
      assert.ok(loaded.includes(stand_in), `addon loaded from ${loaded.join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
