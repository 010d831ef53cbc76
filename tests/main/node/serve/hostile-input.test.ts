/**
 * `owb serve` against hostile input, one defect per test (issue 25): every answer has the right status, no
 * WebSocket frame can take the process down, and a client that stops reading is cut off instead of
 * growing the server's memory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { startServer, type RunningServer } from '../../../../src-main/node/serve/server.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';
import { clientFrame, closeCodeOf, httpRequest, rawExchange, rawWebSocket } from './raw-client.js';

const FRAME_PX = 256;
const HIGH_WATER = 4 * 1024 * 1024;

describe('owb serve under hostile input', () => {
  let dir: string;
  let services: WorkbenchServices;
  let server: RunningServer;
  const logged: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-hostile-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: FRAME_PX, starCount: 4 });
    services = openWorkspace(dir, { pollChanges: false, version: '9.9.9' });
    server = await startServer({
      services,
      port: 0,
      staticDir: join(dir, 'no-renderer'),
      log: (line) => logged.push(line),
      socketLimits: { highWaterBytes: HIGH_WATER },
    });
  });
  after(async () => {
    await server.close();
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (body: string | Buffer, headers: Record<string, string> = {}) =>
    httpRequest(server.port, {
      method: 'POST',
      path: '/api/invoke',
      body,
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...headers },
    });

  it('answers JSON that is not {channel, request} with 400, not 500', async () => {
    for (const body of ['null', '[]', '42', '"x"', '{"channel": 5}', '{', '\xff\xfe']) {
      const res = await invoke(body);
      assert.equal(res.status, 400, `body ${body}: ${res.body}`);
      assert.doesNotMatch(res.body, /Cannot read|at .*\.ts:/);
    }
  });

  it('answers a body over 1 MiB with 413 (not a connection reset)', async () => {
    const big = Buffer.alloc((1 << 20) + 1, 0x20);
    const res = await invoke(big);
    assert.equal(res.status, 413, res.body);
    assert.match(res.body, /1048576 bytes/);
    // Chunked, so the size is found while reading rather than from Content-Length.
    const chunked = await invoke(big, { 'transfer-encoding': 'chunked' });
    assert.equal(chunked.status, 413);
  });

  it('answers malformed %-escapes in the path and the cookie with 400 / 401, not 500 "URI malformed"', async () => {
    const path = await httpRequest(server.port, { path: `/%E0%A4%A?token=${server.token}` });
    assert.equal(path.status, 400, path.body);
    assert.equal((await httpRequest(server.port, { path: `/a%00b?token=${server.token}` })).status, 400);
    const cookie = await httpRequest(server.port, {
      path: '/',
      headers: { cookie: `owb_token_${server.port}=%E0%A4%A` },
    });
    assert.equal(cookie.status, 401, cookie.body);
  });

  it('answers a URI over 8 KiB with 414 and a request target that is not a path with 400', async () => {
    const long = await httpRequest(server.port, { path: `/?token=${server.token}&pad=${'a'.repeat(9000)}` });
    assert.equal(long.status, 414);
    const target = await rawExchange(
      server.port,
      `GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(target.toString(), /^HTTP\/1\.1 400 /);
    const garbage = await rawExchange(server.port, 'GARBAGE\r\n\r\n');
    assert.match(garbage.toString(), /^HTTP\/1\.1 400 /);
  });

  it('never lets a right ?token= through next to a wrong Authorization header', async () => {
    const body = JSON.stringify({ channel: 'owb:workspace.info', request: {} });
    const both = await httpRequest(server.port, {
      method: 'POST',
      path: `/api/invoke?token=${server.token}`,
      body,
      headers: { authorization: 'Bearer wrong' },
    });
    assert.equal(both.status, 401);
    const queryOnly = await httpRequest(server.port, {
      method: 'POST',
      path: `/api/invoke?token=${server.token}`,
      body,
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(queryOnly.status, 401, 'the token is not accepted in the URL of /api/invoke');
    const page = await httpRequest(server.port, {
      path: `/metrics?token=${server.token}`,
      headers: { authorization: 'Basic d3Jvbmc=' },
    });
    assert.equal(page.status, 401, 'a wrong Authorization next to a right ?token= on a page');
    const staleCookie = await httpRequest(server.port, {
      path: `/metrics?token=${server.token}`,
      headers: { cookie: `owb_token_${server.port}=old-run` },
    });
    assert.equal(staleCookie.status, 200, 'a stale cookie does not block the printed URL (its answer replaces it)');
    assert.equal((await invoke(body)).status, 200);
  });

  it('closes a WebSocket that sends an RSV1 frame (1002) and stays up', async () => {
    const socket = await rawWebSocket(server.port, server.token);
    socket.write(clientFrame(0xc1, Buffer.from('{"type":"subscribe","channels":[]}')));
    assert.equal(await closeCodeOf(socket), 1002);
    assert.equal((await httpRequest(server.port, { path: '/health' })).status, 200);
  });

  it('answers a message over maxPayload with close code 1009 and stays up', async () => {
    const socket = await rawWebSocket(server.port, server.token);
    socket.write(clientFrame(0x81, Buffer.alloc(0), 16 * 1024 * 1024 + 1));
    assert.equal(await closeCodeOf(socket), 1009);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    assert.equal(await closed, 1009);
    assert.equal((await httpRequest(server.port, { path: '/health' })).status, 200);
  });

  it('answers messages that are not JSON objects with an error message, on the same connection', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const replies: Array<{ type: string; id?: number; error?: { code: string }; result?: { ok: boolean } }> = [];
    const got = new Promise<void>((resolve) =>
      ws.on('message', (d: Buffer) => {
        replies.push(JSON.parse(d.toString()) as (typeof replies)[number]);
        if (replies.length === 5) resolve();
      }),
    );
    for (const m of ['not json', 'null', '[1]', '{"type":"invoke","id":"x"}']) ws.send(m);
    ws.send(JSON.stringify({ type: 'invoke', id: 9, channel: 'owb:workspace.info', request: null }));
    await got;
    ws.close();
    assert.deepEqual(
      replies.slice(0, 4).map((r) => r.error?.code),
      ['BAD_MESSAGE', 'BAD_MESSAGE', 'BAD_MESSAGE', 'BAD_MESSAGE'],
    );
    assert.equal(replies[4].id, 9);
  });

  it('closes a client that stops reading instead of queueing its results without bound', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.on('error', () => undefined);
    const list = await new Promise<{ result: { value: Array<{ id: number }> } }>((resolve) => {
      ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()) as never));
      ws.send(JSON.stringify({ type: 'invoke', id: 0, channel: 'owb:frames.list', request: {} }));
    });
    const frameId = list.result.value[0].id;
    ws.pause(); // stop reading: the kernel buffers fill, then the server's send queue
    const before = server.metrics.wsSlowClosed;
    const count = 300; // 300 × 256 KiB of pixels = 75 MiB unread
    for (let id = 1; id <= count; id++)
      ws.send(JSON.stringify({ type: 'invoke', id, channel: 'owb:frames.pixels', request: { frameId } }));
    const deadline = Date.now() + 30_000;
    while (server.metrics.wsSlowClosed === before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.metrics.wsSlowClosed, before + 1, 'the slow client was closed');
    assert.ok(logged.some((line) => /not reading/.test(line)));
    ws.terminate();
    assert.equal((await httpRequest(server.port, { path: '/health' })).status, 200);
  });

  it('logs a bug in a handler under an id and never sends its stack', async () => {
    const original = services.db.prepare.bind(services.db);
    // Any handler that touches the catalog now throws a plain Error: our bug, as far as the server knows.
    (services.db as { prepare: unknown }).prepare = () => {
      throw new Error('simulated bug');
    };
    try {
      const res = await httpRequest(server.port, { path: `/metrics?token=${server.token}` });
      assert.equal(res.status, 500);
      const id = /internal error ([0-9a-f]{12})/.exec(res.body)?.[1];
      assert.ok(id, res.body);
      assert.doesNotMatch(res.body, /simulated bug|\.ts:\d+/);
      assert.ok(logged.some((line) => line.includes(id) && line.includes('simulated bug')));
    } finally {
      (services.db as { prepare: unknown }).prepare = original;
    }
  });
});
