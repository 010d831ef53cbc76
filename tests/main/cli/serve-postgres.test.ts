// `owb serve` on a PostgreSQL + Q3C catalog: a SQLite catalog made by `owb watch --once` is moved with
// `owb db copy`, and the API of a server on the copy answers what the server on the SQLite original answers:
// frames (list, get, pixels, sources), workspace counts, the sources and objects tables, a cone search
// (Q3C there, the R*Tree here), light curves, the object under a click, the curation queues, and labels
// written, read back, exported and undone. The catalog is chosen by --db, OWB_DB or workspace.json as
// for the other commands; a catalog that is not migrated exits 2 naming it.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { decodeBinary } from '../../../src-main/common/wire-codec.js';
import type { CatalogSql } from '../../../src-main/node/catalog/catalog-sql.js';
import { openPool } from '../../../src-main/node/catalog/postgres/connection.js';
import { pgSql } from '../../../src-main/node/catalog/postgres/pg-sql.js';
import { ensureRendererBuilt } from '../../../src-main/node/serve/renderer-build.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../node/catalog/postgres-server.js';
import { writeFrame } from '../node/watch/frames.js';

const repo = resolve(import.meta.dirname, '../../..');
const { OWB_DB: _unset, OWB_WORKSPACE: _unsetToo, ...baseEnv } = process.env;
function owb(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...baseEnv, ...env },
  });
}

interface Served {
  port: number;
  token: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

/** `owb serve ARGS`, once its URL line is printed. */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'serve', '--port', '0', ...args], {
    cwd: repo,
    env: { ...baseEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<URL>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line.trim())) resolveUrl(new URL(line.trim()));
    });
    child.once('exit', (code) => reject(new Error(`owb serve exited with ${code}: ${stderr}`)));
  });
  return {
    port: Number(url.port),
    token: url.searchParams.get('token') ?? '',
    child,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

async function invoke(server: Served, channel: string, request: unknown = {}): Promise<Reply> {
  const response = await fetch(`http://127.0.0.1:${server.port}/api/invoke`, {
    method: 'POST',
    body: JSON.stringify({ channel, request }),
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(response.status, 200, `${channel}: HTTP ${response.status}`);
  return response.headers.get('content-type') === 'application/octet-stream'
    ? (decodeBinary(new Uint8Array(await response.arrayBuffer())) as Reply)
    : ((await response.json()) as Reply);
}

async function value<T = unknown>(server: Served, channel: string, request: unknown = {}): Promise<T> {
  const reply = await invoke(server, channel, request);
  if (!reply.ok) assert.fail(`${channel}: ${reply.error.code}: ${reply.error.message}\n${server.stderr()}`);
  return reply.value as T;
}

/**
 * Objects with their mean magnitude to 1e-9 mag: each engine's AVG sums the measurements in its own order
 * (PostgreSQL's depends on the plan, which changes once autovacuum has analysed the copied tables), so the
 * last bits of a mean may differ. Every other column must be equal.
 */
function meanMagsRounded(rows: readonly object[]): unknown[] {
  return rows.map((r) => {
    const mean = (r as { meanMag?: number | null }).meanMag;
    return { ...r, meanMag: mean == null ? mean : Math.round(mean * 1e9) / 1e9 };
  });
}

const missing = postgresMissing();
const root = mkdtempSync(join(tmpdir(), 'owb-serve-pg-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('owb serve on a PostgreSQL catalog', { skip: missing && `PostgreSQL not available: ${missing}` }, () => {
  let server: PostgresServer | undefined;
  let admin: pg.Client;
  let lite: Served;
  let post: Served;
  let url = '';
  const sqliteWs = join(root, 'ws-sqlite');
  const pgWs = join(root, 'ws-pg');
  const both = async <T = unknown>(channel: string, request: unknown = {}): Promise<[T, T]> =>
    Promise.all([value<T>(lite, channel, request), value<T>(post, channel, request)]);

  before(async () => {
    ensureRendererBuilt(repo);
    server = await startPostgres();
    url = server.url.replace(/\/postgres$/, '/served');
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE served');
    await admin.query('CREATE DATABASE empty');
    const night = join(root, 'night');
    for (let i = 0; i < 8; i++)
      writeFrame(join(night, `Night-f${i}.fits`), {
        seed: i + 1,
        size: 96,
        dateObs: `2026-02-0${1 + (i % 3)}T0${i}:10:00`,
        stars: [
          [10.3 + 1.5 * i, 12.7, 4000],
          [30.1, 20.4 + i, 2500],
          [62.5, 40.2, 6000],
          [45.2, 85.8 - 1.5 * i, 3000],
          [80.0, 70.0, 5000],
        ],
      });
    mkdirSync(sqliteWs);
    const sqlite = join(sqliteWs, 'catalog.db');
    const r = owb(['watch', night, '--once', '--db', sqlite, '--threads', '1']);
    assert.equal(r.status, 0, r.stderr);
    // A transient candidate as `owb diff` records them (its measurements in details_json), so the
    // candidate queue has a row of its own kind besides the detections.
    const db = new Database(sqlite);
    const source = db.prepare('SELECT id, frame_id FROM sources ORDER BY id LIMIT 1').get() as {
      id: number;
      frame_id: number;
    };
    db.prepare(
      `INSERT INTO candidates (kind, object_id, frame_id, source_id, score, details_json, created_at)
       VALUES ('transient', NULL, ?, NULL, 7.5, ?, 1760000000000)`,
    ).run(source.frame_id, JSON.stringify({ x: 40.5, y: 41.5, ra: 150.01, dec: 2.2, snr: 7.5, flux: 900, sign: 1 }));
    // Sources without a magnitude (a negative flux has none): SQLite sorts NULLs first, PostgreSQL must too.
    db.prepare('UPDATE sources SET mag = NULL, mag_err = NULL WHERE id % 5 = 0').run();
    db.close();
    const copied = owb(['db', 'copy', '--from', sqlite, '--to', url]);
    assert.equal(copied.status, 0, copied.stderr);
    [lite, post] = await Promise.all([serve(['--workspace', sqliteWs]), serve(['--workspace', pgWs, '--db', url])]);
  });
  after(async () => {
    await Promise.all([lite?.stop(), post?.stop()]);
    await admin?.end();
    server?.stop();
  });

  it('frames: list, each frame with its header, sources and pixels, as on SQLite', async () => {
    const [a, b] = await both<Array<{ id: number }>>('owb:frames.list');
    assert.equal(a.length, 8);
    assert.deepEqual(b, a);
    for (const { id } of a) {
      const [ga, gb] = await both('owb:frames.get', { frameId: id });
      assert.deepEqual(gb, ga, `frame ${id}`);
      const [sa, sb] = await both<{ count: number }>('owb:frames.sources', { frameId: id });
      assert.ok(sa.count >= 3, `frame ${id}: ${sa.count} sources`);
      assert.deepEqual(sb, sa, `frame ${id} sources`);
    }
    const [pa, pb] = await both<{ width: number; data: Float32Array }>('owb:frames.pixels', {
      frameId: a[2].id,
      binning: 2,
    });
    assert.equal(pa.width, 48);
    assert.deepEqual(pb, pa);
    const nope = await invoke(post, 'owb:frames.get', { frameId: 999_999 });
    assert.deepEqual(nope.ok ? null : nope.error.code, 'NOT_FOUND');
  });

  it('workspace counts, the sources and objects tables, light curves and the object under a click', async () => {
    const [ia, ib] = await both<{ counts: Record<string, number>; catalogPath: string }>('owb:workspace.info');
    assert.deepEqual(ib.counts, ia.counts);
    assert.ok(ia.counts.sources > 20 && ia.counts.objects > 3, JSON.stringify(ia.counts));
    assert.equal(ib.catalogPath, url);
    for (const q of [
      { offset: 0, limit: 50 },
      { offset: 5, limit: 10, sortBy: 'snr', descending: true },
      { offset: 0, limit: 100, sortBy: 'mag' },
      { offset: 0, limit: 100, sortBy: 'mag', descending: true },
      { offset: 0, limit: 100, minSnr: 20, sortBy: 'flux', descending: true },
      // A file name in other letter case: SQLite's LIKE ignores case, so PostgreSQL's must too.
      { offset: 0, limit: 100, search: 'night-F3' },
    ]) {
      const [qa, qb] = await both<{ total: number; rows: unknown[] }>('owb:sources.query', q);
      assert.deepEqual(qb, qa, JSON.stringify(q));
      assert.ok(qa.rows.length > 0, JSON.stringify(q));
    }
    const [oa, ob] = await both<{ rows: Array<{ id: number; raDeg: number; decDeg: number; nMeasurements: number }> }>(
      'owb:objects.query',
      { offset: 0, limit: 100, sortBy: 'nMeasurements', descending: true },
    );
    assert.deepEqual(meanMagsRounded(ob.rows), meanMagsRounded(oa.rows));
    const star = oa.rows[0];
    assert.ok(star.nMeasurements >= 4, `${star.nMeasurements} measurements`);
    const [ca, cb] = await both<Array<{ id: number; separationArcsec: number }>>('owb:objects.cone', {
      raDeg: star.raDeg,
      decDeg: star.decDeg,
      radiusArcsec: 120,
    });
    assert.deepEqual(meanMagsRounded(cb), meanMagsRounded(ca));
    assert.equal(ca[0].id, star.id);
    assert.ok(ca.length >= 2, `${ca.length} objects in the cone`);
    const [la, lb] = await both<unknown[]>('owb:objects.lightCurve', { objectId: star.id });
    assert.equal(la.length, star.nMeasurements);
    assert.deepEqual(lb, la);
    const frame = (await value<Array<{ id: number }>>(lite, 'owb:frames.list'))[0].id;
    const sources = await value<{ x: Float32Array; y: Float32Array }>(lite, 'owb:frames.sources', { frameId: frame });
    const [hitA, hitB] = await both('owb:frames.objectAt', { frameId: frame, x: sources.x[0] + 0.7, y: sources.y[0] });
    assert.ok(hitA, 'an object under the click');
    assert.deepEqual(hitB, hitA);
  });

  it('curation: the queues, a label written and read back, exported and undone, as on SQLite', async () => {
    const queue = { kind: 'detection', limit: 40, minSnr: 5 };
    const [qa, qb] = await both<Array<{ id: number; label: string | null }>>('owb:curation.queue', queue);
    assert.ok(qa.length > 10, `${qa.length} detections`);
    assert.deepEqual(qb, qa);
    const [ta, tb] = await both<unknown[]>('owb:curation.queue', { kind: 'candidate' });
    assert.equal(ta.length, 1);
    assert.deepEqual(tb, ta);
    const target = qa[3].id;
    const strip = (r: { createdAt: string }) => ({ ...r, createdAt: typeof r.createdAt });
    for (const label of ['accept', 'reject']) {
      const [sa, sb] = await both<{ createdAt: string }>('owb:labels.set', {
        targetKind: 'detection',
        targetId: target,
        label,
      });
      assert.deepEqual(strip(sb), strip(sa));
    }
    const { rows } = await new pg.Client({ connectionString: url }).connect().then(async (c) => {
      try {
        return await c.query(
          `SELECT l.label FROM labels l JOIN candidates c ON c.id = l.candidate_id
            WHERE c.kind = 'detection' AND c.source_id = $1 ORDER BY l.id`,
          [target],
        );
      } finally {
        await c.end();
      }
    });
    assert.deepEqual(
      rows.map((r) => r.label),
      ['accept', 'reject'],
      'the labels are rows of the PostgreSQL catalog',
    );
    const [ha, hb] = await both<Array<{ createdAt: string }>>('owb:labels.history', {
      targetKind: 'detection',
      targetId: target,
    });
    assert.equal(ha.length, 2);
    assert.deepEqual(hb.map(strip), ha.map(strip));
    const [after1, after2] = await both<Array<{ id: number; label: string | null }>>('owb:curation.queue', queue);
    assert.equal(after1.find((r) => r.id === target)?.label, 'reject');
    assert.deepEqual(after2, after1);
    const unlabelled = await both<Array<{ id: number }>>('owb:curation.queue', { ...queue, unlabelledOnly: true });
    assert.deepEqual(unlabelled[1], unlabelled[0]);
    assert.equal(
      unlabelled[0].find((r) => r.id === target),
      undefined,
    );
    const csv = (text: string) => text.replace(/,[^,\n]*,\d{4}-\d\d-\d\dT[^,\n]*$/gm, '');
    const [ea, eb] = await both<{ text: string }>('owb:labels.exportCsv');
    assert.match(ea.text, /,reject,/);
    assert.equal(csv(eb.text), csv(ea.text));
    const [ua, ub] = await both<{ label: string | null; previous: string; createdAt: string }>('owb:labels.undo');
    assert.equal(ua.label, 'accept');
    assert.equal(ua.previous, 'reject');
    assert.deepEqual(strip(ub), strip(ua));
    // Two curators deciding on one new detection at once: one candidate row for it, both labels kept.
    const fresh = qa[5].id;
    const replies = await Promise.all(
      ['accept', 'reject', 'accept', 'reject'].map((label) =>
        invoke(post, 'owb:labels.set', { targetKind: 'detection', targetId: fresh, label }),
      ),
    );
    assert.deepEqual(
      replies.map((r) => r.ok),
      [true, true, true, true],
      JSON.stringify(replies),
    );
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    try {
      const counts = await check.query(
        `SELECT count(DISTINCT c.id) AS candidates, count(l.id) AS labels FROM candidates c
           JOIN labels l ON l.candidate_id = c.id WHERE c.kind = 'detection' AND c.source_id = $1`,
        [fresh],
      );
      assert.deepEqual(counts.rows[0], { candidates: '1', labels: '4' });
    } finally {
      await check.end();
    }
    const [sa, sb] = await both<{ science: unknown; reference: unknown }>('owb:curation.stamps', {
      kind: 'detection',
      id: target,
      sizePx: 16,
    });
    assert.deepEqual(sb, sa);
  });

  it('a write transaction waits for another one: the second sees the candidate the first made', async () => {
    const pool = openPool(url, 3);
    const sql = pgSql(pool);
    try {
      const source = (await sql.get<{ id: number; frame_id: number }>(
        `SELECT id, frame_id FROM sources s WHERE NOT EXISTS (SELECT 1 FROM candidates c WHERE c.source_id = s.id)
          ORDER BY id DESC LIMIT 1`,
      ))!;
      const findOrMake = async (tx: CatalogSql): Promise<number> =>
        (
          await tx.get<{ id: number }>(`SELECT id FROM candidates WHERE kind = 'detection' AND source_id = ?`, [
            source.id,
          ])
        )?.id ??
        tx.insert(`INSERT INTO candidates (kind, frame_id, source_id, created_at) VALUES ('detection', ?, ?, 0)`, [
          source.frame_id,
          source.id,
        ]);
      let looked!: () => void;
      const firstLooked = new Promise<void>((resolve) => (looked = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const first = sql.transaction(async (tx) => {
        const none = await tx.get(`SELECT id FROM candidates WHERE kind = 'detection' AND source_id = ?`, [source.id]);
        assert.equal(none, undefined);
        looked();
        await gate;
        // Found none, so it makes one (as labels.set does after its look-up).
        return tx.insert(
          `INSERT INTO candidates (kind, frame_id, source_id, created_at) VALUES ('detection', ?, ?, 0)`,
          [source.frame_id, source.id],
        );
      });
      await firstLooked;
      const second = sql.transaction(findOrMake);
      // The second waits at its lock while the first is open (without the lock it would find none and make a
      // second candidate); the first goes on after a moment.
      setTimeout(release, 200);
      const [a, b] = await Promise.all([first, second]);
      assert.equal(b, a, 'one candidate for the detection, not two');
    } finally {
      await pool.end();
    }
  });

  it('a view not yet available on PostgreSQL answers POSTGRES_UNSUPPORTED, /metrics 501; /health and /ready pass', async () => {
    const reply = await invoke(post, 'owb:lightcurve.ensemble', { objectId: 1 });
    assert.equal(reply.ok ? 'ok' : reply.error.code, 'POSTGRES_UNSUPPORTED');
    assert.match(reply.ok ? '' : reply.error.message, /PostgreSQL catalog postgres:\/\/.*\/served/);
    for (const path of ['/health', '/ready']) {
      const response = await fetch(`http://127.0.0.1:${post.port}${path}`);
      const body = (await response.json()) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.match(body.checks[0].detail, path === '/health' ? /served: writable/ : /schema version/);
    }
    const metrics = await fetch(`http://127.0.0.1:${post.port}/metrics?token=${post.token}`);
    assert.equal(metrics.status, 501);
    assert.match(await metrics.text(), /reads a SQLite catalog/);
    assert.deepEqual(readdirSync(pgWs), [], 'no SQLite catalog beside a PostgreSQL one');
  });

  it('takes the catalog from OWB_DB or workspace.json; a catalog not migrated exits 2 naming it', async () => {
    const ws = join(root, 'ws-json');
    mkdirSync(ws);
    writeFileSync(join(ws, 'workspace.json'), JSON.stringify({ catalog: url }));
    const env = join(root, 'ws-env');
    const [fromJson, fromEnv] = await Promise.all([
      serve(['--workspace', ws]),
      serve(['--workspace', env], { OWB_DB: url }),
    ]);
    try {
      for (const s of [fromJson, fromEnv]) {
        const info = await value<{ catalogPath: string; counts: { frames: number } }>(s, 'owb:workspace.info');
        assert.equal(info.catalogPath, url);
        assert.equal(info.counts.frames, 8);
      }
    } finally {
      await Promise.all([fromJson.stop(), fromEnv.stop()]);
    }
    assert.equal(existsSync(join(ws, 'catalog.db')), false);
    assert.equal(existsSync(join(env, 'catalog.db')), false);
    const empty = url.replace(/\/served$/, '/empty');
    const r = owb(['serve', '--workspace', join(root, 'ws-empty'), '--db', empty, '--port', '0']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^owb: serve: --db postgres:\/\/.*\/empty: no workbench catalog there yet/m);
  });
});
