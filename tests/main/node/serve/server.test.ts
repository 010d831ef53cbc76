import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { decodeBinary } from '../../../../src-main/common/wire-codec.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { startServer, type RunningServer } from '../../../../src-main/node/serve/server.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

/** A raw HTTP GET with chosen headers (fetch forbids setting Host). */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function connect(
  server: RunningServer,
  options: { token?: string; origin?: string; host?: string } = {},
): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${options.token ?? server.token}`, {
    headers: { ...(options.origin ? { origin: options.origin } : {}), ...(options.host ? { host: options.host } : {}) },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function nextMessage(
  ws: WebSocket,
  predicate: (m: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      const message = (isBinary ? decodeBinary(new Uint8Array(data)) : JSON.parse(data.toString())) as Record<
        string,
        unknown
      >;
      if (predicate(message)) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('owb serve', () => {
  let dir: string;
  let services: WorkbenchServices;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-serve-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: 64, starCount: 4 });
    services = openWorkspace(dir, { pollChanges: false, version: '9.9.9' });
    server = await startServer({ services, port: 0, staticDir: join(dir, 'no-renderer') });
  });
  after(async () => {
    await server.close();
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL with its token', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers /health without a token, and everything else only with it', async () => {
    const health = await get(server.port, '/health');
    assert.equal(health.status, 200);
    const body = JSON.parse(health.body) as { status: string; version: string; checks: Array<{ name: string }> };
    assert.equal(body.status, 'ok');
    assert.equal(body.version, '9.9.9');
    assert.deepEqual(
      body.checks.map((c) => c.name),
      ['database', 'workers', 'watcher', 'disk'],
    );
    assert.equal((await get(server.port, '/ready')).status, 200);
    assert.deepEqual((JSON.parse(health.body) as { watchers: unknown[] }).watchers, []);
    assert.equal((await get(server.port, '/')).status, 401);
    assert.equal((await get(server.port, '/metrics')).status, 401);
    assert.equal((await get(server.port, '/?token=wrong')).status, 401);
    const page = await get(server.port, `/?token=${server.token}`);
    assert.equal(page.status, 503, 'no built renderer in this test: a clear 503');
    assert.match(String(page.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    assert.equal((await get(server.port, '/', { authorization: `Bearer ${server.token}` })).status, 503);
  });

  it('refuses foreign Host and Origin headers (DNS rebinding), even with the token', async () => {
    assert.equal((await get(server.port, '/health', { host: `evil.example:${server.port}` })).status, 403);
    assert.equal(
      (await get(server.port, `/?token=${server.token}`, { host: `evil.example:${server.port}` })).status,
      403,
    );
    assert.equal((await get(server.port, `/?token=${server.token}`, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await get(server.port, `/?token=${server.token}`, { host: `localhost:${server.port}` })).status, 503);
    await assert.rejects(connect(server, { origin: 'http://evil.example' }), /403/);
    await assert.rejects(connect(server, { host: `evil.example:${server.port}` }), /403/);
    await assert.rejects(connect(server, { token: 'nope' }), /401/, 'a wrong token is 401, a foreign Host 403');
  });

  it('answers the contract over POST /api/invoke with a Bearer token only', async () => {
    const url = `http://127.0.0.1:${server.port}/api/invoke`;
    const body = JSON.stringify({ channel: 'owb:frames.pixels', request: { frameId: 1, binning: 2 } });
    const noAuth = await fetch(url, {
      method: 'POST',
      body,
      headers: { cookie: `owb_token_${server.port}=${server.token}` },
    });
    assert.equal(noAuth.status, 401, 'the cookie alone does not authorise a POST');
    const response = await fetch(url, { method: 'POST', body, headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    const result = decodeBinary(new Uint8Array(await response.arrayBuffer())) as {
      ok: boolean;
      value: { width: number; data: Float32Array };
    };
    assert.equal(result.value.width, 32);
    assert.equal(result.value.data.length, 32 * 32);
    const bad = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ channel: 'owb:frames.get', request: {} }),
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'BAD_PAYLOAD');
  });

  it('never serves files outside the renderer folder', async () => {
    // Dot segments are normalised away by URL parsing, encoded ones are clamped at the renderer root.
    const dots = await get(server.port, `/%2e%2e/%2e%2e/catalog.db?token=${server.token}`);
    assert.notEqual(dots.status, 200);
    assert.doesNotMatch(dots.body, /SQLite/);
    const slashes = await get(server.port, `/..%2f..%2fcatalog.db?token=${server.token}`);
    assert.notEqual(slashes.status, 200);
    assert.doesNotMatch(slashes.body, /SQLite/);
  });

  it('serves Prometheus metrics', async () => {
    const metrics = await get(server.port, `/metrics?token=${server.token}`);
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /text\/plain; version=0\.0\.4/);
    assert.match(metrics.body, /^# TYPE owb_jobs gauge$/m);
    assert.match(metrics.body, /^owb_jobs\{state="done"\} 1$/m);
    assert.match(metrics.body, /^owb_catalog_rows\{table="sources"\} 4$/m);
    assert.match(metrics.body, /^owb_job_duration_seconds\{window="1h",quantile="0.5"\} /m);
  });

  it('answers invokes over the WebSocket, pixels as binary, and streams subscribed events', async () => {
    const ws = await connect(server, { origin: `http://127.0.0.1:${server.port}` });
    try {
      ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'owb:frames.list', request: {} }));
      const list = (await nextMessage(ws, (m) => m.id === 1)) as {
        result: { ok: boolean; value: Array<{ id: number }> };
      };
      assert.equal(list.result.ok, true);
      ws.send(
        JSON.stringify({
          type: 'invoke',
          id: 2,
          channel: 'owb:frames.pixels',
          request: { frameId: list.result.value[0].id },
        }),
      );
      const pixels = (await nextMessage(ws, (m) => m.id === 2)) as {
        result: { value: { width: number; data: Float32Array } };
      };
      assert.ok(pixels.result.value.data instanceof Float32Array);
      assert.equal(pixels.result.value.data.length, 64 * 64);
      ws.send(JSON.stringify({ type: 'invoke', id: 3, channel: 'owb:frames.get', request: { frameId: 'x' } }));
      const bad = (await nextMessage(ws, (m) => m.id === 3)) as { result: { ok: boolean; error: { code: string } } };
      assert.equal(bad.result.error.code, 'BAD_PAYLOAD');

      ws.send(JSON.stringify({ type: 'subscribe', channels: ['owb:sources.added'] }));
      ws.send(JSON.stringify({ type: 'invoke', id: 4, channel: 'owb:workspace.info', request: {} }));
      await nextMessage(ws, (m) => m.id === 4); // the subscription is in place once a later invoke is answered
      const event = nextMessage(ws, (m) => m.type === 'event');
      services.events.emit('owb:jobs.changed', { id: 1 } as never); // not subscribed: not sent
      services.events.emit('owb:sources.added', { frameId: 7, count: 12 });
      assert.deepEqual(await event, {
        type: 'event',
        channel: 'owb:sources.added',
        payload: { frameId: 7, count: 12 },
      });
    } finally {
      ws.close();
    }
  });
});
