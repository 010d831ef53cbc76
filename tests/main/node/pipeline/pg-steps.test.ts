// Masters, live stack and difference on a PostgreSQL catalog (issue 27): a simulated night (bias, darks, flats,
// drifting lights with a transient) watched with a profile that requires masters, stacks and differences is
// processed on SQLite by one service and on PostgreSQL + Q3C by two services at once (as two hosts would);
// the two catalogs then hold the same masters, stack and transient candidates, the same calibrated sources,
// and their master, stack and difference FITS files agree pixel for pixel within the stated tolerances.
// Corrupt inputs and a light without masters fail with SQLite's codes and messages.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { simulateNight, type SimulatedFrame } from '../../../../src-workers/core/simulate/index.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { migratePostgres } from '../../../../src-main/node/catalog/postgres/migrate.js';
import { openCatalogPool, openPool } from '../../../../src-main/node/catalog/postgres/connection.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { postgresWatchBackend } from '../../../../src-main/node/watch/pg-watch-service.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { catalogSnapshot, type CatalogSnapshot } from '../../cli/batch-snapshot.js';
import { postgresSnapshot } from '../../cli/postgres-snapshot.js';
import { frameBytes, writeFrame } from '../watch/frames.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../catalog/postgres-server.js';

const missing = postgresMissing();
const root = mkdtempSync(join(tmpdir(), 'owb-pg-steps-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 160;
const LIGHTS = 4;
const profile = parseProfile({
  name: 'night',
  steps: {
    calibrate: { require: true },
    detect: true,
    solve: false,
    liveStack: true,
    difference: { threshSigma: 5 },
  },
  stability: { intervalMs: 50 },
});

/** Rows of the steps' tables in a form both engines give alike: content hashes for ids, rows sorted. */
interface StepRows {
  masters: unknown[][];
  masterInputs: unknown[][];
  stacks: unknown[][];
  stackFrames: unknown[][];
  /** [frame hash, kind, score, details without folders], the stamp files' names without the frame id. */
  candidates: unknown[][];
  /** Jobs per kind and state, but master builds (how many ran depends on timing; each ends done). */
  jobs: unknown[][];
  masterPaths: Record<string, string>;
  stackPath: string;
  /** Difference and aligned-reference files by stem (the frame id prefix removed). */
  diffFiles: Record<string, string>;
}

const SQL = {
  masters: `SELECT kind, filter, exposure_sec, width, height, input_count, status, inputs_hash, path FROM masters`,
  masterInputs: `SELECT m.kind, f.content_hash FROM master_inputs mi JOIN masters m ON m.id = mi.master_id
                   JOIN frames f ON f.id = mi.frame_id`,
  stacks: `SELECT s.stack_key, s.profile, s.filter, s.width, s.height, f.content_hash, s.frame_count, s.path
             FROM stacks s JOIN frames f ON f.id = s.reference_frame_id`,
  stackFrames: `SELECT f.content_hash, sf.method, sf.rms_px FROM stack_frames sf JOIN frames f ON f.id = sf.frame_id`,
  candidates: `SELECT f.content_hash, c.kind, c.score, c.details_json FROM candidates c JOIN frames f ON f.id = c.frame_id`,
  jobs: `SELECT kind, state, count(*) FROM jobs WHERE kind <> 'build-master' GROUP BY kind, state`,
  builds: `SELECT state FROM jobs WHERE kind = 'build-master'`,
};

const sorted = (rows: unknown[][]) => rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const stem = (p: string) => basename(p).replace(/^\d+_/, '');

function stepRows(query: (sql: string) => unknown[][]): StepRows {
  const masterPaths: Record<string, string> = {};
  const masters = query(SQL.masters).map((r) => {
    masterPaths[String(r[0])] = String(r[8]);
    return r.slice(0, 8);
  });
  const stackRows = query(SQL.stacks);
  assert.equal(stackRows.length, 1, 'one live stack (one filter, one size)');
  const diffFiles: Record<string, string> = {};
  const candidates = query(SQL.candidates).map(([hash, kind, score, json]) => {
    const d = JSON.parse(String(json)) as Record<string, unknown>;
    for (const key of ['referencePath', 'differencePath'] as const) {
      const path = String(d[key]);
      diffFiles[stem(path)] = path;
      d[key] = stem(path);
    }
    return [hash, kind, score, d];
  });
  const builds = query(SQL.builds);
  assert.ok(builds.length >= 3 && builds.every(([s]) => s === 'done'), `master builds: ${JSON.stringify(builds)}`);
  return {
    masters: sorted(masters),
    masterInputs: sorted(query(SQL.masterInputs)),
    stacks: stackRows.map((r) => r.slice(0, 7)),
    stackFrames: sorted(query(SQL.stackFrames)),
    candidates: sorted(candidates),
    jobs: sorted(query(SQL.jobs).map(([k, s, n]) => [k, s, Number(n)])),
    masterPaths,
    stackPath: String(stackRows[0][7]),
    diffFiles,
  };
}

function sqliteRows(path: string): StepRows {
  const db = new Database(path, { readonly: true });
  try {
    return stepRows((sql) => db.prepare(sql).raw().all() as unknown[][]);
  } finally {
    db.close();
  }
}

async function postgresRows(url: string): Promise<StepRows> {
  const pool = openPool(url, 1);
  try {
    const results = new Map<string, unknown[][]>();
    for (const sql of Object.values(SQL))
      results.set(sql, (await pool.query({ text: sql, rowMode: 'array' })).rows as unknown[][]);
    return stepRows((sql) => results.get(sql)!);
  } finally {
    await pool.end();
  }
}

/** Largest |a − b| over the pixels of HDU `hdu` of two FITS files of the same size. */
async function maxPixelDifference(a: string, b: string, hdu = 0): Promise<number> {
  const [x, y] = await Promise.all([readFitsImage(a, { hdu }), readFitsImage(b, { hdu })]);
  assert.deepEqual([x.image.width, x.image.height], [y.image.width, y.image.height], `${a} vs ${b}: size`);
  let worst = 0;
  for (let i = 0; i < x.image.data.length; i++) {
    const u = x.image.data[i];
    const v = y.image.data[i];
    if (Number.isNaN(u) !== Number.isNaN(v)) return Infinity;
    if (!Number.isNaN(u)) worst = Math.max(worst, Math.abs(u - v));
  }
  return worst;
}

function withoutAttempts(s: CatalogSnapshot): CatalogSnapshot {
  return {
    ...s,
    jobs: s.jobs.map((r) => {
      const [hash, states] = r as [string, string | null];
      return [hash, states?.replace(/\/\d+/g, '') ?? null];
    }),
  };
}

async function write(dir: string, frames: readonly SimulatedFrame[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const f of frames) await writeFitsImage(join(dir, f.name), f.image, { header: f.header });
}

async function runSqlite(dir: string, dbPath: string, steps = profile): Promise<void> {
  const catalog = Catalog.open(dbPath);
  try {
    const service = new WatchService({ catalog, dirs: [dir], profile: steps, threads: 1, once: true });
    await service.runOnce();
    await service.stop();
  } finally {
    catalog.close();
  }
}

/** Two watch services on one PostgreSQL catalog at once, each with its own pool and worker. */
async function runPostgres(dir: string, url: string, workspace: string, steps = profile): Promise<void> {
  const pools: pg.Pool[] = [await openCatalogPool(url, 8), await openCatalogPool(url, 8)];
  try {
    const services = pools.map(
      (pool) =>
        new WatchService({
          catalog: postgresWatchBackend(pool),
          dirs: [dir],
          profile: steps,
          threads: 1,
          once: true,
          workspace,
        }),
    );
    await Promise.all(services.map((s) => s.runOnce()));
    await Promise.all(services.map((s) => s.stop()));
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
}

describe(
  'masters, live stack and difference on PostgreSQL',
  { skip: missing && `PostgreSQL not available: ${missing}` },
  () => {
    let server: PostgresServer | undefined;
    before(async () => {
      server = await startPostgres();
      await migratePostgres(server.url);
    });
    after(() => server?.stop());

    it('give the same masters, stack and candidates as on SQLite, each job once', async (t) => {
      const url = (server as PostgresServer).url;
      const night = simulateNight({ widthPx: SIZE, heightPx: SIZE, lights: LIGHTS, seed: 27 });
      const lights = night.filter((f) => f.kind === 'light');
      const dir = join(root, 'night');
      const sqlitePath = join(root, 'sqlite', 'catalog.db');
      mkdirSync(join(root, 'sqlite'));
      const workspace = join(root, 'pg-workspace');
      mkdirSync(workspace);
      // First the calibration frames and one light (the live stack's reference on both catalogs: the stack is
      // registered onto whichever light gets there first), then the other lights.
      await write(
        dir,
        night.filter((f) => f.kind !== 'light'),
      );
      await write(dir, lights.slice(0, 1));
      await runSqlite(dir, sqlitePath);
      await runPostgres(dir, url, workspace);
      await write(dir, lights.slice(1));
      await runSqlite(dir, sqlitePath);
      await runPostgres(dir, url, workspace);

      const expected = sqliteRows(sqlitePath);
      const actual = await postgresRows(url);
      // Each master from its three frames, ready; every light calibrated, stacked and differenced once.
      assert.deepEqual(
        expected.masters.map((m) => [m[0], m[5], m[6]]),
        [
          ['bias', 3, 'ready'],
          ['dark', 3, 'ready'],
          ['flat', 3, 'ready'],
        ],
      );
      assert.deepEqual(expected.jobs, [
        ['difference', 'done', LIGHTS],
        ['live-stack', 'done', LIGHTS],
        ['process-frame', 'done', 9 + LIGHTS],
      ]);
      assert.deepEqual(actual.masters, expected.masters);
      assert.deepEqual(actual.masterInputs, expected.masterInputs);
      assert.deepEqual(actual.jobs, expected.jobs);
      assert.deepEqual(actual.stacks, expected.stacks);
      assert.equal(expected.stacks[0][6], LIGHTS);
      assert.deepEqual(actual.stackFrames, expected.stackFrames);
      assert.deepEqual(actual.candidates, expected.candidates);
      // The same calibrated lights: sources, objects and measurements row for row.
      assert.deepEqual(withoutAttempts(await postgresSnapshot(url)), withoutAttempts(catalogSnapshot(sqlitePath)));

      // Truth: the transient of the last two lights is found in each, where the simulation put it.
      for (const light of lights.slice(-2)) {
        const truth = light.truth[light.truth.length - 1];
        const hits = actual.candidates.filter(([, , , d]) => {
          const c = d as { x: number; y: number; sign: number; sciencePath: string };
          return c.sign > 0 && basename(c.sciencePath) === light.name && Math.hypot(c.x - truth.x, c.y - truth.y) < 1;
        });
        assert.equal(hits.length, 1, `${light.name}: transient at (${truth.x}, ${truth.y})`);
      }

      // Files. Masters: the same median of the same frames, bit for bit (tolerance 0). The stack's running mean
      // adds the frames in whichever order the two PostgreSQL services took them: float32 rounding, ≤ 0.01 ADU
      // on a sky of 400 ADU; its coverage exactly. Difference images and aligned references: 1e-3 ADU.
      for (const kind of ['bias', 'dark', 'flat']) {
        const p = actual.masterPaths[kind];
        assert.ok(p.startsWith(join(workspace, 'masters')), `${kind} master at ${p}`);
        assert.equal(await maxPixelDifference(p, expected.masterPaths[kind]), 0, `${kind} master`);
      }
      assert.ok(actual.stackPath.startsWith(join(workspace, 'stacks')), actual.stackPath);
      const stackDiff = await maxPixelDifference(actual.stackPath, expected.stackPath, 0);
      t.diagnostic(`stack mean: largest difference ${stackDiff} ADU`);
      assert.ok(stackDiff <= 0.01, `stack mean differs by ${stackDiff} ADU`);
      assert.equal(await maxPixelDifference(actual.stackPath, expected.stackPath, 1), 0, 'stack coverage');
      const stacked = await readFitsImage(actual.stackPath, { hdu: 0 });
      assert.equal(stacked.header.get('NFRAMES'), LIGHTS);
      // Every light but the reference: a difference image and the aligned reference, in the outputs' diff/.
      const files = (folder: string) => new Map(readdirSync(folder).map((f) => [stem(f), join(folder, f)]));
      const diffs = files(join(workspace, 'diff'));
      const expectedDiffs = files(join(root, 'sqlite', 'diff'));
      assert.deepEqual([...diffs.keys()].sort(), [...expectedDiffs.keys()].sort());
      assert.equal(diffs.size, 2 * (LIGHTS - 1));
      for (const [name, p] of Object.entries(actual.diffFiles)) assert.equal(p, diffs.get(name), 'candidate stamps');
      let worstDiff = 0;
      for (const [name, p] of diffs) {
        const d = await maxPixelDifference(p, expectedDiffs.get(name)!);
        worstDiff = Math.max(worstDiff, d);
        assert.ok(d <= 1e-3, `${name} differs by ${d} ADU`);
      }
      t.diagnostic(`difference images and aligned references: largest difference ${worstDiff} ADU`);

      // A rerun on PostgreSQL finds nothing to do and adds nothing.
      await runPostgres(dir, url, workspace);
      const again = await postgresRows(url);
      assert.deepEqual(again.candidates, actual.candidates);
      assert.deepEqual(again.stackFrames, actual.stackFrames);
      assert.deepEqual(again.jobs, actual.jobs);
    });

    it('fails corrupt inputs and lights without masters with the same codes and messages as SQLite', async () => {
      const admin = new pg.Client({ connectionString: (server as PostgresServer).url });
      await admin.connect();
      await admin.query('CREATE DATABASE bad');
      await admin.end();
      const url = (server as PostgresServer).url.replace(/\/postgres$/, '/bad');
      await migratePostgres(url);
      const dir = join(root, 'bad');
      mkdirSync(dir);
      writeFileSync(join(dir, 'corrupt.fits'), 'SIMPLE  =                    T / but nothing else follows');
      writeFileSync(join(dir, 'truncated.fits'), frameBytes({ seed: 3, size: 64 }).subarray(0, 2880));
      writeFrame(join(dir, 'good.fits'), { seed: 1, size: 16 });
      const cal = parseProfile({ name: 'cal', steps: { stats: true, calibrate: { require: true } } });
      const sqlitePath = join(root, 'bad.db');
      await runSqlite(dir, sqlitePath, cal);
      await runPostgres(dir, url, join(root, 'pg-workspace'), cal);
      const sql = `SELECT f.file_name, j.kind, j.state, j.error_code, j.error FROM jobs j JOIN frames f ON f.id = j.frame_id`;
      const db = new Database(sqlitePath, { readonly: true });
      const expected = sorted(db.prepare(sql).raw().all() as unknown[][]);
      db.close();
      const pool = openPool(url, 1);
      const actual = sorted((await pool.query({ text: sql, rowMode: 'array' })).rows as unknown[][]);
      await pool.end();
      // SQLite's answers (corrupt-input.test.ts): the reader's reason for the broken files, NO_MASTERS with the
      // real size for the readable light; every job failed.
      assert.deepEqual(
        expected.map((r) => [r[0], r[2], /^FITS_/.test(String(r[3])) ? 'FITS_…' : r[3]]),
        [
          ['corrupt.fits', 'failed', 'FITS_…'],
          ['good.fits', 'failed', 'NO_MASTERS'],
          ['truncated.fits', 'failed', 'FITS_…'],
        ],
      );
      assert.deepEqual(actual, expected);
    });
  },
);
