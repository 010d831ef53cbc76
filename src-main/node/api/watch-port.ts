import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { errorMessage } from '../../common/file-errors.js';
import type { WatchedFolder } from '../../common/workbench-dto.js';
import { Catalog } from '../catalog/index.js';
import { isInsideFolder, profileFile, workspacePath, workspaceRealRoot } from '../paths/workspace-path.js';
import { defaultProfile, loadProfile, type Profile } from '../pipeline/profile.js';
import type { SqliteDatabase } from '../catalog/database.js';
import { WatchService } from '../watch/index.js';
import type { WatchPort } from './pipeline.js';

/** What `watched-folders.json` keeps of a folder (its live state is not stored). */
type StoredFolder = Pick<WatchedFolder, 'id' | 'path' | 'profile' | 'paused' | 'outsideWorkspace'>;

/**
 * Watched folders of a workspace as the UI manages them: the list is kept in `DIR/watched-folders.json`,
 * and each active folder runs a `node/watch` WatchService (watcher → ingester → jobs on the worker pool)
 * inside the serving process. Pausing stops a folder's service; the catalog's job leases keep several
 * services safe on one queue.
 *
 * A folder that cannot be watched (gone, unreadable, a symbolic-link loop, a profile that no longer
 * loads) is marked failed with the reason in `list()` and never stops the others, nor the service, from
 * starting. Folders and profiles follow the workspace path policy (`node/paths`): a folder outside the
 * workspace only with `allowOutside` (stored as such; nothing is ever written there), profiles only from
 * `DIR/profiles/`, and their output folders inside the workspace.
 */
export class WorkspaceWatchPort implements WatchPort {
  private folders: StoredFolder[] = [];
  private readonly running = new Map<number, WatchService>();
  /** Why a folder's service could not start, by folder id. */
  private readonly startProblems = new Map<number, string>();
  private readonly catalog: Catalog;
  private readonly file: string;

  constructor(
    private readonly root: string,
    db: SqliteDatabase,
    private readonly threads = 1,
  ) {
    this.catalog = new Catalog(db);
    this.file = join(root, 'watched-folders.json');
    this.folders = readStoredFolders(this.file);
    for (const f of this.folders) if (!f.paused) this.startFolder(f);
  }

  list(): WatchedFolder[] {
    return this.folders.map((f) => ({ ...f, ...this.liveState(f) }));
  }

  profiles(): string[] {
    const dir = join(this.root, 'profiles');
    const names = existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => /\.ya?ml$/.test(n))
          .map((n) => n.replace(/\.ya?ml$/, ''))
      : [];
    return ['default', ...names.sort()];
  }

  add(path: string, profileName: string, options: { allowOutside?: boolean } = {}): WatchedFolder {
    const abs = this.folderPath(path, options.allowOutside === true);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new InputError('NOT_A_FOLDER', `${abs}: not an existing folder`);
    if (this.folders.some((f) => f.path === abs)) throw new InputError('ALREADY_WATCHED', `${abs} is already watched`);
    this.profile(profileName);
    const outside = !isInsideFolder(workspaceRealRoot(this.root), abs);
    const folder: StoredFolder = {
      id: Math.max(0, ...this.folders.map((f) => f.id)) + 1,
      path: abs,
      profile: profileName,
      paused: false,
      ...(outside ? { outsideWorkspace: true } : {}),
    };
    this.folders.push(folder);
    this.save();
    this.startFolder(folder);
    return { ...folder, ...this.liveState(folder) };
  }

  remove(id: number): boolean {
    const at = this.folders.findIndex((f) => f.id === id);
    if (at < 0) return false;
    this.stopFolder(id);
    this.folders.splice(at, 1);
    this.save();
    return true;
  }

  setPaused(id: number, paused: boolean): WatchedFolder {
    const folder = this.folders.find((f) => f.id === id);
    if (!folder) throw new InputError('NOT_FOUND', `watched folder ${id} does not exist`);
    folder.paused = paused;
    if (paused) this.stopFolder(id);
    else this.startFolder(folder);
    this.save();
    return { ...folder, ...this.liveState(folder) };
  }

  /** Per folder: paused, and whether its service is running (for `/health`). */
  status(): Array<{ path: string; paused: boolean; running: boolean }> {
    return this.folders.map((f) => ({ path: f.path, paused: f.paused, running: this.running.has(f.id) }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }

  /**
   * A folder the UI names: inside the workspace (relative to it), or, when the user confirmed it, any
   * folder (still resolved against the workspace, never the server's working directory).
   */
  private folderPath(path: string, allowOutside: boolean): string {
    if (!allowOutside) {
      try {
        return workspacePath(this.root, path, { what: 'watched folder' });
      } catch (error) {
        if (error instanceof InputError && error.code === 'OUTSIDE_WORKSPACE')
          throw new InputError(
            'OUTSIDE_WORKSPACE',
            `${error.message}; confirm to watch it read-only from outside the workspace`,
          );
        throw error;
      }
    }
    return realPathOr(resolve(workspaceRealRoot(this.root), path));
  }

  private profile(name: string): Profile {
    if (name === 'default') return defaultProfile();
    const path = profileFile(this.root, name);
    if (!path) throw new InputError('UNKNOWN_PROFILE', `profile '${name}' not found in ${join(this.root, 'profiles')}`);
    const profile = loadProfile(path);
    // A profile's outputs go inside the workspace (loadProfile resolved them against the profile's folder).
    if (profile.outputs.dir !== null)
      profile.outputs.dir = workspacePath(this.root, profile.outputs.dir, { what: `profile '${name}' outputs.dir` });
    const diff = profile.steps.difference;
    if (diff && diff.reference !== null)
      diff.reference = workspacePath(this.root, diff.reference, {
        what: `profile '${name}' steps.difference.reference`,
      });
    return profile;
  }

  private liveState(folder: StoredFolder): Pick<WatchedFolder, 'state' | 'reason'> {
    if (folder.paused) return { state: 'paused', reason: null };
    const problem = this.startProblems.get(folder.id);
    if (problem) return { state: 'failed', reason: problem };
    const status = this.running.get(folder.id)?.folders()[0];
    return { state: status?.state ?? 'ok', reason: status?.reason ?? null };
  }

  private startFolder(folder: StoredFolder): void {
    if (this.running.has(folder.id)) return;
    this.startProblems.delete(folder.id);
    let service: WatchService;
    try {
      // A folder outside the workspace is watched only when the user confirmed it (a hand-edited list
      // does not count).
      if (!folder.outsideWorkspace && !isInsideFolder(workspaceRealRoot(this.root), realPathOr(folder.path)))
        throw new InputError('OUTSIDE_WORKSPACE', `${folder.path}: outside the workspace and not confirmed`);
      service = new WatchService({
        catalog: this.catalog,
        dirs: [folder.path],
        profile: this.profile(folder.profile),
        threads: this.threads,
        workspaceDir: this.root,
      });
    } catch (error) {
      this.startProblems.set(folder.id, errorMessage(error));
      return;
    }
    this.running.set(folder.id, service);
    void service.start().catch((error: unknown) => {
      this.startProblems.set(folder.id, errorMessage(error));
      this.running.delete(folder.id);
      void service.stop().catch(() => undefined);
    });
  }

  private stopFolder(id: number): void {
    const service = this.running.get(id);
    this.running.delete(id);
    this.startProblems.delete(id);
    void service?.stop().catch(() => undefined);
  }

  private save(): void {
    const stored: StoredFolder[] = this.folders.map(({ id, path, profile, paused, outsideWorkspace }) => ({
      id,
      path,
      profile,
      paused,
      ...(outsideWorkspace ? { outsideWorkspace } : {}),
    }));
    writeFileSync(this.file, `${JSON.stringify(stored, null, 2)}\n`);
  }
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The folders kept in `watched-folders.json`; entries that are not well-formed are left out. */
function readStoredFolders(file: string): StoredFolder[] {
  if (!existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (f): f is StoredFolder =>
      f !== null &&
      typeof f === 'object' &&
      Number.isInteger((f as StoredFolder).id) &&
      typeof (f as StoredFolder).path === 'string' &&
      typeof (f as StoredFolder).profile === 'string' &&
      typeof (f as StoredFolder).paused === 'boolean',
  );
}
