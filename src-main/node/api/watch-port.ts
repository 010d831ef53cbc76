import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import type { WatchedFolder } from '../../common/workbench-dto.js';
import { Catalog } from '../catalog/index.js';
import { defaultProfile, loadProfile, type Profile } from '../pipeline/profile.js';
import type { SqliteDatabase } from '../catalog/database.js';
import { WatchService } from '../watch/index.js';
import type { WatchPort } from './pipeline.js';

/**
 * Watched folders of a workspace as the UI manages them: the list is kept in `DIR/watched-folders.json`,
 * and each active folder runs a `node/watch` WatchService (watcher → ingester → jobs on the worker pool)
 * inside the serving process. Pausing stops a folder's service; the catalog's job leases keep several
 * services safe on one queue.
 */
export class WorkspaceWatchPort implements WatchPort {
  private folders: WatchedFolder[] = [];
  private readonly running = new Map<number, WatchService>();
  private readonly catalog: Catalog;
  private readonly file: string;

  constructor(
    private readonly root: string,
    db: SqliteDatabase,
    private readonly threads = 1,
  ) {
    this.catalog = new Catalog(db);
    this.file = join(root, 'watched-folders.json');
    if (existsSync(this.file)) {
      try {
        this.folders = JSON.parse(readFileSync(this.file, 'utf8')) as WatchedFolder[];
      } catch {
        this.folders = [];
      }
    }
    for (const f of this.folders) if (!f.paused) this.startFolder(f);
  }

  list(): WatchedFolder[] {
    return this.folders.map((f) => ({ ...f }));
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

  add(path: string, profileName: string): WatchedFolder {
    const abs = resolve(this.root, path);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new InputError('NOT_A_FOLDER', `${abs}: not an existing folder`);
    if (this.folders.some((f) => f.path === abs)) throw new InputError('ALREADY_WATCHED', `${abs} is already watched`);
    this.profile(profileName);
    const folder: WatchedFolder = {
      id: Math.max(0, ...this.folders.map((f) => f.id)) + 1,
      path: abs,
      profile: profileName,
      paused: false,
    };
    this.folders.push(folder);
    this.save();
    this.startFolder(folder);
    return { ...folder };
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
    return { ...folder };
  }

  /** Per folder: paused, and whether its service is running (for `/health`). */
  status(): Array<{ path: string; paused: boolean; running: boolean }> {
    return this.folders.map((f) => ({ path: f.path, paused: f.paused, running: this.running.has(f.id) }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }

  private profile(name: string): Profile {
    if (name === 'default') return defaultProfile();
    const base = join(this.root, 'profiles', name);
    const path = ['.yaml', '.yml'].map((e) => base + e).find(existsSync);
    if (!path) throw new InputError('UNKNOWN_PROFILE', `profile '${name}' not found in ${join(this.root, 'profiles')}`);
    return loadProfile(path);
  }

  private startFolder(folder: WatchedFolder): void {
    if (this.running.has(folder.id)) return;
    const service = new WatchService({
      catalog: this.catalog,
      dirs: [folder.path],
      profile: this.profile(folder.profile),
      threads: this.threads,
    });
    this.running.set(folder.id, service);
    void service.start().catch(() => this.running.delete(folder.id));
  }

  private stopFolder(id: number): void {
    const service = this.running.get(id);
    this.running.delete(id);
    void service?.stop();
  }

  private save(): void {
    void writeFile(this.file, `${JSON.stringify(this.folders, null, 2)}\n`);
  }
}
