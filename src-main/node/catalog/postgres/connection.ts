import pg from 'pg';
import { redacted } from './migrate.js';
import { latestSchemaVersion } from '../migrations/index.js';

/** A PostgreSQL catalog that cannot be used as it is (server unreachable, schema missing or newer). */
export class PostgresCatalogError extends Error {
  constructor(
    message: string,
    readonly code = 'PG_CATALOG',
  ) {
    super(message);
    this.name = 'PostgresCatalogError';
  }
}

/**
 * Type parsers of our pools: 64-bit integers (ids, counts, millisecond times) as JavaScript numbers, as
 * better-sqlite3 returns them (exact below 2⁵³, which ids and times stay under), instead of pg's strings.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 && format !== 'binary') return (v: string) => Number(v);
    if (oid === pg.types.builtins.NUMERIC && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** Connection problems a user fixes (server down, wrong host, password or database name). */
export const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  '28P01',
  '28000',
  '3D000',
]);

/** A pool on `url` whose integers come back as numbers; `max` connections [4]. */
export function openPool(url: string, max = 4): pg.Pool {
  // A server that never answers (a firewall dropping packets) fails after 10 s instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens a pool and checks the catalog schema: it must have been migrated (`owb db migrate --db URL`) to the
 * version this build knows. Connection failures and a wrong version are `PostgresCatalogError`s naming the
 * URL (without its password).
 */
export async function openCatalogPool(url: string, max = 4): Promise<pg.Pool> {
  const pool = openPool(url, max);
  try {
    const has = await pool.query<{ t: string | null }>(`SELECT to_regclass('owb_schema')::text AS t`);
    if (!has.rows[0]?.t)
      throw new PostgresCatalogError(
        `${redacted(url)}: no workbench catalog there yet (run 'owb db migrate --db ${redacted(url)}' first)`,
        'PG_NOT_MIGRATED',
      );
    const v = (await pool.query<{ version: number }>('SELECT version FROM owb_schema')).rows[0]?.version ?? 0;
    if (v !== latestSchemaVersion)
      throw new PostgresCatalogError(
        v > latestSchemaVersion
          ? `${redacted(url)}: catalog schema version ${v} is newer than this workbench knows (${latestSchemaVersion})`
          : `${redacted(url)}: catalog schema version ${v}, this workbench needs ${latestSchemaVersion} (run 'owb db migrate --db URL')`,
        'PG_SCHEMA_VERSION',
      );
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    const code = (error as { code?: string }).code;
    if ((code && CONNECTION_CODES.has(code)) || (!code && /timeout/i.test((error as Error).message)))
      throw new PostgresCatalogError(`${redacted(url)}: ${(error as Error).message || code}`, 'PG_CONNECT');
    throw error;
  }
}

/** Runs `body` in one transaction on a pooled client (rolled back if it throws). */
export async function inTransaction<T>(pool: pg.Pool, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const value = await body(client);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
