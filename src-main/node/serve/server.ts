import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { containsTypedArray, encodeBinaryParts } from '../../common/wire-codec.js';
import { ReplyGate } from './reply-gate.js';
import { createHandlers, dispatch, type Handlers } from '../api/handlers.js';
import type { WorkbenchServices } from '../api/services.js';
import { healthReport as watcherHealth } from './health.js';
import { healthReport, readinessReport } from './health-checks.js';
import { pgHealthReport, pgReadinessReport } from './health-postgres.js';
import { HttpError, logInternalError, sendHttpError, sendInternalError, type ServerLog } from './http-errors.js';
import { ApiMetrics, renderMetrics } from './metrics.js';
import { parseInvokeBody, readBody } from './request-body.js';
import {
  authorise,
  contentSecurityPolicy,
  cookieName,
  createToken,
  credentialsOf,
  isAllowedHost,
  isAllowedOrigin,
} from './security.js';
import { attachSocketClient, DEFAULT_SOCKET_LIMITS, type SocketLimits } from './socket-client.js';
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
  /** Lines about the server's own failures (internal errors with their id, dropped clients) [stderr]. */
  log?: ServerLog;
  /** Per-WebSocket limits [{@link DEFAULT_SOCKET_LIMITS}]. */
  socketLimits?: Partial<SocketLimits>;
  /** Largest WebSocket message a client may send; larger ones are closed with 1009 [16 MiB]. */
  maxPayloadBytes?: number;
  /**
   * Binary HTTP replies over {@link LARGE_REPLY_BYTES} written at once; later ones wait their turn in
   * arrival order, so a burst of full-resolution frames cannot starve light requests [4].
   */
  maxLargeReplies?: number;
}

/** A binary reply from this size on waits for a turn of `maxLargeReplies` [1 MiB]. */
export const LARGE_REPLY_BYTES = 1 << 20;
/** A binary reply whose socket accepts nothing for this long is dropped (its client stopped reading). */
const REPLY_STALL_MS = 60_000;

/** Longest request target (path and query) accepted; longer ones get 414 [8 KiB]. */
export const MAX_URL_BYTES = 8192;

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
  const largeReplies = new ReplyGate(options.maxLargeReplies ?? 4);
  let port = 0;

  const log: ServerLog = options.log ?? ((line) => process.stderr.write(`${line}\n`));

  const server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    const problem = checkTarget(req.url);
    const handled = problem ? Promise.reject(problem) : handleHttp(req, res);
    handled.catch((error: unknown) => {
      if (!(error instanceof HttpError)) return void sendInternalError(res, error, log);
      // The connection stays open (a `Connection: close` answer while the client is still sending makes
      // its kernel see a reset before our answer); Node drops an unread body, a refused one we drain.
      sendHttpError(res, error);
      if (error.status === 413 && !req.complete) discardBody(req);
    });
  });
  // Malformed HTTP (bad request line, header overflow) never reaches the handler: answer it, never throw.
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (socket.writable && !(socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
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
      const report =
        options.services.sql.backend === 'postgres'
          ? await (url.pathname === '/health' ? pgHealthReport(sources) : pgReadinessReport(sources))
          : url.pathname === '/health'
            ? healthReport(sources)
            : readinessReport(sources);
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
      res.writeHead(405, { ...base, allow: 'GET, HEAD, POST' }).end();
      return;
    }
    const refused = authorise(invokeOverHttp ? 'invoke' : 'page', credentialsOf(req, url, port), token);
    if (refused) {
      const hint = invokeOverHttp
        ? '/api/invoke needs Authorization: Bearer TOKEN'
        : 'open the URL with ?token= that owb serve printed';
      throw new HttpError(401, `unauthorised: ${refused}; ${hint}`);
    }
    if (invokeOverHttp) {
      // The contract over plain HTTP, for results too big for one WebSocket message (a 4096² frame is
      // 64 MiB: browsers stream a fetch body far faster). Same dispatch, guards and Result as the socket.
      // The token must come in the Authorization header (never the cookie), so a cross-site form cannot post.
      const message = parseInvokeBody(await readBody(req));
      const result = await dispatch(handlers, message.channel, message.request, metrics.observe);
      if (containsTypedArray(result)) {
        await writeBinary(res, base, result, largeReplies);
      } else {
        res
          .writeHead(200, { ...base, 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(result));
      }
      return;
    }
    const cookie = `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    if (url.pathname === '/metrics') {
      if (options.services.sql.backend === 'postgres') {
        res
          .writeHead(501, { ...base, 'content-type': 'text/plain; charset=utf-8' })
          .end('/metrics reads a SQLite catalog; this server serves a PostgreSQL one\n');
        return;
      }
      // Rendered before writeHead, so a failure can still be a 500.
      const text = renderMetrics(options.services, metrics, options.metricsWindowsSec);
      res.writeHead(200, { ...base, 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
      return;
    }
    serveStatic(options.staticDir, url.pathname, res, {
      ...base,
      'set-cookie': cookie,
      'content-security-policy': contentSecurityPolicy(port),
      'x-frame-options': 'DENY',
    });
  }

  const socketLimits: SocketLimits = { ...DEFAULT_SOCKET_LIMITS, ...options.socketLimits };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? 16 * 1024 * 1024,
    perMessageDeflate: false,
  });
  wss.on('error', (error) => log(`owb serve: WebSocket server error: ${error.message}`));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string, reason: string): void => {
      socket.end(
        `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`,
      );
      socket.destroy();
    };
    try {
      const problem = checkTarget(req.url);
      if (problem)
        return refuse(`${problem.status} ${problem.status === 414 ? 'URI Too Long' : 'Bad Request'}`, problem.message);
      const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
      if (!isAllowedHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port))
        return refuse('403 Forbidden', 'forbidden: Host or Origin is not this server');
      if (url.pathname !== '/ws') return refuse('404 Not Found', 'the WebSocket is at /ws');
      const refused = authorise('socket', credentialsOf(req, url, port), token);
      if (refused) return refuse('401 Unauthorized', `unauthorised: ${refused}`);
      wss.handleUpgrade(req, socket, head, (ws) =>
        attachSocketClient(ws, { handlers, services: options.services, metrics, limits: socketLimits, log }),
      );
    } catch (error) {
      const id = logInternalError(error, log);
      refuse('500 Internal Server Error', `internal error ${id}: see the owb serve log`);
    }
  });

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

/** A request target we refuse before parsing it: too long (414) or not a URL (400). */
function checkTarget(target: string | undefined): HttpError | null {
  if (target === undefined) return new HttpError(400, 'bad request: no request target');
  if (Buffer.byteLength(target) > MAX_URL_BYTES) return new HttpError(414, `URI over ${MAX_URL_BYTES} bytes`);
  if (!target.startsWith('/')) return new HttpError(400, 'bad request: the request target must be a path');
  if (!URL.canParse(target, `http://${HOST}`)) return new HttpError(400, 'bad request: malformed request target');
  return null;
}

/**
 * Reads and drops the rest of a body we refused (413) so the client, still sending, receives the answer
 * instead of a connection reset; gives up (closing the socket) after 64 MiB or 10 s.
 */
function discardBody(req: IncomingMessage): void {
  let left = 64 * 1024 * 1024;
  const timer = setTimeout(() => req.socket.destroy(), 10_000);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) req.socket.destroy();
  });
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * Sends a binary result (wire-codec layout) as its parts: the pixels go out as views of the cached
 * frame, never copied into one message per request, and each part waits for the socket to drain
 * (backpressure), so 200 clients of a 16 MiB frame do not hold 200 copies (3 GB) in memory.
 */
async function writeBinary(
  res: ServerResponse,
  base: Record<string, string>,
  result: unknown,
  gate: ReplyGate,
): Promise<void> {
  const parts = encodeBinaryParts(result);
  const length = parts.reduce((n, p) => n + p.byteLength, 0);
  if (length < LARGE_REPLY_BYTES) return writeParts(res, base, parts, length);
  const release = await gate.acquire();
  try {
    // A client that left while waiting for its turn gets nothing written.
    if (!res.destroyed) await writeParts(res, base, parts, length);
  } finally {
    release();
  }
}

async function writeParts(
  res: ServerResponse,
  base: Record<string, string>,
  parts: Uint8Array[],
  length: number,
): Promise<void> {
  res.writeHead(200, {
    ...base,
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'cache-control': 'no-store',
  });
  for (const part of parts) {
    if (res.destroyed) return;
    if (!res.write(part)) {
      await new Promise<void>((resume) => {
        // A client that stops reading would keep its turn (and every later large reply) for ever.
        const stalled = setTimeout(() => res.destroy(), REPLY_STALL_MS);
        const done = (): void => {
          clearTimeout(stalled);
          res.off('drain', done);
          res.off('close', done);
          resume();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}
