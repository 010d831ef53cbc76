// Two builds of one master in flight, the older one finishing last (issue: masters race). The older build is
// held at the calibration engine's door (a gate in front of the real `buildMasters`) until the newer build,
// queued by a frame filed meanwhile and run by a watch service, has committed; only then does the older one
// build, write and commit. The catalog must keep the newer master, its file must hold the combine of the
// newer inputs (checked against a per-pixel median computed here), and the older build's folder must be gone.
// 1. A bias, two builds on two and on three bias frames: both wrote `masters/bias-1/master_bias.fits`, so the
//    older build overwrote the recorded file. 2. A dark rebuilt because its bias changed: its own inputs are
//    the same, so the build on the older bias was not seen as superseded and was recorded (SQLite and
//    PostgreSQL).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { buildMasters, type MastersRequest } from '../../../../src-main/node/calibrate/masters.js';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { migratePostgres } from '../../../../src-main/node/catalog/postgres/migrate.js';
import { openCatalogPool } from '../../../../src-main/node/catalog/postgres/connection.js';
import { PgJobQueue } from '../../../../src-main/node/catalog/postgres/job-queue.js';
import { JobQueue, type LeasedJob } from '../../../../src-main/node/jobs/index.js';
import { runBuildMaster } from '../../../../src-main/node/pipeline/master-job.js';
import { runPgBuildMaster } from '../../../../src-main/node/pipeline/pg-master-job.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { postgresWatchBackend } from '../../../../src-main/node/watch/pg-watch-service.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { writeFrame } from '../watch/frames.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../catalog/postgres-server.js';

const root = mkdtempSync(join(tmpdir(), 'owb-master-race-'));
after(() => rmSync(root, { recursive: true, force: true }));

const profile = parseProfile({ name: 'cal', steps: { stats: true }, stability: { intervalMs: 50 } });

/** The real calibration engine behind a gate the test opens. */
function gatedEngine() {
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const build = async (req: MastersRequest) => {
    await gate;
    return buildMasters(req);
  };
  return { open, build };
}

const bias = (i: number) => ({ name: `bias-${i}.fits`, seed: 10 + i, imagetyp: 'Bias Frame' });
const dark = (i: number) => ({ name: `dark-${i}.fits`, seed: 50 + i, imagetyp: 'Dark Frame' });
function write(dir: string, specs: ReadonlyArray<{ name: string; seed: number; imagetyp: string }>): string[] {
  return specs.map((s) => {
    const path = join(dir, s.name);
    writeFrame(path, { seed: s.seed, imagetyp: s.imagetyp });
    return path;
  });
}

async function pixels(path: string): Promise<Float32Array> {
  return (await readFitsImage(path)).image.data as Float32Array;
}

/** Per-pixel median of equally sized images (an odd number of them, so the middle value). */
function median(images: readonly Float32Array[]): Float32Array {
  assert.equal(images.length % 2, 1, 'an odd number of frames, so the median is one of them');
  const out = new Float32Array(images[0].length);
  const v = new Float64Array(images.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < images.length; k++) v[k] = images[k][i];
    v.sort();
    out[i] = v[(images.length - 1) / 2];
  }
  return out;
}

/** The master dark as the engine defines it: the median of the darks, each minus the master bias. */
async function expectedDark(biasPaths: string[], darkPaths: string[]): Promise<Float32Array> {
  const b = median(await Promise.all(biasPaths.map(pixels)));
  const darks = await Promise.all(darkPaths.map(pixels));
  return median(darks.map((d) => d.map((x, i) => x - b[i])));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// float32 arithmetic of the same values in another order: well below the frames' noise of ±3 ADU.
const TOLERANCE_ADU = 1e-3;

/**
 * On SQLite: files `first` and builds its masters; then a rebuild of `kind` is leased and started (it reads
 * its inputs) but held; `more` are written and a watch service files them and runs the newer builds; once
 * the newer build of that master has committed the held one goes on and commits last. Returns the catalog,
 * the held job, and its commit's summary.
 */
async function sqliteRace(name: string, kind: 'bias' | 'dark', first: ReturnType<typeof bias>[], more: typeof first) {
  // A workspace per catalog: its masters/ beside it.
  const dir = join(root, name, 'frames');
  write(dir, first);
  const catalog = Catalog.open(join(root, name, 'catalog.db'));
  const once = () => new WatchService({ catalog, dirs: [dir], profile, threads: 1, once: true });
  const service = once();
  await service.runOnce();
  await service.stop();
  const db = catalog.db;
  const masterId = (db.prepare('SELECT id FROM masters WHERE kind = ?').get(kind) as { id: number }).id;
  // A rebuild request for the master, as filing one of its frames queues it.
  db.prepare(
    `INSERT INTO jobs (kind, master_id, profile, state, max_attempts, created_at) VALUES ('build-master', ?, ?, 'queued', 3, ?)`,
  ).run(masterId, profile.name, Date.now());
  const queue = new JobQueue(db);
  const [held] = queue.lease(1);
  assert.equal(held?.masterId, masterId);
  const engine = gatedEngine();
  const building = runBuildMaster(catalog, profile, held, engine.build);
  write(dir, more);
  const newer = once();
  newer.onDidChangeJob((e) => {
    const row = db.prepare('SELECT master_id AS m FROM jobs WHERE id = ?').get(e.jobId) as { m: number | null };
    if (e.state === 'done' && e.kind === 'build-master' && e.jobId !== held.id && row.m === masterId) engine.open();
  });
  const watching = newer.runOnce();
  const commit = await building;
  const summary = queue.complete(held, commit)?.value;
  await watching;
  await newer.stop();
  const master = db.prepare(`SELECT path, status FROM masters WHERE id = ?`).get(masterId) as {
    path: string;
    status: string;
  };
  return { catalog, dir, held, summary, master };
}

describe('a master build of older inputs that finishes last (SQLite)', () => {
  it('leaves the recorded bias file as built from the newer inputs, and removes its own folder', async () => {
    const { catalog, dir, held, summary, master } = await sqliteRace('bias', 'bias', [bias(0), bias(1)], [bias(2)]);
    assert.equal(summary?.superseded, true, 'the build of two bias frames is superseded');
    assert.equal(master.status, 'ready');
    assert.ok(existsSync(master.path), master.path);
    const truth = median(await Promise.all([0, 1, 2].map((i) => pixels(join(dir, `bias-${i}.fits`)))));
    const d = maxDifference(await pixels(master.path), truth);
    assert.ok(d <= TOLERANCE_ADU, `recorded master bias differs from the median of 3 frames by ${d} ADU`);
    const heldPath = String(summary?.path);
    assert.ok(!existsSync(heldPath) && !existsSync(dirname(heldPath)), `${heldPath}: superseded build left behind`);
    assert.notEqual(dirname(heldPath), dirname(master.path));
    assert.equal((await readFitsImage(master.path)).header.get('NCOMBINE'), 3);
    assert.ok(held.id > 0);
    catalog.close();
  });

  it('recognises a dark built on the older bias as superseded and keeps the one on the newer bias', async () => {
    const darks = [dark(0), dark(1), dark(2)];
    const { catalog, dir, summary, master } = await sqliteRace('dark', 'dark', [bias(0), bias(1), ...darks], [bias(2)]);
    assert.equal(summary?.superseded, true, 'the dark built on two bias frames is superseded');
    assert.equal(master.status, 'ready');
    const at = (names: string[]) => names.map((n) => join(dir, n));
    const darkPaths = at(darks.map((d) => d.name));
    const truth = await expectedDark(at(['bias-0.fits', 'bias-1.fits', 'bias-2.fits']), darkPaths);
    const d = maxDifference(await pixels(master.path), truth);
    assert.ok(d <= TOLERANCE_ADU, `recorded master dark differs from the dark on the 3-frame bias by ${d} ADU`);
    // The older dark (its bias the mean of two frames, as the engine combines an even number) is distinguishable.
    const [b0, b1] = await Promise.all(at(['bias-0.fits', 'bias-1.fits']).map(pixels));
    const older = median(
      (await Promise.all(darkPaths.map(pixels))).map((x) => x.map((v, i) => v - (b0[i] + b1[i]) / 2)),
    );
    assert.ok(maxDifference(older, truth) > 100 * TOLERANCE_ADU, 'the two darks differ');
    assert.ok(!existsSync(dirname(String(summary?.path))), 'superseded dark build left behind');
    catalog.close();
  });
});

const missing = postgresMissing();

describe(
  'a dark built on the older bias that finishes last (PostgreSQL)',
  { skip: missing && `PostgreSQL not available: ${missing}` },
  () => {
    let server: PostgresServer | undefined;
    before(async () => {
      server = await startPostgres();
      await migratePostgres(server.url);
    });
    after(() => server?.stop());

    it('is recognised as superseded; the recorded dark is the one on the newer bias', async () => {
      const url = (server as PostgresServer).url;
      const dir = join(root, 'pg-night');
      const workspace = join(root, 'pg-workspace');
      const darks = write(dir, [bias(0), bias(1), dark(0), dark(1), dark(2)]).slice(2);
      const pool = await openCatalogPool(url, 8);
      try {
        const once = () =>
          new WatchService({
            catalog: postgresWatchBackend(pool),
            dirs: [dir],
            profile,
            threads: 1,
            once: true,
            workspace,
          });
        const service = once();
        await service.runOnce();
        await service.stop();
        const masterId = Number(
          (await pool.query<{ id: string }>(`SELECT id FROM masters WHERE kind = 'dark'`)).rows[0].id,
        );
        await pool.query(
          `INSERT INTO jobs (kind, master_id, profile, state, max_attempts, created_at)
           VALUES ('build-master', $1, $2, 'queued', 3, $3)`,
          [masterId, profile.name, Date.now()],
        );
        const queue = new PgJobQueue(pool);
        const [held] = await queue.lease(1);
        assert.equal(Number(held?.masterId), masterId);
        const engine = gatedEngine();
        const building = runPgBuildMaster(pool, workspace, held as LeasedJob, engine.build);
        write(dir, [bias(2)]);
        const newer = once();
        newer.onDidChangeJob((e) => {
          if (e.state !== 'done' || e.kind !== 'build-master' || e.jobId === held.id) return;
          void pool
            .query<{ m: string }>('SELECT master_id AS m FROM jobs WHERE id = $1', [e.jobId])
            .then(({ rows }) => Number(rows[0].m) === masterId && engine.open());
        });
        const watching = newer.runOnce();
        const commit = await building;
        const summary = (await queue.complete(held, commit))?.value;
        await watching;
        await newer.stop();
        assert.equal(summary?.superseded, true, 'the dark built on two bias frames is superseded');
        const master = (
          await pool.query<{ path: string; status: string }>('SELECT path, status FROM masters WHERE id = $1', [
            masterId,
          ])
        ).rows[0];
        assert.equal(master.status, 'ready');
        const truth = await expectedDark(
          [0, 1, 2].map((i) => join(dir, `bias-${i}.fits`)),
          darks,
        );
        const d = maxDifference(await pixels(master.path), truth);
        assert.ok(d <= TOLERANCE_ADU, `recorded master dark differs from the dark on the 3-frame bias by ${d} ADU`);
        assert.ok(!existsSync(dirname(String(summary?.path))), 'superseded dark build left behind');
      } finally {
        await pool.end();
      }
    });
  },
);
