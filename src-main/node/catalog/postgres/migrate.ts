import pg from 'pg';
import { migrations as sqliteMigrations, type Migration } from '../migrations/index.js';
import { postgresScript } from './schema.js';

/** Any 64-bit key: serialises concurrent `owb db migrate` runs on one database. */
const MIGRATE_LOCK = 0x6f7762; // 'owb'

/**
 * Applies the pending catalog migrations to a PostgreSQL database (≥ 15, with the Q3C extension available):
 * every step in one transaction under an advisory lock, the version in table `owb_schema`, as
 * `PRAGMA user_version` holds it for SQLite. Returns the schema version after the run.
 */
export async function migratePostgres(url: string, list: readonly Migration[] = sqliteMigrations): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS owb_schema (version INTEGER NOT NULL)');
      const rows = (await client.query<{ version: number }>('SELECT version FROM owb_schema')).rows;
      const current = rows[0]?.version ?? 0;
      const latest = list.length ? list[list.length - 1].version : 0;
      if (current > latest)
        throw new Error(
          `${redacted(url)}: catalog schema version ${current} is newer than this workbench knows (${latest})`,
        );
      for (const m of list) if (m.version > current) await client.query(postgresScript(m));
      if (rows.length === 0) await client.query('INSERT INTO owb_schema (version) VALUES ($1)', [latest]);
      else await client.query('UPDATE owb_schema SET version = $1', [latest]);
      await client.query('COMMIT');
      return latest;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** The URL without its password, for messages. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
