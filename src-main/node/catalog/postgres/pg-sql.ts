import type pg from 'pg';
import { inTransaction } from './connection.js';
import { numberedPlaceholders, type CatalogSql, type SqlDialect, type SqlValue } from '../catalog-sql.js';

const PG_DIALECT: SqlDialect = {
  like: 'ILIKE',
  nulls: (descending) => (descending ? 'NULLS LAST' : 'NULLS FIRST'),
  bytes: ' COLLATE "C"',
};

/** Query texts in PostgreSQL's placeholder spelling, converted once each. */
const converted = new Map<string, string>();
function pgText(text: string): string {
  let out = converted.get(text);
  if (out === undefined) {
    out = numberedPlaceholders(text);
    if (converted.size > 500) converted.clear();
    converted.set(text, out);
  }
  return out;
}

/**
 * A PostgreSQL + Q3C catalog as a `CatalogSql` over a pool (or, inside `transaction`, one client). Integers
 * come back as numbers through the pool's type parsers (`openPool`).
 */
export function pgSql(pool: pg.Pool): CatalogSql {
  return on(pool, (body) =>
    inTransaction(pool, async (client) => {
      // The one writer at a time of SQLite's BEGIN IMMEDIATE, for the tables curation writes: two curators
      // labelling one detection make one candidate for it, and "undo the last label" sees every label.
      await client.query('LOCK TABLE candidates, labels IN SHARE ROW EXCLUSIVE MODE');
      return body(on(client));
    }),
  );
}

/** Queries on `runner`; without `transaction`, a transaction asked for runs in the one `runner` is in. */
function on(
  runner: pg.Pool | pg.PoolClient,
  transaction?: <T>(body: (tx: CatalogSql) => Promise<T>) => Promise<T>,
): CatalogSql {
  const query = async <T>(text: string, args: readonly SqlValue[] = []): Promise<T[]> =>
    (await runner.query(pgText(text), args as SqlValue[])).rows as T[];
  const sql: CatalogSql = {
    backend: 'postgres',
    dialect: PG_DIALECT,
    all: query,
    get: async <T>(text: string, args?: readonly SqlValue[]) => (await query<T>(text, args))[0],
    insert: async (text, args) => {
      const [row] = await query<{ id: number }>(`${text} RETURNING id`, args);
      return row.id;
    },
    run: async (text, args) => {
      await query(text, args);
    },
    each: async <T>(text: string, args: readonly SqlValue[], take: (row: T) => boolean, pageRows = 5000) => {
      for (let offset = 0; ; offset += pageRows) {
        const rows = await query<T>(`${text} LIMIT ${pageRows} OFFSET ${offset}`, args);
        for (const row of rows) if (!take(row)) return;
        if (rows.length < pageRows) return;
      }
    },
    transaction: transaction ?? ((body) => body(sql)),
  };
  return sql;
}
