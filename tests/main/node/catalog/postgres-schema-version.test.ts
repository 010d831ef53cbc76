// Both backends at one schema version: every catalog migration (the ones other branches add too) has a
// PostgreSQL form, so `owb db migrate --db postgres://…` reaches SQLite's `latestSchemaVersion`; a migration
// without one fails here, naming it, instead of at a user's migrate. No server needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestSchemaVersion, migrations } from '../../../../src-main/node/catalog/migrations/index.js';
import { postgresScript } from '../../../../src-main/node/catalog/postgres/schema.js';
import { postgresVersions } from '../../../../src-main/node/catalog/postgres/versions/index.js';

describe('PostgreSQL schema version', () => {
  it('every SQLite migration has a PostgreSQL form, so both backends end at latestSchemaVersion', () => {
    for (const m of migrations)
      assert.doesNotThrow(() => postgresScript(m), `migration ${m.version} '${m.name}' has no PostgreSQL form`);
    assert.equal(migrations[migrations.length - 1].version, latestSchemaVersion);
  });

  it('PostgreSQL-only scripts belong to migrations that exist', () => {
    const versions = new Set(migrations.map((m) => m.version));
    for (const v of Object.keys(postgresVersions)) assert.ok(versions.has(Number(v)), `versions/${v} has no migration`);
  });

  it('a code migration takes its PostgreSQL script from versions/, untranslated', () => {
    const code = { version: 99, name: 'backfill', up: () => undefined };
    assert.throws(() => postgresScript(code, {}), /migration 99 'backfill' is code, not SQL/);
    assert.equal(
      postgresScript(code, { 99: 'UPDATE frames SET status = status;' }),
      'UPDATE frames SET status = status;',
    );
  });
});
