import { mkdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { makeDirs } from '../../../src-workers/io/make-dirs.js';
import type { MasterWritten } from '../calibrate/masters.js';
import type { LeasedJob } from '../jobs/index.js';

/**
 * A folder of its own for one build attempt of a master, shared by both catalogs:
 * `MASTERS/KIND-ID/build-JOB.ATTEMPT/`, created here and empty. Two builds of one master in flight (in one
 * process or several) then never write the same file, so a build of older inputs that finishes last cannot
 * overwrite the file the catalog records. A folder of that name already there (left by a cancelled attempt,
 * which is leased again with the same attempt number, or by another catalog writing to the same outputs) is
 * not ours to reuse: the next free `build-JOB.ATTEMPT-N` is taken instead.
 */
export function makeMasterBuildDir(
  mastersDir: string,
  master: { kind: string; id: number },
  job: Pick<LeasedJob, 'id' | 'attempt'>,
): string {
  const base = join(mastersDir, `${master.kind}-${master.id}`, `build-${job.id}.${job.attempt}`);
  makeDirs(dirname(base));
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST' || n >= 1000) throw error;
    }
  }
}

/**
 * Removes what a superseded build wrote: the files `written` names inside `buildDir` (the folder
 * `makeMasterBuildDir` made for it), then the folder if that left it empty. Nothing else is deleted: a file
 * someone else put there keeps the folder. Best effort: it runs in the job's commit, and a folder that stays
 * behind (unreadable, say) costs only disk, so it never fails the commit.
 */
export function removeMasterBuild(buildDir: string, written: readonly MasterWritten[]): void {
  for (const w of written) {
    const rel = relative(buildDir, w.path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    try {
      unlinkSync(w.path);
    } catch {
      // Gone already, or not ours to remove after all: leave it.
    }
  }
  try {
    rmdirSync(buildDir);
  } catch {
    // Not empty (someone else's file) or gone: leave it.
  }
}
