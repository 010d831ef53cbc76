import type { SqliteDatabase } from './database.js';

/** A bound parameter of a catalog query. */
export type SqlValue = string | number | null;

/**
 * The catalog's tables behind either engine for the API handlers (`owb serve`, the desktop app): one query
 * text with `?` placeholders runs on the embedded SQLite catalog (`sqliteSql`) or on PostgreSQL + Q3C
 * (`pgSql`), so each handler is written once. Rows come back with the tables' own column names and
 * integers as numbers on both. What the engines spell differently is asked of `dialect`.
 */
export interface CatalogSql {
  readonly backend: 'sqlite' | 'postgres';
  readonly dialect: SqlDialect;
  all<T>(sql: string, args?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, args?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs an INSERT and answers the new row's `id`. */
  insert(sql: string, args?: readonly SqlValue[]): Promise<number>;
  run(sql: string, args?: readonly SqlValue[]): Promise<void>;
  /**
   * Rows in the query's order, handed to `take` until it answers false; SQLite streams them, PostgreSQL reads
   * them in pages of `pageRows` (the query's ORDER BY must then be total, ending in a unique key).
   */
  each<T>(sql: string, args: readonly SqlValue[], take: (row: T) => boolean, pageRows?: number): Promise<void>;
  /**
   * `body` in one write transaction, serialised against every other writer of the labels and candidates
   * tables (SQLite: BEGIN IMMEDIATE; PostgreSQL: a table lock), rolled back if it throws.
   */
  transaction<T>(body: (tx: CatalogSql) => Promise<T>): Promise<T>;
}

/** Fragments whose spelling differs between the engines. */
export interface SqlDialect {
  /** Case-insensitive LIKE (SQLite's LIKE is, PostgreSQL's is not). */
  like: string;
  /** After an ORDER BY term: NULLs where SQLite puts them (first ascending, last descending). */
  nulls(descending: boolean): string;
  /** After a text ORDER BY term: byte order, as SQLite compares text. */
  bytes: string;
}

const SQLITE_DIALECT: SqlDialect = { like: 'LIKE', nulls: () => '', bytes: '' };

/** The SQLite catalog as a `CatalogSql`: every call answers at once (better-sqlite3 is synchronous). */
export function sqliteSql(db: SqliteDatabase): CatalogSql {
  const sql: CatalogSql = {
    backend: 'sqlite',
    dialect: SQLITE_DIALECT,
    all: async <T>(text: string, args: readonly SqlValue[] = []) => db.prepare(text).all(...args) as T[],
    get: async <T>(text: string, args: readonly SqlValue[] = []) => db.prepare(text).get(...args) as T | undefined,
    insert: async (text, args = []) => Number(db.prepare(text).run(...args).lastInsertRowid),
    run: async (text, args = []) => {
      db.prepare(text).run(...args);
    },
    each: async <T>(text: string, args: readonly SqlValue[], take: (row: T) => boolean) => {
      for (const row of db.prepare(text).iterate(...args) as IterableIterator<T>) if (!take(row)) break;
    },
    // Every call of `body` answers with an already settled promise, so a transaction runs to its end within
    // one turn of the event loop. Two begun in the same turn (two requests in one socket read) would still
    // interleave their steps, so they wait for each other: the second BEGIN after the first COMMIT.
    transaction: <T>(body: (tx: CatalogSql) => Promise<T>): Promise<T> => {
      const run = tail.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await body(sql);
          db.exec('COMMIT');
          return value;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
      tail = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
  let tail: Promise<void> = Promise.resolve();
  return sql;
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …`, outside quoted strings and identifiers.
 */
export function numberedPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else out += ch === '?' ? `$${++n}` : ch;
  }
  return out;
}
