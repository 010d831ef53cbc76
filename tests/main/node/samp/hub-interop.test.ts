// What DS9 needed from our hub (it could not register before): requests with bare-LF line ends answered with a
// Content-Length, a callback named by this machine's host name called on 127.0.0.1, hub events so a tool learns
// who registers and subscribes, and a callAndWait that may outlast the HTTP client's default 10 s.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SampClient, type SampMessage } from '../../../../src-main/node/samp/client.js';
import { SampHub } from '../../../../src-main/node/samp/hub.js';
import { serveXmlRpc, xmlrpcCall } from '../../../../src-main/node/samp/transport.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-samp-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One raw HTTP exchange, as DS9's Tcl XML-RPC writes it: HTTP/1.0, lines ended by a bare LF. */
function rawPost(port: number, body: string): Promise<string> {
  const request = `POST /samp.hub.ping HTTP/1.0\nContent-Type: text/xml\nContent-length: ${body.length}\n\n${body}`;
  return new Promise((resolve, reject) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => s.write(request));
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

describe('SAMP hub and transport for DS9', () => {
  it('answers a bare-LF HTTP/1.0 request, with a Content-Length', async () => {
    const { server, url } = await serveXmlRpc(() => () => 'pong');
    try {
      const body =
        '<?xml version="1.0"?>\n<methodCall><methodName>samp.hub.ping</methodName><params></params></methodCall>\n';
      const reply = await rawPost(Number(new URL(url).port), body);
      assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
      const length = Number(/\r\nContent-Length: (\d+)\r\n/.exec(reply)?.[1]);
      const payload = reply.slice(reply.indexOf('\r\n\r\n') + 4);
      assert.equal(length, Buffer.byteLength(payload));
      assert.match(payload, /<string>pong<\/string>/);
    } finally {
      server.close();
    }
  });

  it('calls back a client named by host name on 127.0.0.1, sends hub events, and waits past 10 s', async () => {
    const env = { SAMP_HUB: `std-lockurl:${pathToFileURL(join(dir, 'hub.samp')).href}` };
    const hub = await SampHub.start({ env });
    const events: SampMessage[] = [];
    const watcher = await SampClient.connect({
      name: 'watcher',
      env,
      subscriptions: ['samp.hub.event.*'],
      onMessage: (m) => void events.push(m),
    });
    // A DS9-like client by hand: register, metadata, a callback URL with our host name, subscriptions.
    const secret = /samp\.secret=(\w+)/.exec(readFileSync(join(dir, 'hub.samp'), 'utf8'))?.[1];
    const reg = (await xmlrpcCall(hub.url, 'samp.hub.register', [secret as string])) as Record<string, string>;
    const key = reg['samp.private-key'];
    const received: string[] = [];
    let answered: () => void = () => undefined;
    const done = new Promise<void>((r) => (answered = r));
    const { server, url } = await serveXmlRpc((method) =>
      method === 'samp.client.receiveCall'
        ? ([, , msgId, msg]) => {
            received.push(String((msg as Record<string, unknown>)['samp.mtype']));
            // Reply after 11 s: callAndWait's HTTP request must not give up at its default 10 s.
            setTimeout(() => {
              void xmlrpcCall(hub.url, 'samp.hub.reply', [
                key,
                String(msgId),
                { 'samp.status': 'samp.ok', 'samp.result': { value: 'late' } },
              ]).then(answered);
            }, 11_000);
            return '';
          }
        : () => '',
    );
    try {
      await xmlrpcCall(hub.url, 'samp.hub.declareMetadata', [key, { 'samp.name': 'DS9-like' }]);
      const port = new URL(url).port;
      await xmlrpcCall(hub.url, 'samp.hub.setXmlrpcCallback', [key, `http://${hostname()}:${port}/`]);
      await assert.rejects(
        xmlrpcCall(hub.url, 'samp.hub.setXmlrpcCallback', [key, `http://example.org:${port}/`]),
        /only calls back loopback/,
      );
      await xmlrpcCall(hub.url, 'samp.hub.declareSubscriptions', [key, { 'ds9.get': {} }]);
      const r = await watcher.callAndWait({ 'samp.mtype': 'ds9.get', 'samp.params': { cmd: 'file' } }, 'DS9-like', 30);
      assert.deepEqual(r['samp.result'], { value: 'late' });
      assert.deepEqual(received, ['ds9.get']);
      await done;
      await xmlrpcCall(hub.url, 'samp.hub.unregister', [key]);
      // Each event is its own HTTP call from the hub, so the unregister one may still be on its way.
      for (let i = 0; i < 400 && !events.some((e) => e['samp.mtype'] === 'samp.hub.event.unregister'); i++)
        await new Promise((res) => setTimeout(res, 25));
      await watcher.close();
      const kinds = events.map((e) => e['samp.mtype']);
      assert.deepEqual([...new Set(kinds)].sort(), [
        'samp.hub.event.metadata',
        'samp.hub.event.register',
        'samp.hub.event.subscriptions',
        'samp.hub.event.unregister',
      ]);
      const meta = events.find((e) => e['samp.mtype'] === 'samp.hub.event.metadata');
      assert.deepEqual(meta?.['samp.params'], { id: reg['samp.self-id'], metadata: { 'samp.name': 'DS9-like' } });
    } finally {
      server.close();
      await hub.stop();
    }
  });
});
