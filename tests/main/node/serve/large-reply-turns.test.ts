// Full-resolution replies take turns (server.ts `maxLargeReplies`): while a client that stopped reading
// holds the only turn, a second full-frame request waits for it, a light request (frames.list) is answered
// at once, and when the first client reads again both frames arrive whole.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { startServer, type RunningServer } from '../../../../src-main/node/serve/server.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

// 16 MiB: far more than loopback socket buffers hold, so a client that stops reading stalls its reply.
const SIZE = 2048;

interface Call {
  /** Resolves with the response as soon as its headers arrive. */
  headers: Promise<IncomingMessage>;
  /** Resolves with the whole body. */
  body: Promise<Buffer>;
}

function invoke(port: number, token: string, body: unknown): Call {
  let gotHeaders!: (res: IncomingMessage) => void;
  let gotBody!: (bytes: Buffer) => void;
  let failed!: (error: Error) => void;
  const headers = new Promise<IncomingMessage>((resolve) => (gotHeaders = resolve));
  const whole = new Promise<Buffer>((resolve, reject) => {
    gotBody = resolve;
    failed = reject;
  });
  const req = request(
    {
      host: '127.0.0.1',
      port,
      path: '/api/invoke',
      method: 'POST',
      agent: false,
      headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => gotBody(Buffer.concat(chunks)));
      res.on('error', failed);
      gotHeaders(res);
    },
  );
  req.on('error', failed);
  req.end(JSON.stringify(body));
  return { headers, body: whole };
}

describe('owb serve: large replies take turns', () => {
  let dir: string;
  let services: WorkbenchServices;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-serve-turns-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: SIZE, starCount: 20 });
    services = openWorkspace(dir, { pollChanges: false });
    server = await startServer({ services, port: 0, staticDir: join(dir, 'no-renderer'), maxLargeReplies: 1 });
  });
  after(async () => {
    await server.close();
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a frame list while a stalled full-frame reply holds the turn, and then every frame whole', async () => {
    const pixels = { channel: 'owb:frames.pixels', request: { frameId: 1, binning: 1 } };
    const first = invoke(server.port, server.token, pixels);
    const stalled = await first.headers;
    stalled.pause();
    const second = invoke(server.port, server.token, pixels);
    let secondStarted = false;
    void second.headers.then(() => (secondStarted = true));
    const list = invoke(server.port, server.token, { channel: 'owb:frames.list', request: {} });
    const listed = JSON.parse((await list.body).toString('utf8')) as { ok: boolean; value: unknown[] };
    assert.equal(listed.ok, true);
    assert.equal(listed.value.length, 1);
    assert.equal(secondStarted, false, 'the second full frame waits for the stalled one');
    stalled.resume();
    const [a, b] = await Promise.all([first.body, second.body]);
    const length = Number((await second.headers).headers['content-length']);
    assert.ok(length > SIZE * SIZE * 4);
    assert.equal(a.length, length);
    assert.ok(a.equals(b), 'both clients got the same, whole frame');
  });
});
