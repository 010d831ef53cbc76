// Binary replies of POST /api/invoke are written in parts with backpressure (server.ts writeBinary):
// 40 parallel full-frame requests all get the same, complete message (Content-Length right, bytes equal
// to encodeBinary of the handler's result, pixels equal to the FITS file's as astropy reads them), and
// clients that hang up mid-transfer neither crash the server nor leave it unable to answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeBinary, encodeBinary } from '../../../../src-main/common/wire-codec.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { startServer, type RunningServer } from '../../../../src-main/node/serve/server.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';
import { python } from '../../../workers/fits-oracles.js';

const SIZE = 512;

function invoke(
  port: number,
  token: string,
  body: unknown,
  hangUpAfterBytes?: number,
): Promise<{ status: number; length: number; bytes: Buffer }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
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
        let got = 0;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          got += c.length;
          if (hangUpAfterBytes !== undefined && got >= hangUpAfterBytes) {
            req.destroy();
            resolve({
              status: res.statusCode ?? 0,
              length: Number(res.headers['content-length']),
              bytes: Buffer.alloc(0),
            });
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            length: Number(res.headers['content-length']),
            bytes: Buffer.concat(chunks),
          }),
        );
        res.on('error', () => undefined);
      },
    );
    req.on('error', (e) => (hangUpAfterBytes === undefined ? reject(e) : undefined));
    req.end(payload);
  });
}

describe('owb serve: streamed binary replies', () => {
  let dir: string;
  let services: WorkbenchServices;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-serve-binary-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: SIZE, starCount: 20 });
    services = openWorkspace(dir, { pollChanges: false });
    server = await startServer({ services, port: 0, staticDir: join(dir, 'no-renderer') });
  });
  after(async () => {
    await server.close();
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives 40 parallel clients the whole frame, byte for byte, and survives clients that hang up', async () => {
    const body = { channel: 'owb:frames.pixels', request: { frameId: 1, binning: 1 } };
    // Clients that leave after the first bytes, amid complete ones.
    const quitters = Array.from({ length: 10 }, () => invoke(server.port, server.token, body, 1));
    const replies = await Promise.all(Array.from({ length: 40 }, () => invoke(server.port, server.token, body)));
    await Promise.all(quitters);
    const { path } = services.db.prepare('SELECT path FROM frames WHERE id = 1').get() as { path: string };
    const want = Buffer.from(
      encodeBinary({
        ok: true,
        value: await services.images.binned(path, 1),
      }),
    );
    for (const r of replies) {
      assert.equal(r.status, 200);
      assert.equal(r.length, r.bytes.length, 'Content-Length is the body length');
      assert.ok(r.bytes.equals(want), 'the streamed message equals encodeBinary of the result');
    }
    const decoded = decodeBinary(new Uint8Array(replies[0].bytes)) as { value: { width: number; data: Float32Array } };
    assert.equal(decoded.value.width, SIZE);
    writeFileSync(join(dir, 'pixels.f32'), decoded.value.data);
    const differ = python(
      `import numpy as np\nfrom astropy.io import fits\n` +
        `d = fits.getdata('${path}').astype(np.float32).ravel()\n` +
        `g = np.fromfile('${dir}/pixels.f32', dtype='<f4')\n` +
        `print(int((d != g).sum()))`,
    );
    assert.equal(Number(differ), 0);
    const after = await invoke(server.port, server.token, { channel: 'owb:frames.list', request: {} });
    assert.equal(after.status, 200, 'still answering after the hang-ups');
  });
});
