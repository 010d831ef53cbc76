// COPY into PostgreSQL, text and binary: every value arrives exactly (doubles bit for bit, ±Infinity, NaN,
// −0, NULL, 2⁵³−1, text with tabs, line breaks, backslashes and non-ASCII), and a value that does not fit its
// column type aborts the load naming the column instead of storing something else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyRows, copyRowsBinary } from '../../../../src-main/node/catalog/postgres/copy.js';
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
});
