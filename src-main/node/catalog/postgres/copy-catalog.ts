import Database from 'better-sqlite3';
import pg from 'pg';
import { latestSchemaVersion } from '../migrations/index.js';
import { loadWithoutChecks } from './bulk-load.js';
import { copyRows } from './copy.js';
import { redacted } from './migrate.js';

/** A copy that must not go ahead or did not arrive whole (nothing is left in the target either way). */
export class CatalogCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogCopyError';
  }
}

export interface CopyReport {
  /** Rows per table, equal in source and target. */
  tables: Record<string, number>;
  rows: number;
  ms: number;
}

/** Tables of a SQLite catalog in an order where every table comes after the tables it references. */
function tablesInOrder(db: Database.Database): string[] {
  const names = (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
           AND name NOT LIKE 'objects_rtree%' ORDER BY name`,
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);
  const deps = new Map(
    names.map((n) => [
      n,
      (db.prepare(`SELECT "table" AS t FROM pragma_foreign_key_list(?)`).all(n) as Array<{ t: string }>)
        .map((r) => r.t)
        .filter((t) => t !== n),
    ]),
  );
  const order: string[] = [];
  const placed = new Set<string>();
  const visit = (n: string, path: string[]) => {
    if (placed.has(n)) return;
    if (path.includes(n)) throw new CatalogCopyError(`tables reference each other in a cycle: ${path.join(' → ')}`);
    for (const d of deps.get(n) ?? []) if (deps.has(d)) visit(d, [...path, n]);
    placed.add(n);
    order.push(n);
  };
  for (const n of names) visit(n, []);
  return order;
}

/**
 * Copies a SQLite catalog into an empty, migrated PostgreSQL catalog of the same schema version: every table
 * by COPY in one transaction (in dependency order, each table's foreign keys and indexes built after its rows), identity sequences moved past the copied ids,
 * then every table's row count compared with the source's before the commit. A target that already holds
 * rows, a schema version that differs, or a count that does not match is a `CatalogCopyError` and the
 * target is left as it was. The R*Tree is not copied: the target's Q3C index covers the objects.
 */
export async function copySqliteToPostgres(sqlitePath: string, url: string): Promise<CopyReport> {
  const started = Date.now();
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const client = new pg.Client({ connectionString: url });
  try {
    const version = source.pragma('user_version', { simple: true }) as number;
    if (version !== latestSchemaVersion)
      throw new CatalogCopyError(
        `${sqlitePath}: catalog schema version ${version}, this workbench copies version ${latestSchemaVersion} (run 'owb db migrate --db ${sqlitePath}' first)`,
      );
    await client.connect();
    const target = redacted(url);
    const tables = tablesInOrder(source);
    await client.query('BEGIN');
    try {
      const pgVersion = (await client.query<{ version: number }>('SELECT version FROM owb_schema')).rows[0]?.version;
      if (pgVersion !== latestSchemaVersion)
        throw new CatalogCopyError(
          `${target}: catalog schema version ${pgVersion ?? 0}, expected ${latestSchemaVersion}`,
        );
      const report: Record<string, number> = {};
      let rows = 0;
      for (const table of tables) {
        const pgColumns = new Set(
          (
            await client.query<{ c: string }>(
              `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
              [table],
            )
          ).rows.map((r) => r.c),
        );
        if (pgColumns.size === 0)
          throw new CatalogCopyError(`${target}: has no table '${table}' that ${sqlitePath} has`);
        const columns = (
          source.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>
        ).map((r) => r.name);
        const missing = columns.filter((c) => !pgColumns.has(c));
        if (missing.length)
          throw new CatalogCopyError(`${target}: table '${table}' has no column ${missing.join(', ')}`);
        const existing = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
        if (existing > 0)
          throw new CatalogCopyError(
            `${target}: is not empty (table '${table}' holds ${existing} rows); copy into a freshly migrated database`,
          );
        const quoted = columns.map((c) => `"${c}"`);
        const select = source.prepare(`SELECT ${quoted.join(', ')} FROM "${table}"`).raw(true);
        // Foreign keys and indexes are built after the table's rows are in (checked by one join each).
        const loaded = await loadWithoutChecks(client, table, () =>
          copyRows(client, table, quoted, select.iterate() as Iterable<unknown[]>),
        );
        const expected = (source.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
        const arrived = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
        if (arrived !== expected || loaded !== expected)
          throw new CatalogCopyError(
            `table '${table}': ${expected} rows in ${sqlitePath}, ${arrived} arrived in ${target} (COPY reported ${loaded}); nothing was copied`,
          );
        if (pgColumns.has('id') && columns.includes('id'))
          await client.query(
            `SELECT setval(pg_get_serial_sequence($1, 'id'), greatest(1, (SELECT coalesce(max(id), 0) FROM ${table})), (SELECT count(*) > 0 FROM ${table}))`,
            [table],
          );
        report[table] = expected;
        rows += expected;
      }
      await client.query('COMMIT');
      return { tables: report, rows, ms: Date.now() - started };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    source.close();
    await client.end().catch(() => undefined);
  }
}
