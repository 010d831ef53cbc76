// A peer that answers one request per connection and ignores any later one on the same socket, as DS9's Tcl
// XML-RPC server behaves (before this fix the DS9 spec lost about one reply in three, after it none in nine):
// every call must still be answered. Node 20's default agent keeps sockets alive and sent the next call down
// the finished connection, where it waited until the timeout.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { xmlrpcCall } from '../../../../src-main/node/samp/transport.js';
import { encodeResponse } from '../../../../src-main/node/samp/xmlrpc.js';

describe('XML-RPC calls to an HTTP/1.0 peer', () => {
  let server: Server;
  const sockets = new Set<import('node:net').Socket>();
  let url = '';
  before(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      let answered = false;
      socket.on('data', () => {
        if (answered) return; // a second request on this connection: never answered
        answered = true;
        const xml = encodeResponse('ok');
        // A status line of HTTP/1.1 with no "Connection: close" (as a Tcl server may write): Node keeps the socket.
        socket.write(`HTTP/1.1 200 OK\nContent-Type: text/xml\nContent-Length: ${Buffer.byteLength(xml)}\n\n${xml}`);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/xmlrpc`;
  });
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  it('answers call after call, each on its own connection', async () => {
    for (let i = 0; i < 3; i++) assert.equal(await xmlrpcCall(url, 'samp.test', [], 5000), 'ok', `call ${i + 1}`);
  });
});
