import type { RawData, WebSocket } from 'ws';
import { isEventChannel, type EventChannel } from '../../common/ipc-contract.js';
import { fail, type Result } from '../../common/result.js';
import { containsTypedArray, encodeBinary } from '../../common/wire-codec.js';
import { dispatch, type Handlers } from '../api/handlers.js';
import type { WorkbenchServices } from '../api/services.js';
import { logInternalError, type ServerLog } from './http-errors.js';
import type { ApiMetrics } from './metrics.js';

/** Per-connection limits of the WebSocket transport. */
export interface SocketLimits {
  /**
   * Bytes queued for one client and not yet taken by the network (`ws.bufferedAmount`) above which the
   * client counts as not reading [64 MiB]: events are then dropped, and a result that would go past it
   * closes the connection (1008), which frees everything queued for it.
   */
  highWaterBytes: number;
  /** Invokes of one connection that run at once; later ones wait in order [8]. */
  maxInFlight: number;
  /** Bytes of waiting invoke messages above which further invokes are answered `BUSY` at once [16 MiB]. */
  maxQueuedBytes: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  highWaterBytes: 64 * 1024 * 1024,
  maxInFlight: 8,
  maxQueuedBytes: 16 * 1024 * 1024,
};

interface Deps {
  handlers: Handlers;
  services: WorkbenchServices;
  metrics: ApiMetrics;
  limits: SocketLimits;
  log: ServerLog;
}

interface Invoke {
  id: number;
  channel: unknown;
  request: unknown;
  bytes: number;
}

/** WebSocket close code for a policy violation (RFC 6455 §7.4.1): here, a client that does not read. */
const CLOSE_POLICY = 1008;

/**
 * Serves one WebSocket client: invokes (answered as `result` messages, binary when they hold pixels) and
 * subscribed events. Nothing the client sends can throw out of here: socket errors (a frame with RSV1 set,
 * a message over `maxPayload`, which `ws` answers with close code 1002 / 1009) are logged and end only this
 * connection, unparseable messages are answered with an `error` message, and memory per connection is
 * bounded by {@link SocketLimits}.
 */
export function attachSocketClient(ws: WebSocket, deps: Deps): void {
  const { metrics, limits, log } = deps;
  metrics.wsClients++;
  const subscribed = new Set<EventChannel>();
  const waiting: Invoke[] = [];
  let waitingBytes = 0;
  let inFlight = 0;
  let closed = false;

  const unsubscribe = deps.services.events.onAny((channel, payload) => {
    if (!subscribed.has(channel) || ws.readyState !== ws.OPEN) return;
    if (send({ type: 'event', channel, payload }, 'event')) metrics.eventsSent++;
  });

  ws.on('error', (error: Error & { code?: string }) => {
    metrics.wsErrors++;
    log(`owb serve: WebSocket client dropped: ${error.message}${error.code ? ` (${error.code})` : ''}`);
  });
  ws.on('close', () => {
    closed = true;
    metrics.wsClients--;
    waiting.length = 0;
    waitingBytes = 0;
    unsubscribe();
  });

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const bytes = byteLength(data);
    if (isBinary) return reject(null, 'binary messages are not accepted; send JSON text');
    let message: unknown;
    try {
      message = JSON.parse(rawToString(data));
    } catch {
      return reject(null, 'the message is not JSON');
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message))
      return reject(null, 'the message must be a JSON object');
    const m = message as { type?: unknown; id?: unknown; channel?: unknown; request?: unknown; channels?: unknown };
    if (m.type === 'subscribe' && Array.isArray(m.channels)) {
      for (const c of m.channels) if (isEventChannel(c)) subscribed.add(c);
    } else if (m.type === 'invoke' && typeof m.id === 'number' && Number.isFinite(m.id)) {
      if (waitingBytes + bytes > limits.maxQueuedBytes) {
        send({ type: 'result', id: m.id, result: fail('BUSY', 'too many invokes waiting on this connection') });
        return;
      }
      waiting.push({ id: m.id, channel: m.channel, request: m.request, bytes });
      waitingBytes += bytes;
      pump();
    } else
      reject(
        typeof m.id === 'number' ? m.id : null,
        "expected {type:'invoke', id, channel, request} or {type:'subscribe', channels}",
      );
  });

  function reject(id: number | null, message: string): void {
    send({ type: 'error', ...(id === null ? {} : { id }), error: { code: 'BAD_MESSAGE', message } });
  }

  function pump(): void {
    while (!closed && inFlight < limits.maxInFlight && waiting.length > 0) {
      const next = waiting.shift()!;
      waitingBytes -= next.bytes;
      inFlight++;
      void run(next).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  async function run(invoke: Invoke): Promise<void> {
    let result: Result<unknown>;
    try {
      result = await dispatch(deps.handlers, invoke.channel, invoke.request, metrics.observe);
    } catch (error) {
      result = internal(error);
    }
    if (!closed) send({ type: 'result', id: invoke.id, result });
  }

  function internal(error: unknown): Result<unknown> {
    const id = logInternalError(error, log);
    return fail('INTERNAL', `internal error ${id}: see the owb serve log`);
  }

  /** Queues one message unless the client is not reading; returns whether it was queued. */
  function send(message: unknown, kind: 'event' | 'reply' = 'reply'): boolean {
    if (ws.readyState !== ws.OPEN) return false;
    let data: Uint8Array | string;
    try {
      data = containsTypedArray(message) ? encodeBinary(message) : JSON.stringify(message);
    } catch (error) {
      if (kind === 'event') return false;
      const id = (message as { id?: unknown }).id;
      data = JSON.stringify({ type: 'result', id, result: internal(error) });
    }
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (ws.bufferedAmount + bytes > limits.highWaterBytes) {
      if (kind === 'event') {
        metrics.eventsDropped++;
        return false;
      }
      metrics.wsSlowClosed++;
      log(
        `owb serve: closing a WebSocket client that is not reading (${ws.bufferedAmount} bytes queued, limit ${limits.highWaterBytes})`,
      );
      closed = true;
      ws.close(CLOSE_POLICY, 'not reading: send queue over its limit');
      // The close frame waits behind the unread data; dropping the socket frees that data now.
      ws.terminate();
      return false;
    }
    ws.send(data, { binary: typeof data !== 'string' });
    return true;
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
