import { CatalogLocationError, parseCatalogLocation, type CatalogLocation } from '../node/catalog/catalog-location.js';
import { UsageError } from './cli-errors.js';

/**
 * The catalog a command was pointed at: `--db`, else the `OWB_DB` environment variable; `undefined` when
 * neither is given. A value that is neither a SQLite path, `file:` nor `postgres://` is a `UsageError` (exit 2).
 */
export function catalogOption(command: string, raw: string | undefined): CatalogLocation | undefined {
  const text = raw ?? (process.env.OWB_DB || undefined);
  if (text === undefined) return undefined;
  try {
    return parseCatalogLocation(text);
  } catch (error) {
    if (error instanceof CatalogLocationError) throw new UsageError(`${command}: --db ${error.message}`);
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
