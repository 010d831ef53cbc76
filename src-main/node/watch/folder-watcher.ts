import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isHiddenOrTemporary, wantsFile } from './file-filter.js';

/**
 * Watches folders (recursively) and hands every wanted file to `onFile`: once by a start-up scan (files
 * that arrived while the workbench was not running) and then on each add or change event.
 */
export class FolderWatcher {
  private watcher: FSWatcher | undefined;
  readonly roots: string[];

  constructor(
    dirs: readonly string[],
    private readonly patterns: readonly string[],
    private readonly onFile: (path: string) => void,
  ) {
    this.roots = dirs.map((d) => resolve(d));
  }

  /** Walks every folder once, submitting the wanted files. Returns how many were found. */
  async scan(): Promise<number> {
    let n = 0;
    const walk = async (dir: string, root: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const e of entries) {
        const path = join(dir, e.name);
        if (isHiddenOrTemporary(path, root)) continue;
        if (e.isDirectory()) await walk(path, root);
        else if (e.isFile() && wantsFile(path, this.patterns, root)) {
          this.onFile(path);
          n++;
        }
      }
    };
    for (const root of this.roots) await walk(root, root);
    return n;
  }

  /** Starts listening for new and changed files. Resolves once the watcher is ready. */
  async watch(): Promise<void> {
    const rootOf = (path: string): string => this.roots.find((r) => path.startsWith(r)) ?? '';
    this.watcher = watch(this.roots, {
      ignoreInitial: true,
      persistent: true,
      ignored: (path: string) => isHiddenOrTemporary(path, rootOf(path)),
    });
    const handle = (path: string): void => {
      if (wantsFile(path, this.patterns, rootOf(path))) this.onFile(path);
    };
    this.watcher.on('add', handle);
    this.watcher.on('change', handle);
    await new Promise<void>((resolveReady) => this.watcher?.once('ready', () => resolveReady()));
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
  }
}
