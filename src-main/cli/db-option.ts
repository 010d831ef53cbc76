import {
  CatalogLocationError,
  parseCatalogLocation,
  workspaceCatalog,
  type CatalogLocation,
} from '../node/catalog/catalog-location.js';
import { UsageError } from './cli-errors.js';

/**
 * The catalog a command was pointed at: `--db`, else the `OWB_DB` environment variable, else the `catalog`
 * of the workspace's `workspace.json` (the folder `$OWB_WORKSPACE`, else the working directory); `undefined`
 * when none is given. A value that is neither a SQLite path, `file:` nor `postgres://` is a `UsageError` (exit 2).
 */
export function catalogOption(command: string, raw: string | undefined): CatalogLocation | undefined {
  const text = raw ?? (process.env.OWB_DB || undefined);
  try {
    if (text === undefined) return workspaceCatalog(process.env.OWB_WORKSPACE || process.cwd());
    return parseCatalogLocation(text);
  } catch (error) {
    if (error instanceof CatalogLocationError)
      throw new UsageError(`${command}: ${text === undefined ? '' : '--db '}${error.message}`);
    throw error;
  }
}

/**
 * The SQLite file of `--db` / `OWB_DB` for commands that have no PostgreSQL backend yet: `undefined` when
 * neither is given, a `UsageError` for a PostgreSQL URL or an unsupported scheme.
 */
export function sqliteOption(command: string, raw: string | undefined): string | undefined {
  const location = catalogOption(command, raw);
  if (location === undefined || location.kind === 'sqlite') return location?.path;
  throw new UsageError(
    `${command}: --db ${location.url}: PostgreSQL catalogs are not supported by 'owb ${command}' yet ` +
      `(give a SQLite file; 'owb db migrate' takes PostgreSQL URLs)`,
  );
}
