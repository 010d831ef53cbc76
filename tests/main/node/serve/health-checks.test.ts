import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { FrameStore } from '../../../../src-main/node/catalog/index.js';
import { checkDatabase, checkWatcher, healthReport } from '../../../../src-main/node/serve/health-checks.js';
import { startServer, type RunningServer } from '../../../../src-main/node/serve/server.js';

interface Answer {
  status: number;
  body: { status: string; checks: Array<{ name: string; ok: boolean; detail: string }> };
}

async function probe(server: RunningServer, path: string): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const failing = (a: Answer): string[] => a.body.checks.filter((c) => !c.ok).map((c) => c.name);

describe('/health and /ready', () => {
  let dir: string;
  let services: WorkbenchServices;
  let server: RunningServer;
  let tight: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-health-'));
    services = openWorkspace(dir, { pollChanges: false });
    server = await startServer({ services, port: 0, staticDir: join(dir, 'none'), minFreeBytes: 1 });
    // The same workspace, demanding more free space than any disk has.
    tight = await startServer({ services, port: 0, staticDir: join(dir, 'none'), minFreeBytes: 2 ** 60 });
  });
  after(async () => {
    await server.close();
    await tight.close();
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a healthy workspace answers 200 with each check passing; /ready is 200', async () => {
    const health = await probe(server, '/health');
    assert.equal(health.status, 200, JSON.stringify(health.body));
    assert.deepEqual(
      health.body.checks.map((c) => [c.name, c.ok]),
      [
        ['database', true],
        ['workers', true],
        ['watcher', true],
        ['disk', true],
      ],
    );
    assert.equal((await probe(server, '/ready')).status, 200);
  });

  it('too little disk space: 503 naming the disk check', async () => {
    const health = await probe(tight, '/health');
    assert.equal(health.status, 503);
    assert.deepEqual(failing(health), ['disk']);
    assert.match(health.body.checks[3].detail, /only \d+ MiB free/);
  });

  it('a running job whose lease expired (its worker died): 503 naming the workers check', async () => {
    new FrameStore(services.db).ingest({
      contentHash: 'h1',
      path: join(dir, 'a.fits'),
      fileName: 'a.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {},
      job: { kind: 'process-frame', profile: 'default', maxAttempts: 3 },
    });
    services.db
      .prepare("UPDATE jobs SET state = 'running', lease_owner = 'gone', lease_expires_at = ?")
      .run(Date.now() + 60_000);
    assert.equal((await probe(server, '/health')).status, 200, 'a live lease is fine');
    services.db.prepare('UPDATE jobs SET lease_expires_at = ?').run(Date.now() - 1000);
    const health = await probe(server, '/health');
    assert.equal(health.status, 503);
    assert.deepEqual(failing(health), ['workers']);
    assert.match(health.body.checks[1].detail, /1 of 1 running job\(s\) have an expired lease/);
    assert.equal((await probe(server, '/ready')).status, 200, 'still ready to take work');
    services.db.prepare("UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL").run();
  });

  it('a watched folder whose service is not running: 503 naming the watcher check', async () => {
    services.watch = {
      list: () => [],
      add: () => {
        throw new Error('no');
      },
      remove: () => false,
      setPaused: () => {
        throw new Error('no');
      },
      profiles: () => ['default'],
      status: () => [
        { path: '/data/night1', paused: false, running: true },
        { path: '/data/old', paused: true, running: false },
        { path: '/data/loop', paused: false, running: false, error: 'ELOOP' },
      ],
    } as WorkbenchServices['watch'];
    try {
      const health = await probe(server, '/health');
      assert.equal(health.status, 503);
      assert.deepEqual(failing(health), ['watcher']);
      assert.equal(health.body.checks[2].detail, '/data/loop: not running (ELOOP)');
    } finally {
      services.watch = null;
    }
    assert.equal(checkWatcher({ status: () => [{ path: '/a', paused: false, running: true }] }).ok, true);
  });

  it('a catalog that refuses writes fails the database check, and /ready when the schema is not ours', async () => {
    const readonly = new Database(services.catalogPath, { readonly: true });
    try {
      const check = checkDatabase(readonly);
      assert.equal(check.ok, false);
      assert.match(check.detail, /not writable: .*readonly/i);
      const report = healthReport({ db: readonly, root: dir, minFreeBytes: 1 });
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.checks.filter((c) => !c.ok).map((c) => c.name),
        ['database'],
      );
    } finally {
      readonly.close();
    }
    const version = services.db.pragma('user_version', { simple: true }) as number;
    services.db.pragma(`user_version = ${version - 1}`);
    try {
      const ready = await probe(server, '/ready');
      assert.equal(ready.status, 503);
      assert.match(
        ready.body.checks[0].detail,
        new RegExp(`schema version ${version - 1}, this build needs ${version}`),
      );
    } finally {
      services.db.pragma(`user_version = ${version}`);
    }
  });
});
