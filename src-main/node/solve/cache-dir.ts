import { join } from 'node:path';
import { defaultWorkspaceDir } from '../paths/default-workspace.js';

/**
 * The plate solver's cache folder (structures derived from the index files, see
 * src-workers/io/solve-cache.ts): `cache/plate-solve` in the workspace `workspaceDir` [the per-user default
 * workspace, `OWB_WORKSPACE` when set]. Never beside the catalog file: a catalog given with `--db` may
 * live anywhere, and nothing is written outside the workspace that the user did not name.
 */
export function solveCacheDir(workspaceDir?: string): string {
  return join(workspaceDir ?? defaultWorkspaceDir(), 'cache', 'plate-solve');
}
