import type pg from 'pg';

/** A foreign key or secondary index of a table, with the statement that makes it again. */
interface Rebuild {
  name: string;
  create: string;
}

/**
 * Runs `load` (COPYs into `table`) with the table's foreign keys and secondary indexes dropped, then builds
 * the indexes again (one sort each, instead of one insertion per row) and adds the foreign keys back, which
 * checks every row in one join instead of one lookup per row. Call it inside the caller's transaction: DDL
 * is transactional in PostgreSQL, so a violation found at the end (a row naming a frame that does not
 * exist) rolls back the load and the drops together, and other sessions never see the table without them.
 * The table is locked (ACCESS EXCLUSIVE) until the commit, so this is for bulk loads (`owb db copy`, an
 * archive's first load), not for a catalog that watchers write to at the same time. Primary and unique keys
 * stay (they are what other tables' foreign keys point at). The transaction commits without waiting for its
 * WAL flush (`synchronous_commit = off`, for this transaction only: a crash just after the commit loses the
 * whole load or none of it, never part), and the index builds get at least 256 MB of sort memory.
 */
export async function loadWithoutChecks<T>(
  client: pg.PoolClient | pg.Client,
  table: string,
  load: () => Promise<T>,
): Promise<T> {
  const foreignKeys = (
    await client.query<Rebuild>(
      `SELECT conname AS name, format('ALTER TABLE %I ADD CONSTRAINT %I %s', $1::text, conname, pg_get_constraintdef(oid)) AS create
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`,
      [table],
    )
  ).rows;
  const indexes = (
    await client.query<Rebuild>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS create
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = $1::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid AND c.contype IN ('p', 'u', 'x'))
        ORDER BY i.relname`,
      [table],
    )
  ).rows;
  await client.query(`SET LOCAL synchronous_commit = off`);
  for (const fk of foreignKeys) await client.query(`ALTER TABLE ${ident(table)} DROP CONSTRAINT ${ident(fk.name)}`);
  for (const index of indexes) await client.query(`DROP INDEX ${ident(index.name)}`);
  const value = await load();
  // Raised to 256 MB, never lowered (a server set up for bulk loads may give more).
  await client.query(
    `SELECT set_config('maintenance_work_mem', CASE WHEN pg_size_bytes(current_setting('maintenance_work_mem'))
       < pg_size_bytes('256MB') THEN '256MB' ELSE current_setting('maintenance_work_mem') END, true)`,
  );
  for (const index of indexes) await client.query(index.create);
  for (const fk of foreignKeys) await client.query(fk.create);
  await client.query(`ANALYZE ${ident(table)}`);
  return value;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
