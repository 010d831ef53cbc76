/**
 * `mkdir -p` that always returns. Node's `mkdirSync(path, { recursive: true })` spins forever when a
 * folder's parent exists but the folder still cannot be created with ENOENT: a path under /proc or
 * /sys, a link to nothing, a stale mount (the same loop as oven-sh/bun#36162). Here each missing folder
 * is created once, from the deepest existing one down, and such a path gets an error naming it.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.js';

/** Creates `path` and its missing parents; a folder already there is fine. */
export function makeDirs(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  for (let dir = target; !existsSync(dir);) {
    missing.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // A file where the folder should be: mkdir's own EEXIST names it.
  if (missing.length === 0 && !statSync(target).isDirectory()) mkdirSync(target);
  for (const dir of missing.reverse()) makeOne(dir);
}

function makeOne(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') {
      let folder: boolean;
      try {
        folder = statSync(dir).isDirectory();
      } catch {
        // lstat sees an entry that stat cannot follow.
        throw new InputError('CANNOT_CREATE_FOLDER', `${dir}: cannot create this folder: it is a link to nothing`);
      }
      // Made meanwhile by another writer.
      if (folder) return;
    }
    if (code === 'ENOENT')
      throw new InputError(
        'CANNOT_CREATE_FOLDER',
        `${dir}: cannot create this folder: ${dirname(dir)} cannot hold folders (a link to nothing, a stale mount, or a virtual file system such as /proc)`,
      );
    throw error;
  }
}
