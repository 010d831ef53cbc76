/** XML-RPC over HTTP on the loopback interface: one POST helper and one bounded server for hubs and clients. */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import {
  decodeCall,
  decodeResponse,
  encodeCall,
  encodeFault,
  encodeResponse,
  MAX_XMLRPC_BYTES,
  XmlRpcError,
  type SampValue,
} from './xmlrpc.js';

/** Calls `method` at an XML-RPC `url` (http only) and returns its value; faults throw `XmlRpcError`. */
export function xmlrpcCall(url: string, method: string, params: SampValue[], timeoutMs = 10_000): Promise<SampValue> {
  const u = new URL(url);
  if (u.protocol !== 'http:') return Promise.reject(new XmlRpcError(`SAMP: refusing a non-http XML-RPC URL ${url}`));
  const body = encodeCall(method, params);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), Connection: 'close' },
        // One connection per call: Node 20's default agent keeps sockets alive, and a later call on a socket
        // DS9's Tcl XML-RPC server has finished with is never answered.
        agent: false,
        timeout: timeoutMs,
        // DS9's replies end their lines in a bare LF too (see serveXmlRpc).
        insecureHTTPParser: true,
      },
      (res) => {
        readBody(res)
          .then((text) => resolve(decodeResponse(text)))
          .catch(reject);
      },
    );
    req.on('timeout', () => req.destroy(new XmlRpcError(`SAMP: ${method} at ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_XMLRPC_BYTES) {
        reject(new XmlRpcError(`XML-RPC body over ${MAX_XMLRPC_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export type XmlRpcHandler = (params: SampValue[]) => SampValue | Promise<SampValue>;

/**
 * An XML-RPC server on 127.0.0.1 (ephemeral port unless given). Unknown methods and handler errors become
 * faults; malformed bodies get a fault too, never a crash. Returns the server and its URL.
 */
export async function serveXmlRpc(
  handlers: (method: string) => XmlRpcHandler | undefined,
  port = 0,
): Promise<{ server: Server; url: string }> {
  // DS9 ends its request lines in a bare LF, which Node's strict parser refuses (the socket closed, DS9 said
  // "Premature eof" and never registered). The lenient parser accepts it; the server only listens on loopback
  // and answers one POST per connection, so the request smuggling it guards against has nothing to reach.
  const server = createServer({ insecureHTTPParser: true }, (req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    readBody(req)
      .then(async (text) => {
        const { method, params } = decodeCall(text);
        const h = handlers(method);
        if (!h) throw new XmlRpcError(`no such method ${method}`);
        return encodeResponse(await h(params));
      })
      .catch((e: unknown) => encodeFault(e instanceof XmlRpcError ? e.faultCode : 1, (e as Error).message))
      // DS9's XML-RPC (Tcl) reads exactly Content-Length bytes and fails on a chunked body without one.
      .then((xml) =>
        res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) }).end(xml),
      );
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const p = typeof addr === 'object' && addr ? addr.port : port;
  return { server, url: `http://127.0.0.1:${p}/xmlrpc` };
}
