import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CatalogLocationError, parseCatalogLocation } from './catalog-location.js';
import { migrations, type Migration } from './migrations/index.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** Milliseconds a writer waits for another process's lock before failing [10000]. */
  busyTimeoutMs?: number;
  /** For tests: the migration list to apply [all]. */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating when needed) a catalog database: WAL journal, busy timeout, foreign keys on, and every
 * pending migration applied in one transaction, the version kept in `PRAGMA user_version`.
 */
export function openDatabase(location: string, options: OpenOptions = {}): SqliteDatabase {
  // A URL must never become a file name (`postgres://h/db` used to create a folder 'postgres:').
  const parsed = parseCatalogLocation(location);
  if (parsed.kind !== 'sqlite')
    throw new CatalogLocationError(`${location}: a PostgreSQL URL, which the SQLite catalog backend cannot open`);
  const path = parsed.path;
  if (!options.readonly && path !== ':memory:') makeDirs(dirname(path));
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 10_000))}`);
  db.pragma('foreign_keys = ON');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL is durable against process crashes (the case we guard); only power loss may lose the
    // last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    migrate(db, options.migrations ?? migrations);
  }
  db.pragma('cache_size = -65536');
  return db;
}

/** Applies migrations newer than `user_version`, all in one transaction. Returns the new version. */
export function migrate(db: SqliteDatabase, list: readonly Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  // Versions increase strictly; a branch may hold a later number before the ones between are merged.
  const latest = list.length ? list[list.length - 1].version : 0;
  if (current > latest) {
    throw new Error(`${db.name}: catalog schema version ${current} is newer than this workbench knows (${latest})`);
  }
  if (current === latest) return current;
  db.transaction(() => {
    // Read again under the write lock: another process (a batch shard opening the same new file) may
    // have migrated between the read above and this transaction ('table frames already exists').
    const locked = db.pragma('user_version', { simple: true }) as number;
    if (locked > latest)
      throw new Error(`${db.name}: catalog schema version ${locked} is newer than this workbench knows (${latest})`);
    for (const [i, m] of list.entries()) {
      if (!(Number.isInteger(m.version) && m.version > (i ? list[i - 1].version : 0)))
        throw new Error(`migration '${m.name}' is numbered ${m.version} out of order`);
      if (m.version <= locked) continue;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
    }
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return latest;
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}
