// `owb db migrate --db postgres://…` against a real PostgreSQL 15 with Q3C: the catalog migrations (the
// SQLite scripts, translated) create the same tables and columns as on SQLite, twice is a no-op, two runs at
// once are serialised, and the Q3C index answers cone searches like a brute-force great-circle distance.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../../../../src-main/node/catalog/index.js';
import { migrations } from '../../../../src-main/node/catalog/migrations/index.js';
import { postgresScript, PostgresSchemaError } from '../../../../src-main/node/catalog/postgres/schema.js';
import { postgresMissing, startPostgres, type PostgresServer } from './postgres-server.js';

const repo = resolve(import.meta.dirname, '../../../..');
const owbArgs = ['--import', 'tsx', 'src-main/cli/main.ts'];
function owb(args: string[]) {
  return spawnSync(process.execPath, [...owbArgs, ...args], { cwd: repo, encoding: 'utf8' });
}
function owbAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...owbArgs, ...args], { cwd: repo });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stderr }));
  });
}

describe('postgresScript', () => {
  it('refuses SQLite-only constructs instead of writing a different schema', () => {
    assert.throws(
      () => postgresScript({ version: 99, name: 'fts', up: 'CREATE VIRTUAL TABLE t USING fts5(x);' }),
      (e: Error) =>
        e instanceof PostgresSchemaError && /migration 99 'fts' uses a virtual table other than rtree/.test(e.message),
    );
    assert.throws(() => postgresScript({ version: 98, name: 'code', up: () => undefined }), /is code, not SQL/);
    assert.throws(() => postgresScript({ version: 97, name: 's', up: 'CREATE TABLE t (a INTEGER) STRICT;' }), /STRICT/);
  });
});

const missing = postgresMissing();
describe(
  'owb db migrate on PostgreSQL + Q3C',
  { skip: missing ? `PostgreSQL not available: ${missing}` : false },
  () => {
    let server: PostgresServer | undefined;
    before(async () => {
      server = await startPostgres();
    });
    after(() => server?.stop());

    it('two concurrent runs both succeed; a third changes nothing; tables and columns match SQLite', async () => {
      const url = (server as PostgresServer).url;
      const latest = migrations[migrations.length - 1].version;
      const runs = await Promise.all([
        owbAsync(['db', 'migrate', '--db', url]),
        owbAsync(['db', 'migrate', '--db', url]),
      ]);
      for (const r of runs) assert.equal(r.status, 0, r.stderr);
      const again = owb(['db', 'migrate', '--db', url]);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`schema v${latest}\\n$`));

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        assert.deepEqual((await client.query('SELECT version FROM owb_schema')).rows, [{ version: latest }]);
        const pgColumns = (
          await client.query<{ table_name: string; column_name: string }>(
            `SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'owb_schema' ORDER BY table_name, ordinal_position`,
          )
        ).rows.map((r) => `${r.table_name}.${r.column_name}`);
        const sqlite = openDatabase(':memory:');
        const tables = (
          sqlite
            .prepare(
              `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'objects_rtree%' ORDER BY name`,
            )
            .all() as Array<{ name: string }>
        ).map((t) => t.name);
        const sqliteColumns = tables.flatMap((t) =>
          (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(t) as Array<{ name: string }>).map(
            (c) => `${t}.${c.name}`,
          ),
        );
        sqlite.close();
        assert.deepEqual(pgColumns, sqliteColumns);

        // Q3C: cone searches through the index agree with a brute-force great-circle distance.
        let seed = 7;
        const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const rows: Array<[number, number]> = [];
        for (let i = 0; i < 2000; i++) rows.push([10 + rand() * 2, -5 + rand() * 2]);
        rows.push([359.9999, 0], [0.0001, 0]); // across RA 0
        await client.query(
          `INSERT INTO objects (ra, dec, cx, cy, cz, created_at)
           SELECT r, d, 0, 0, 0, 0 FROM unnest($1::float8[], $2::float8[]) AS t(r, d)`,
          [rows.map((r) => r[0]), rows.map((r) => r[1])],
        );
        const rad = Math.PI / 180;
        const sep = (a: [number, number], b: [number, number]) =>
          (2 *
            Math.asin(
              Math.sqrt(
                Math.sin(((b[1] - a[1]) * rad) / 2) ** 2 +
                  Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(((b[0] - a[0]) * rad) / 2) ** 2,
              ),
            )) /
          rad;
        for (const [centre, radiusDeg] of [
          [[11, -4] as [number, number], 0.2],
          [[10.5, -4.5] as [number, number], 0.05],
          [[0, 0] as [number, number], 0.001],
        ] as const) {
          const hits = (
            await client.query<{ ra: number; dec: number }>(
              'SELECT ra, dec FROM objects WHERE q3c_radial_query(ra, dec, $1, $2, $3) ORDER BY ra, dec',
              [centre[0], centre[1], radiusDeg],
            )
          ).rows.map((r) => [r.ra, r.dec]);
          const truth = rows.filter((r) => sep(r, centre) <= radiusDeg).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          assert.ok(truth.length > 0);
          assert.deepEqual(hits, truth);
        }
      } finally {
        await client.end();
      }
    });

    it('a server that is not there: exit 2 with one owb: line', () => {
      const r = owb(['db', 'migrate', '--db', 'postgres://postgres@127.0.0.1:1/postgres']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: db migrate: postgres:\/\/postgres@127\.0\.0\.1:1\/postgres: /);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    });
  },
);
