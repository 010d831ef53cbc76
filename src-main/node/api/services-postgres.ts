import { resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import type { SqliteDatabase } from '../catalog/database.js';
import { openCatalogPool } from '../catalog/postgres/connection.js';
import { redacted } from '../catalog/postgres/migrate.js';
import { pgSql } from '../catalog/postgres/pg-sql.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import { EventHub } from './event-hub.js';
import { FrameImageCache } from './frame-images.js';
import type { OpenWorkspaceOptions, WorkbenchServices } from './services.js';

/**
 * A stand-in for the SQLite handle on a PostgreSQL catalog: a handler that still reads `services.db`
 * answers `POSTGRES_UNSUPPORTED`, naming the catalog, rather than touching a SQLite file nobody chose.
 */
function noSqlite(url: string): SqliteDatabase {
  return new Proxy({} as SqliteDatabase, {
    get(_target, key) {
      throw new InputError(
        'POSTGRES_UNSUPPORTED',
        `this needs a SQLite catalog; the workspace serves the PostgreSQL catalog ${redacted(url)} ` +
          `(not yet available there: ${String(key) === 'prepare' ? 'this view' : String(key)})`,
      );
    },
  });
}

/**
 * The services of a workspace folder whose catalog is a PostgreSQL + Q3C server (`owb serve --db postgres://…`):
 * the handlers of the review views (frames, sources, objects, cone search, light curves, curation and labels)
 * read and write it through `sql`; pixels still come from the frames' files. The catalog must have been
 * migrated (`owb db migrate --db URL`): a `PostgresCatalogError` names the URL otherwise. Events of other
 * processes' jobs are not polled on this backend yet.
 */
export async function openPostgresWorkspace(
  dir: string,
  url: string,
  options: Pick<OpenWorkspaceOptions, 'version'> = {},
): Promise<WorkbenchServices> {
  const pool = await openCatalogPool(url, 8);
  const root = resolve(dir);
  try {
    makeDirs(root);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const services: WorkbenchServices = {
    root,
    version: options.version ?? '0.0.0',
    catalogPath: redacted(url),
    db: noSqlite(url),
    sql: pgSql(pool),
    images: new FrameImageCache(4),
    events: new EventHub(),
    synthRuns: new Map(),
    watch: null,
    synth: null,
    close() {
      for (const cleanUp of services.atClose?.splice(0) ?? []) {
        try {
          void Promise.resolve(cleanUp()).catch(() => undefined);
        } catch {
          // A failing clean-up must not keep the pool open.
        }
      }
      void pool.end().catch(() => undefined);
    },
  };
  return services;
}
