import { join, resolve } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../catalog/database.js';
import { sqliteSql, type CatalogSql } from '../catalog/catalog-sql.js';
import { EventHub } from './event-hub.js';
import { FrameImageCache } from './frame-images.js';
import { JobPoller } from './job-poller.js';
import type { WatchPort } from './pipeline.js';
import type { SynthPort } from './datasets.js';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';

/**
 * Everything the API handlers reach: the workspace's catalog database (owned and migrated by
 * `node/catalog`), the decoded-frame cache and the event hub. One instance per open workspace,
 * shared by `owb serve` and the Electron main process.
 */
export interface WorkbenchServices {
  root: string;
  /** The workbench version shown in the UI. */
  version: string;
  catalogPath: string;
  /**
   * The SQLite catalog. On a PostgreSQL catalog (`openPostgresWorkspace`) every use throws an `InputError`
   * (`POSTGRES_UNSUPPORTED`), so a handler not yet written against `sql` says so instead of failing oddly.
   */
  db: SqliteDatabase;
  /** The catalog's tables on either engine: the handlers the review views call go through it. */
  sql: CatalogSql;
  images: FrameImageCache;
  events: EventHub;
  /** Runs of the synthetic-dataset generator started from the UI, by id. */
  synthRuns: Map<string, import('../../common/workbench-dto.js').SynthRunStatus>;
  /** Watched folders (from `node/watch`), when that service is available. */
  watch: WatchPort | null;
  /** The synthetic-dataset generator, when available. */
  synth: SynthPort | null;
  /** Clean-ups of services started on demand (the SAMP link and hub), run by `close` before the catalog closes. */
  atClose?: Array<() => unknown>;
  close(): void;
}

export interface OpenWorkspaceOptions {
  /** Poll the catalog for job and source changes made by other processes [true]. */
  pollChanges?: boolean;
  pollIntervalMs?: number;
  version?: string;
  /** The SQLite catalog file [DIR/catalog.db]. */
  catalogPath?: string;
}

/** Opens `DIR/catalog.db` (creating an empty catalog when the folder has none). */
export function openWorkspace(dir: string, options: OpenWorkspaceOptions = {}): WorkbenchServices {
  const root = resolve(dir);
  makeDirs(root);
  const catalogPath = options.catalogPath ? resolve(options.catalogPath) : join(root, 'catalog.db');
  const db = openDatabase(catalogPath);
  const events = new EventHub();
  const poller = options.pollChanges === false ? null : new JobPoller(db, events, options.pollIntervalMs ?? 500);
  poller?.start();
  const services: WorkbenchServices = {
    root,
    version: options.version ?? '0.0.0',
    catalogPath,
    db,
    sql: sqliteSql(db),
    images: new FrameImageCache(4),
    events,
    synthRuns: new Map(),
    watch: null,
    synth: null,
    close() {
      for (const cleanUp of services.atClose?.splice(0) ?? []) {
        try {
          void Promise.resolve(cleanUp()).catch(() => undefined);
        } catch {
          // A failing clean-up must not keep the catalog open.
        }
      }
      poller?.stop();
      db.close();
    },
  };
  return services;
}
