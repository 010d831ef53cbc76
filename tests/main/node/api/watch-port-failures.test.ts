// Issue 25: a failing watched folder saved in watched-folders.json never stops the workspace service (and
// `owb serve`) from starting; each folder's state and reason show in `owb:watch.list` and in /health.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHandlers, dispatch } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace } from '../../../../src-main/node/api/services.js';
import { WorkspaceWatchPort } from '../../../../src-main/node/api/watch-port.js';
import { startServer } from '../../../../src-main/node/serve/server.js';
import { writeFrame } from '../watch/frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-watch-port-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function getText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('watched folders that fail at start', () => {
  it('starts with a looped, a missing and a bad-profile folder saved, and reports each in list and /health', async () => {
    const ws = join(root, 'ws');
    const looped = join(ws, 'looped');
    const good = join(ws, 'good');
    mkdirSync(looped, { recursive: true });
    mkdirSync(good);
    symlinkSync('.', join(looped, 'loop'));
    writeFileSync(
      join(ws, 'watched-folders.json'),
      JSON.stringify([
        { id: 1, path: looped, profile: 'default', paused: false },
        { id: 2, path: join(ws, 'gone'), profile: 'default', paused: false },
        { id: 3, path: good, profile: 'no-such-profile', paused: false },
        { id: 4, path: good, profile: 'default', paused: false },
        'not a folder entry',
      ]),
    );
    const services = openWorkspace(ws, { pollChanges: false });
    // Threw (unknown profile) or crashed the process (ELOOP) before the fix.
    const port = new WorkspaceWatchPort(services.root, services.db, 1);
    services.watch = port;
    const server = await startServer({ services, port: 0, staticDir: root, token: 't' });
    try {
      await until('the loop reported', () => port.list()[0].state === 'failed');
      const list = port.list();
      assert.deepEqual(
        list.map((f) => [f.id, f.state]),
        [
          [1, 'failed'],
          [2, 'failed'],
          [3, 'failed'],
          [4, 'ok'],
        ],
      );
      assert.match(list[0].reason ?? '', /too many symbolic links/);
      assert.match(list[1].reason ?? '', /gone: the folder was deleted or is no longer reachable/);
      assert.match(list[2].reason ?? '', /profile 'no-such-profile' not found/);
      // The healthy folder still ingests and processes.
      writeFrame(join(good, 'a.fits'), { seed: 1, size: 16 });
      const jobs = () =>
        services.db.prepare("SELECT count(*) AS n FROM jobs WHERE state = 'done'").get() as { n: number };
      await until('the good folder processed a frame', () => jobs().n === 1);
      const health = await getJson(server.port, '/health');
      // Failed folders fail the watcher check (503, so monitoring notices) while the service keeps running.
      assert.equal(health.status, 503);
      const body = health.body as {
        status: string;
        checks: Array<{ name: string; ok: boolean; detail: string }>;
        watchers: Array<{ path: string; state: string; reason: string }>;
      };
      assert.notEqual(body.status, 'ok');
      const watcher = body.checks.find((c) => c.name === 'watcher');
      assert.equal(watcher?.ok, false);
      assert.match(watcher?.detail ?? '', /too many symbolic links/);
      assert.deepEqual(
        body.watchers.map((w) => [w.path, w.state]),
        list.map((f) => [f.path, f.state]),
      );
      assert.match(body.watchers[0].reason, /too many symbolic links/);
      const metrics = await getText(server.port, '/metrics?token=t');
      assert.match(metrics, /^owb_watched_folders\{state="failed"\} 3$/m);
      assert.match(metrics, /^owb_watched_folders\{state="ok"\} 1$/m);
      // The same state over the typed API, for the UI.
      const viaApi = await dispatch(createHandlers(services), 'owb:watch.list', {});
      assert.ok(viaApi.ok);
      assert.equal((viaApi.value as Array<{ state: string }>)[0].state, 'failed');
    } finally {
      await server.close();
      await port.close();
      services.close();
    }
  });
});
