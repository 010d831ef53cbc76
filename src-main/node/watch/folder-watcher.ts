import { opendir, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { errorMessage } from '../../common/file-errors.js';
import { isHiddenOrTemporary, wantsFile } from './file-filter.js';

/** How one watched folder is doing: `failed` carries the reason; the other folders keep running. */
export interface FolderStatus {
  path: string;
  state: 'ok' | 'failed';
  /** Why the folder failed (folder gone, permission denied, symbolic-link loop, …), else null. */
  reason: string | null;
  /** Sub-folders the start-up scan could not read (the rest of the folder was scanned). */
  unreadable: string[];
}

/** How often the watched roots are checked for having gone away (deleted, unmounted) [ms]. */
const ROOT_CHECK_MS = 2000;

/**
 * Watches folders (recursively) and hands every wanted file to `onFile`: once by a start-up scan (files
 * that arrived while the workbench was not running) and then on each add or change event.
 *
 * The file system is hostile and nothing it does may stop the service: every watcher `error` (a symbolic
 * link loop, permission denied) and a root that disappears (deleted, an unmounted network share) marks
 * that folder failed with the reason (see `status()`), and the other folders keep going. A root that comes
 * back is watched and scanned again.
 */
export class FolderWatcher {
  private watcher: FSWatcher | undefined;
  private rootTimer: NodeJS.Timeout | undefined;
  readonly roots: string[];
  private readonly states = new Map<string, FolderStatus>();

  constructor(
    dirs: readonly string[],
    private readonly patterns: readonly string[],
    private readonly onFile: (path: string) => void,
    private readonly onDidFail: (status: FolderStatus) => void = () => {},
  ) {
    this.roots = dirs.map((d) => resolve(d));
    for (const path of this.roots) this.states.set(path, { path, state: 'ok', reason: null, unreadable: [] });
  }

  /** Per watched folder: ok or failed, with the reason. */
  status(): FolderStatus[] {
    return this.roots.map((r) => {
      const s = this.states.get(r) as FolderStatus;
      return { ...s, unreadable: [...s.unreadable] };
    });
  }

  /**
   * Walks every folder once, submitting the wanted files. Returns how many were found. A folder that
   * cannot be read is marked failed; an unreadable sub-folder is listed in `unreadable` and skipped.
   */
  async scan(): Promise<number> {
    let n = 0;
    for (const root of this.roots) n += await this.scanRoot(root);
    return n;
  }

  private async scanRoot(root: string): Promise<number> {
    let n = 0;
    const status = this.states.get(root) as FolderStatus;
    status.unreadable = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (dir === root) throw error;
        status.unreadable.push(`${relative(root, dir)}: ${errorMessage(error)}`);
        return;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (isHiddenOrTemporary(path, root)) continue;
        // Symbolic links are not followed by the scan, so a link loop (`loop -> .`) cannot recurse.
        if (e.isDirectory()) await walk(path);
        else if (e.isFile() && wantsFile(path, this.patterns, root)) {
          this.onFile(path);
          n++;
        }
      }
    };
    try {
      await walk(root);
    } catch (error) {
      this.fail(root, errorMessage(error));
    }
    return n;
  }

  /** Starts listening for new and changed files. Resolves once the watcher is ready; never rejects. */
  async watch(): Promise<void> {
    const live: string[] = [];
    for (const root of this.roots) {
      const problem = await rootProblem(root);
      if (problem) this.fail(root, problem);
      else live.push(root);
    }
    this.watcher = watch(live, {
      ignoreInitial: true,
      persistent: true,
      ignored: (path: string) => isHiddenOrTemporary(path, this.rootOf(path)),
    });
    const handle = (path: string): void => {
      if (wantsFile(path, this.patterns, this.rootOf(path))) this.onFile(path);
    };
    this.watcher.on('add', handle);
    this.watcher.on('change', handle);
    // Without a listener an `error` event is thrown and kills the process (issue 25: `loop -> .`).
    this.watcher.on('error', (error: unknown) => {
      const path = (error as { path?: string }).path;
      const root = path ? this.rootOf(path) : '';
      const reason = watcherReason(error, root);
      for (const r of root ? [root] : this.roots) this.fail(r, reason);
    });
    this.rootTimer = setInterval(() => void this.checkRoots(), ROOT_CHECK_MS);
    this.rootTimer.unref();
    // Chokidar says `ready` only once it watches something: with every root failed there is nothing to wait for.
    if (live.length > 0) await new Promise<void>((resolveReady) => this.watcher?.once('ready', () => resolveReady()));
  }

  /** Marks roots that went away as failed, and watches and rescans those that came back. */
  private async checkRoots(): Promise<void> {
    for (const root of this.roots) {
      const status = this.states.get(root) as FolderStatus;
      const problem = await rootProblem(root);
      if (problem && status.state === 'ok') this.fail(root, problem);
      else if (!problem && status.state === 'failed' && status.reason === goneReason(root)) {
        status.state = 'ok';
        status.reason = null;
        this.watcher?.add(root);
        await this.scanRoot(root);
      }
    }
  }

  private fail(root: string, reason: string): void {
    const status = this.states.get(root);
    if (!status) return;
    // A root that disappeared says so in one reason, whatever the watcher reported meanwhile.
    if (status.state === 'failed' && status.reason === goneReason(root)) return;
    status.state = 'failed';
    status.reason = reason;
    this.onDidFail({ ...status, unreadable: [...status.unreadable] });
  }

  private rootOf(path: string): string {
    return this.roots.find((r) => path === r || path.startsWith(r + sep)) ?? '';
  }

  async close(): Promise<void> {
    if (this.rootTimer) clearInterval(this.rootTimer);
    this.rootTimer = undefined;
    await this.watcher?.close();
    this.watcher = undefined;
  }
}

/** Why `root` cannot be watched (missing, not a folder, no access), or undefined when it can. */
async function rootProblem(root: string): Promise<string | undefined> {
  try {
    const info = await stat(root);
    if (!info.isDirectory()) return `${root}: not a folder`;
    // Opening the folder checks that it can be read without listing it (it may hold 100 000 files).
    await (await opendir(root)).close();
    return undefined;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ESTALE' || code === 'ENODEV' || code === 'EIO')
      return goneReason(root);
    return errorMessage(error);
  }
}

/**
 * A watcher error in a user's words. Chokidar follows a `loop -> .` link some forty levels before the
 * system says ELOOP: the path is said once (`loop`), not forty times.
 */
function watcherReason(error: unknown, root: string): string {
  const e = error as { code?: string; path?: string };
  if (e.code === 'ELOOP' && e.path && root) {
    const segments = relative(root, e.path).split(sep);
    const collapsed = segments.filter((s, i) => i === 0 || s !== segments[i - 1]).join(sep);
    return `${root}: a symbolic-link loop at ${collapsed} (too many symbolic links); the rest is watched`;
  }
  return errorMessage(error);
}

function goneReason(root: string): string {
  return `${root}: the folder was deleted or is no longer reachable`;
}
