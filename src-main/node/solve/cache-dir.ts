import { dirname, join, resolve } from 'node:path';
import { defaultWorkspaceDir } from '../paths/default-workspace.js';

/**
 * The plate solver's cache folder (structures derived from the index files, see
 * src-workers/io/solve-cache.ts): `cache/plate-solve` in the workspace, the folder of the catalog file
 * `dbName`; for an in-memory catalog, or with none (`owb solve`), in the per-user default workspace
 * (`OWB_WORKSPACE` when set).
 */
export function solveCacheDir(dbName?: string): string {
  const workspace = dbName && dbName !== ':memory:' ? dirname(resolve(dbName)) : defaultWorkspaceDir();
  return join(workspace, 'cache', 'plate-solve');
}
