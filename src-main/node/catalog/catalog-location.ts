import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where a catalog lives: an embedded SQLite file, or a PostgreSQL server (with Q3C). */
export type CatalogLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** A `--db` / `OWB_DB` value that names no catalog this workbench can open. */
export class CatalogLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogLocationError';
  }
}

// A URL scheme (RFC 3986 §3.1) of two or more characters: one letter followed by ':' is a Windows drive.
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Reads a catalog location: a SQLite file path (`night.db`, `/data/catalog.db`, `:memory:`), a `file:` URL
 * (`file:night.db`, `file:///data/catalog.db`), or `postgres://…` / `postgresql://…`. Any other URL scheme
 * is an error rather than a file name: `mysql://host/db` must not quietly create `mysql:/host/db` on disk.
 * A file whose name really contains a colon is written `./name:with:colon.db` or `file:name:with:colon.db`.
 */
export function parseCatalogLocation(text: string): CatalogLocation {
  if (text.trim() === '')
    throw new CatalogLocationError('catalog location is empty (give a SQLite file or postgres://…)');
  const scheme = SCHEME.exec(text)?.[1].toLowerCase();
  if (scheme === undefined) return { kind: 'sqlite', path: text };
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new CatalogLocationError(`${text}: not a valid PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)`);
    }
    if (!url.hostname && !url.searchParams.get('host'))
      throw new CatalogLocationError(`${text}: PostgreSQL URL names no host (postgres://USER@HOST:PORT/DATABASE)`);
    return { kind: 'postgres', url: text };
  }
  if (scheme === 'file') {
    const rest = text.slice(5);
    if (rest.includes('?') || rest.includes('#'))
      throw new CatalogLocationError(`${text}: file: URLs with a query or fragment are not supported`);
    let path: string;
    if (rest.startsWith('//')) {
      try {
        path = fileURLToPath(text);
      } catch (error) {
        throw new CatalogLocationError(`${text}: not a valid file: URL (${(error as Error).message})`);
      }
    } else {
      try {
        path = decodeURIComponent(rest);
      } catch {
        throw new CatalogLocationError(`${text}: not a valid file: URL (bad %-escape)`);
      }
    }
    if (path === '') throw new CatalogLocationError(`${text}: file: URL names no file`);
    return { kind: 'sqlite', path };
  }
  throw new CatalogLocationError(
    `${text}: unsupported catalog URL scheme '${scheme}:' (give a SQLite file path, file:PATH, or postgres://…; ` +
      `write ./${text} for a file whose name has a colon)`,
  );
}

/** The SQLite file of a location, or a `CatalogLocationError` naming `what` for a PostgreSQL one. */
export function sqlitePathOf(text: string, what = 'this command'): string {
  const location = parseCatalogLocation(text);
  if (location.kind === 'sqlite') return location.path;
  throw new CatalogLocationError(
    `${text}: ${what} works on a SQLite catalog only so far; PostgreSQL catalogs are reached by 'owb db migrate'`,
  );
}

/** The settings file of a workspace folder (`owb demo` writes one). */
export const WORKSPACE_FILE = 'workspace.json';

/**
 * The catalog a workspace folder names in its `workspace.json` (`"catalog": "catalog.db"` or
 * `"catalog": "postgres://…"`), undefined when the folder has no such file or it names no catalog. A
 * relative SQLite path is relative to the workspace folder. An unreadable file or a bad value is a
 * `CatalogLocationError` naming the file.
 */
export function workspaceCatalog(dir: string): CatalogLocation | undefined {
  const file = join(dir, WORKSPACE_FILE);
  if (!existsSync(file)) return undefined;
  let settings: unknown;
  try {
    settings = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CatalogLocationError(`${file}: not a readable JSON workspace file (${(error as Error).message})`);
  }
  const catalog = (settings as { catalog?: unknown } | null)?.catalog;
  if (catalog === undefined) return undefined;
  if (typeof catalog !== 'string')
    throw new CatalogLocationError(
      `${file}: 'catalog' must be a SQLite file or a postgres:// URL, got ${JSON.stringify(catalog)}`,
    );
  let location: CatalogLocation;
  try {
    location = parseCatalogLocation(catalog);
  } catch (error) {
    throw new CatalogLocationError(`${file}: catalog: ${(error as Error).message}`);
  }
  return location.kind === 'sqlite' && location.path !== ':memory:' && !isAbsolute(location.path)
    ? { kind: 'sqlite', path: join(dir, location.path) }
    : location;
}
