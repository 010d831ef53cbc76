import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type pg from 'pg';
import { buildMasters } from '../calibrate/masters.js';
import type { PgJobCommit } from '../catalog/postgres/job-queue.js';
import type { LeasedJob } from '../jobs/index.js';
import { JobFailure } from './job-failure.js';
import { makeMasterBuildDir, removeMasterBuild } from './master-build.js';
import { lockMasters, pgInputsHash, pgMasterById, pgMasterInputPaths, pgSameSizeMaster } from './pg-masters.js';
import type { Profile } from './profile.js';

/**
 * Where a pipeline on a PostgreSQL catalog writes masters, stacks and difference images (`masters/`,
 * `stacks/`, `diff/` below it): `outputs.dir` (a relative one taken relative to the workspace), else the
 * workspace. A PostgreSQL catalog has no folder of its own; processes on several hosts that share one
 * catalog must share this folder too (an `outputs.dir` on a shared disk), since the catalog records paths.
 */
export function pgOutputsDir(profile: Profile, workspace: string): string {
  const dir = profile.outputs.dir;
  if (!dir) return workspace;
  return isAbsolute(dir) ? dir : join(workspace, dir);
}

/**
 * `runBuildMaster` (master-job.ts) on a PostgreSQL catalog: rebuilds one master from its current inputs with
 * the calibration engine (darks on the bias of the same size, flats on bias and dark); the commit, under the
 * masters lock, records the file and marks the master ready unless its identity (its inputs and those of
 * the masters under it) changed meanwhile (then the rebuild queued by that change takes over, and this
 * build's folder is removed). Each build attempt is written to a folder of its own (`makeMasterBuildDir`:
 * `masters/KIND-ID/build-JOB.ATTEMPT/`). `build` is the calibration engine [buildMasters].
 */
export async function runPgBuildMaster(
  pool: pg.Pool,
  outputsDir: string,
  job: LeasedJob,
  build: typeof buildMasters = buildMasters,
): Promise<PgJobCommit> {
  if (job.masterId === null) throw new JobFailure('JOB_INVALID', `job ${job.id} names no master`, false);
  const master = await pgMasterById(pool, job.masterId);
  if (!master) throw new JobFailure('JOB_INVALID', `job ${job.id}: master ${job.masterId} is gone`, false);
  const hashAtStart = await pgInputsHash(pool, master.id);
  const inputs = async (id: number | undefined) =>
    id === undefined ? [] : (await pgMasterInputPaths(pool, id)).filter((p) => existsSync(p));
  const own = (await pgMasterInputPaths(pool, master.id)).filter((p) => existsSync(p));
  if (own.length === 0)
    throw new JobFailure(
      'NO_FRAMES',
      `master ${master.id} (${master.kind}): none of its input files exists any more`,
      false,
    );
  const sameSize = (kind: string) => pgSameSizeMaster(pool, kind, master.width, master.height);
  const bias = master.kind === 'bias' ? own : await inputs(await sameSize('bias'));
  const darks = master.kind === 'dark' ? own : master.kind === 'flat' ? await inputs(await sameSize('dark')) : [];
  const flats = master.kind === 'flat' ? own : [];
  // One folder per build attempt: a build of older inputs that finishes last (two builds of one master in
  // flight, in one process or several) must not overwrite the file of the build the catalog records.
  const outDir = makeMasterBuildDir(join(outputsDir, 'masters'), master, job);
  const written = await build({ bias, darks, flats, outDir });
  const result = written.find((w) => w.kind === master.kind);
  if (!result)
    throw new JobFailure(
      'MASTER_FAILED',
      `master ${master.id} (${master.kind}): the calibration engine wrote no ${master.kind}`,
      false,
    );
  return async (c) => {
    await lockMasters(c);
    // Inputs that changed meanwhile queued a newer build, which records its own result.
    const superseded = (await pgInputsHash(c, master.id)) !== hashAtStart;
    if (superseded) removeMasterBuild(outDir, written);
    else
      await c.query(`UPDATE masters SET path = $1, status = 'ready', built_at = $2 WHERE id = $3`, [
        result.path,
        Date.now(),
        master.id,
      ]);
    return { masterId: master.id, kind: master.kind, path: result.path, inputs: own.length, superseded };
  };
}
