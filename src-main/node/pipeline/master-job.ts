import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { buildMasters } from '../calibrate/masters.js';
import type { JobCommitSummary, LeasedJob } from '../jobs/index.js';
import { JobFailure } from './job-failure.js';
import { makeMasterBuildDir, removeMasterBuild } from './master-build.js';
import { inputsHash, masterById, masterInputPaths, sameSizeMaster } from './masters.js';
import type { Profile } from './profile.js';

/**
 * Where masters are written: `outputs.dir/masters`, else `masters/` beside the catalog file. A relative
 * `outputs.dir` (a profile given as data rather than loaded from a file, which resolves its own) is taken
 * relative to the workspace, the catalog's folder, never to the process's working directory.
 */
export function mastersDir(catalog: Catalog, profile: Profile): string {
  const name = catalog.db.name;
  const workspace = name && name !== ':memory:' ? dirname(resolve(name)) : null;
  if (profile.outputs.dir) {
    if (isAbsolute(profile.outputs.dir)) return join(profile.outputs.dir, 'masters');
    return join(workspace ?? join(tmpdir(), 'owb-outputs'), profile.outputs.dir, 'masters');
  }
  return workspace ? join(workspace, 'masters') : join(tmpdir(), 'owb-masters');
}

/**
 * Rebuilds one master from its current inputs with the calibration engine (`node/calibrate`): darks on the
 * bias of the same size, flats on bias and dark. The commit records the file and marks the master ready,
 * unless its identity (`inputsHash`: its inputs and those of the masters under it) changed meanwhile: then
 * the rebuild queued by that change takes over and this build's folder is removed. Each build attempt is
 * written to a folder of its own (`makeMasterBuildDir`). `build` is the calibration engine [buildMasters].
 */
export async function runBuildMaster(
  catalog: Catalog,
  profile: Profile,
  job: LeasedJob,
  build: typeof buildMasters = buildMasters,
): Promise<() => JobCommitSummary> {
  if (job.masterId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} names no master`, false);
  const db = catalog.db;
  const master = masterById(db, job.masterId);
  if (!master) throw new JobFailure('JOB_INVALID', `job ${job.id}: master ${job.masterId} is gone`, false);
  const hashAtStart = inputsHash(db, master.id);
  const sameSize = (kind: string) => sameSizeMaster(db, kind, master.width, master.height);
  const inputs = (id: number | undefined) =>
    id === undefined ? [] : masterInputPaths(db, id).filter((p) => existsSync(p));
  const own = masterInputPaths(db, master.id).filter((p) => existsSync(p));
  if (own.length === 0)
    throw new JobFailure(
      'NO_FRAMES',
      `master ${master.id} (${master.kind}): none of its input files exists any more`,
      false,
    );
  const bias = master.kind === 'bias' ? own : inputs(sameSize('bias'));
  const darks = master.kind === 'dark' ? own : master.kind === 'flat' ? inputs(sameSize('dark')) : [];
  const flats = master.kind === 'flat' ? own : [];
  const outDir = makeMasterBuildDir(mastersDir(catalog, profile), master, job);
  const written = await build({ bias, darks, flats, outDir });
  const result = written.find((w) => w.kind === master.kind);
  if (!result)
    throw new JobFailure(
      'MASTER_FAILED',
      `master ${master.id} (${master.kind}): the calibration engine wrote no ${master.kind}`,
      false,
    );
  return () => {
    // Inputs that changed meanwhile queued a newer build, which records its own result.
    const superseded = inputsHash(db, master.id) !== hashAtStart;
    if (superseded) removeMasterBuild(outDir, written);
    else
      db.prepare(`UPDATE masters SET path = ?, status = 'ready', built_at = ? WHERE id = ?`).run(
        result.path,
        Date.now(),
        master.id,
      );
    return { masterId: master.id, kind: master.kind, path: result.path, inputs: own.length, superseded };
  };
}
