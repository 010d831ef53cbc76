import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 under Electron's ABI without touching the Node build the CLI and tests use
 * (ARCHITECTURE.md § Database). One install holds two binaries:
 *   node_modules/better-sqlite3/build/Release/better_sqlite3.node       ← Node's ABI (npm install)
 *   node_modules/.cache/owb-electron-native/better_sqlite3-abi<N>.node   ← Electron's ABI (git-ignored), made by
 *     `node bin/start.js --prepare-native` (prebuild-install for Electron, else node-gyp against
 *     Electron's headers) in a private copy of the package — never in postinstall.
 * A packaged app needs neither: electron-builder rebuilds its own copy for Electron (npmRebuild).
 * At start the main process redirects the addon load to the Electron build when it exists.
 */
export function electronSqliteBinding(root: string, abi = process.versions.modules): string {
  // Fixed by the install, never by the environment: a variable naming the addon would let whoever sets it
  // load any native code into the main process.
  return join(root, 'node_modules', '.cache', 'owb-electron-native', `better_sqlite3-abi${abi}.node`);
}

/** Redirects `better_sqlite3.node` loads to `binding` (when it exists). Returns whether it did. */
export function useElectronSqlite(binding: string): boolean {
  if (!existsSync(binding)) return false;
  type DlopenFn = (module: { exports: unknown }, filename: string, flags?: number) => void;
  const original = process.dlopen as unknown as DlopenFn;
  const redirected: DlopenFn = (module, filename, ...flags) =>
    // Forward `flags` only when given: an explicit `undefined` is an invalid dlopen mode.
    original.call(
      process,
      module,
      filename.endsWith('better_sqlite3.node') ? binding : filename,
      ...(flags as [number?]),
    );
  (process as unknown as { dlopen: DlopenFn }).dlopen = redirected;
  return true;
}
