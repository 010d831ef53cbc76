// Two processes opening one new catalog at once (batch shards): the second read user_version 0, then the
// first migrated before the second's transaction began. The second must see that under the write lock and
// apply nothing, not fail with 'table frames already exists'.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, openDatabase, schemaVersion, type SqliteDatabase } from '../../../../src-main/node/catalog/index.js';
import { latestSchemaVersion } from '../../../../src-main/node/catalog/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-migrate-race-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('a migration raced by another process applies nothing twice', () => {
  const file = join(dir, 'c.db');
  const late = new Database(file);
  openDatabase(file).close(); // the other process wins the race
  // What `late` read before the other process committed: version 0.
  let stale = true;
  const racing = new Proxy(late, {
    get(target, key) {
      if (key === 'pragma')
        return (text: string, options?: { simple?: boolean }) => {
          if (stale && text === 'user_version') {
            stale = false;
            return 0;
          }
          return target.pragma(text, options);
        };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as SqliteDatabase;
  assert.equal(migrate(racing), latestSchemaVersion);
  assert.equal(stale, false, 'the stale read happened');
  assert.equal(schemaVersion(late), latestSchemaVersion);
  assert.equal(
    (late.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'frames'`).get() as { n: number }).n,
    1,
  );
  late.close();
});
