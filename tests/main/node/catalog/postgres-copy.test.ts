// COPY into PostgreSQL, text and binary: every value arrives exactly (doubles bit for bit, ±Infinity, NaN,
// −0, NULL, 2⁵³−1, text with tabs, line breaks, backslashes and non-ASCII), and a value that does not fit its
// column type aborts the load naming the column instead of storing something else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadWithoutChecks } from '../../../../src-main/node/catalog/postgres/bulk-load.js';
import { copyColumnsBinary, copyRows, copyRowsBinary } from '../../../../src-main/node/catalog/postgres/copy.js';
import { openPool } from '../../../../src-main/node/catalog/postgres/connection.js';
import { postgresMissing, startPostgres, type PostgresServer } from './postgres-server.js';

const missing = postgresMissing();
describe('COPY text and binary', { skip: missing && `PostgreSQL not available: ${missing}` }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());

  const rows: unknown[][] = [
    [1, 0.1, 'plain'],
    [2, 1 / 3, 'tab\there, line\nbreak, back\\slash, carriage\rreturn'],
    [Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 'Ω ångström 星'],
    [-4, Number.POSITIVE_INFINITY, ''],
    [5, Number.NEGATIVE_INFINITY, null],
    [6, -0, '\\N'],
    [7, null, 'x'],
    [8, 123456789.12345679, 'y'],
    [9, Number.NaN, 'z'],
  ];

  for (const binary of [false, true]) {
    it(`${binary ? 'binary' : 'text'}: every value arrives exactly`, async () => {
      const pool = openPool((server as PostgresServer).url, 1);
      const c = await pool.connect();
      try {
        const table = binary ? 'tb' : 'tt';
        await c.query(`CREATE TABLE ${table} (i BIGINT, d DOUBLE PRECISION, s TEXT)`);
        const n = binary
          ? await copyRowsBinary(c, table, ['i', 'd', 's'], ['int8', 'float8', 'text'], rows)
          : await copyRows(c, table, ['i', 'd', 's'], rows);
        assert.equal(n, rows.length);
        const back = (await c.query({ text: `SELECT i, d, s FROM ${table} ORDER BY i`, rowMode: 'array' })).rows;
        const want = [...rows].sort((a, b) => (a[0] as number) - (b[0] as number));
        assert.equal(back.length, want.length);
        for (const [k, row] of back.entries()) {
          assert.equal(row[0], want[k][0]);
          assert.ok(Object.is(row[1], want[k][1]), `row ${k}: ${row[1]} vs ${want[k][1]}`);
          assert.equal(row[2], want[k][2]);
        }
      } finally {
        c.release();
        await pool.end();
      }
    });
  }

  it('binary: a fraction for a BIGINT or text for a number aborts the COPY, naming the column', async () => {
    const pool = openPool((server as PostgresServer).url, 1);
    const c = await pool.connect();
    try {
      await c.query('CREATE TABLE tbad (i BIGINT, d DOUBLE PRECISION)');
      await assert.rejects(
        copyRowsBinary(
          c,
          'tbad',
          ['i', 'd'],
          ['int8', 'float8'],
          [
            [1, 1],
            [1.5, 2],
          ],
        ),
        /tbad\.i: 1\.5 is not a 64-bit integer/,
      );
      await assert.rejects(
        copyRowsBinary(c, 'tbad', ['i', 'd'], ['int8', 'float8'], [[1, '2']]),
        /tbad\.d: "2" is not a number/,
      );
      assert.equal(Number((await c.query('SELECT count(*) AS n FROM tbad')).rows[0].n), 0);
    } finally {
      c.release();
      await pool.end();
    }
  });

  it('columnar binary: every value arrives as the row encoder sends it; NaN is NULL only where asked', async () => {
    const pool = openPool((server as PostgresServer).url, 1);
    const c = await pool.connect();
    try {
      await c.query('CREATE TABLE tcol (i BIGINT, k BIGINT, d DOUBLE PRECISION, e DOUBLE PRECISION, n BIGINT)');
      // Signed 64-bit values either side of the 32-bit halves the encoder writes.
      const ints = [0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
      const doubles = [0.1, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE, 1 / 3, Number.NaN, -2.5];
      const loaded = await copyColumnsBinary(
        c,
        'tcol',
        ['i', 'k', 'd', 'e', 'n'],
        ['int8', 'int8', 'float8', 'float8', 'int8'],
        [ints, 7, doubles, doubles, null],
        ints.length,
        [false, false, true, false, false],
      );
      assert.equal(loaded, ints.length);
      const back = (await c.query({ text: 'SELECT i, k, d, e, n FROM tcol', rowMode: 'array' })).rows;
      const viaRows = await copyRowsBinary(
        c,
        'tcol',
        ['i', 'k', 'd', 'e', 'n'],
        ['int8', 'int8', 'float8', 'float8', 'int8'],
        ints.map((v, r) => [v, 7, Number.isNaN(doubles[r]) ? null : doubles[r], doubles[r], null]),
      );
      assert.equal(viaRows, ints.length);
      const all = (await c.query({ text: 'SELECT i, k, d, e, n FROM tcol', rowMode: 'array' })).rows;
      assert.equal(all.length, 2 * ints.length);
      for (const [r, row] of back.entries()) {
        assert.equal(Number(row[0]), ints[r], `row ${r}: i`);
        assert.equal(Number(row[1]), 7);
        if (Number.isNaN(doubles[r])) assert.equal(row[2], null, `row ${r}: NaN in a nanIsNull column`);
        else assert.ok(Object.is(row[2], doubles[r]), `row ${r}: ${row[2]} vs ${doubles[r]}`);
        assert.ok(Object.is(row[3], doubles[r]), `row ${r}: e`);
        assert.equal(row[4], null);
        assert.deepEqual(
          all[r + ints.length].map((v: unknown) => (typeof v === 'string' ? Number(v) : v)),
          row.map((v: unknown) => (typeof v === 'string' ? Number(v) : v)),
        );
      }
      await assert.rejects(
        copyColumnsBinary(c, 'tcol', ['i'], ['int8'], [[1.5]], 1),
        /tcol\.i: 1\.5 is not a 64-bit integer/,
      );
    } finally {
      c.release();
      await pool.end();
    }
  });

  it('a load without checks puts the foreign keys and indexes back, and a row they refuse rolls it all back', async () => {
    const pool = openPool((server as PostgresServer).url, 1);
    const c = await pool.connect();
    const shape = async () =>
      (
        await c.query<{ d: string }>(
          `SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 'child'::regclass
            UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'child'::regclass ORDER BY 1`,
        )
      ).rows.map((r) => r.d);
    try {
      await c.query(`CREATE TABLE parent (id BIGINT PRIMARY KEY);
        INSERT INTO parent SELECT generate_series(1, 3);
        CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent(id) ON DELETE CASCADE, v DOUBLE PRECISION);
        CREATE INDEX child_parent ON child (parent_id, v);`);
      const before = await shape();
      assert.equal(before.length, 4, before.join('; '));
      await c.query('BEGIN');
      await loadWithoutChecks(c, 'child', () =>
        copyColumnsBinary(
          c,
          'child',
          ['id', 'parent_id', 'v'],
          ['int8', 'int8', 'float8'],
          [[1, 2, 3], [1, 2, 3], 0.5],
          3,
        ),
      );
      await c.query('COMMIT');
      assert.deepEqual(await shape(), before);
      assert.equal(Number((await c.query('SELECT count(*) AS n FROM child')).rows[0].n), 3);
      // Parent 9 does not exist: found when the key is added back; nothing of the load stays, the key neither goes.
      await c.query('BEGIN');
      await assert.rejects(
        loadWithoutChecks(c, 'child', () =>
          copyColumnsBinary(c, 'child', ['id', 'parent_id', 'v'], ['int8', 'int8', 'float8'], [[4, 5], [1, 9], 0], 2),
        ),
        /violates foreign key constraint/,
      );
      await c.query('ROLLBACK');
      assert.equal(Number((await c.query('SELECT count(*) AS n FROM child')).rows[0].n), 3);
      assert.deepEqual(await shape(), before);
      await assert.rejects(c.query('INSERT INTO child VALUES (6, 9, 0)'), /violates foreign key constraint/);
    } finally {
      c.release();
      await pool.end();
    }
  });

  it("a load without checks raises the index builds' sort memory to 256 MB but never lowers a larger one, and commits without waiting for the WAL flush, for its own transaction only", async () => {
    const pool = openPool((server as PostgresServer).url, 1);
    const c = await pool.connect();
    const show = async () =>
      (
        await c.query<{ m: string; s: string }>(
          `SELECT current_setting('maintenance_work_mem') AS m, current_setting('synchronous_commit') AS s`,
        )
      ).rows[0];
    try {
      await c.query(
        'CREATE TABLE settle (id BIGINT PRIMARY KEY, v DOUBLE PRECISION); CREATE INDEX settle_v ON settle (v)',
      );
      for (const [session, inside] of [
        ['64MB', '256MB'],
        ['1GB', '1GB'],
      ]) {
        await c.query(`SET maintenance_work_mem = '${session}'`);
        await c.query('BEGIN');
        await loadWithoutChecks(c, 'settle', () =>
          copyColumnsBinary(c, 'settle', ['id', 'v'], ['int8', 'float8'], [[1], [2]], 1),
        );
        assert.deepEqual(await show(), { m: inside, s: 'off' }, `session ${session}`);
        await c.query('ROLLBACK');
        assert.deepEqual(await show(), { m: session, s: 'on' }, `after the load, session ${session}`);
      }
    } finally {
      c.release();
      await pool.end();
    }
  });
});
