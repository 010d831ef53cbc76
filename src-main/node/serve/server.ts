import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isEventChannel, type EventChannel } from '../../common/ipc-contract.js';
import { containsTypedArray, encodeBinary } from '../../common/wire-codec.js';
import { createHandlers, dispatch, type Handlers } from '../api/handlers.js';
import type { WorkbenchServices } from '../api/services.js';
import { healthReport as watcherHealth } from './health.js';
import { healthReport, readinessReport } from './health-checks.js';
import { ApiMetrics, renderMetrics } from './metrics.js';
import {
  contentSecurityPolicy,
  cookieName,
  createToken,
  isAllowedHost,
  isAllowedOrigin,
  tokenOf,
  tokensEqual,
} from './security.js';
import { serveStatic } from './static-files.js';

export interface ServeOptions {
  services: WorkbenchServices;
  /** 0 picks a free port. */
  port?: number;
  /** Folder of the built renderer (dist/renderer). */
  staticDir: string;
  /** For tests; a random one otherwise. */
  token?: string;
  /** `/health` fails below this much free disk space in the workspace, bytes [512 MiB]. */
  minFreeBytes?: number;
  /** Windows of the `/metrics` job rate and latency, seconds [3600]. */
  metricsWindowsSec?: readonly number[];
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  metrics: ApiMetrics;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * `owb serve`: the renderer and the typed API over HTTP + WebSocket on 127.0.0.1 only. Every request and
 * upgrade must name our own loopback Host (and Origin, when sent) and carry the token, except `/health` and
 * `/ready` (health-checks.ts: 200 when every check passes, 503 with the failing checks otherwise).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? createToken();
  const handlers: Handlers = createHandlers(options.services);
  const metrics = new ApiMetrics();
  let port = 0;

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: Host or Origin is not this server\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const base = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    if (url.pathname === '/health' || url.pathname === '/ready') {
      const sources = { ...options.services, minFreeBytes: options.minFreeBytes };
      const report = url.pathname === '/health' ? healthReport(sources) : readinessReport(sources);
      res
        .writeHead(report.ok ? 200 : 503, { ...base, 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(
          JSON.stringify({
            status: report.status,
            version: options.services.version,
            checks: report.checks,
            // Each watched folder with its state and reason (a failed one also fails the watcher check).
            watchers: watcherHealth(options.services).watchers,
          }),
        );
      return;
    }
    const invokeOverHttp = url.pathname === '/api/invoke' && req.method === 'POST';
    if (req.method !== 'GET' && req.method !== 'HEAD' && !invokeOverHttp) {
      res.writeHead(405, base).end();
      return;
    }
    const given = tokenOf(req, url, port);
    if (!tokensEqual(given, token)) {
      res
        .writeHead(401, { ...base, 'content-type': 'text/plain' })
        .end('unauthorised: open the URL with ?token= that owb serve printed\n');
      return;
    }
    if (invokeOverHttp) {
      // The contract over plain HTTP, for results too big for one WebSocket message (a 4096² frame is
      // 64 MiB: browsers stream a fetch body far faster). Same dispatch, guards and Result as the socket.
      // The token must come in the Authorization header (never the cookie), so a cross-site form cannot post.
      if (!req.headers.authorization) {
        res.writeHead(401, base).end('unauthorised: /api/invoke needs Authorization: Bearer TOKEN\n');
        return;
      }
      const body = await readBody(req, 1 << 20);
      let message: { channel?: unknown; request?: unknown };
      try {
        message = JSON.parse(body) as typeof message;
      } catch {
        res.writeHead(400, base).end('bad JSON\n');
        return;
      }
      const result = await dispatch(handlers, message.channel, message.request, metrics.observe);
      if (containsTypedArray(result)) {
        res
          .writeHead(200, { ...base, 'content-type': 'application/octet-stream', 'cache-control': 'no-store' })
          .end(encodeBinary(result));
      } else {
        res
          .writeHead(200, { ...base, 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(result));
      }
      return;
    }
    const cookie = `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    if (url.pathname === '/metrics') {
      res
        .writeHead(200, { ...base, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
        .end(renderMetrics(options.services, metrics, options.metricsWindowsSec));
      return;
    }
    serveStatic(options.staticDir, url.pathname, res, {
      ...base,
      'set-cookie': cookie,
      'content-security-policy': contentSecurityPolicy(port),
      'x-frame-options': 'DENY',
    });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const allowed =
      url.pathname === '/ws' &&
      isAllowedHost(req.headers.host, port) &&
      isAllowedOrigin(req.headers.origin, port) &&
      tokensEqual(tokenOf(req, url, port), token);
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws));
  });

  function attachClient(ws: WebSocket): void {
    metrics.wsClients++;
    const subscribed = new Set<EventChannel>();
    const unsubscribe = options.services.events.onAny((channel, payload) => {
      if (!subscribed.has(channel) || ws.readyState !== ws.OPEN) return;
      metrics.eventsSent++;
      send(ws, { type: 'event', channel, payload });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      let message: { type?: unknown; id?: unknown; channel?: unknown; request?: unknown; channels?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'subscribe' && Array.isArray(message.channels)) {
        for (const c of message.channels) if (isEventChannel(c)) subscribed.add(c);
      } else if (message.type === 'invoke' && typeof message.id === 'number') {
        const id = message.id;
        void dispatch(handlers, message.channel, message.request, metrics.observe).then((result) => {
          if (ws.readyState === ws.OPEN) send(ws, { type: 'result', id, result });
        });
      }
    });
    ws.on('close', () => {
      metrics.wsClients--;
      unsubscribe();
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    metrics,
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(ws: WebSocket, message: unknown): void {
  if (containsTypedArray(message)) ws.send(encodeBinary(message), { binary: true });
  else ws.send(JSON.stringify(message));
}
