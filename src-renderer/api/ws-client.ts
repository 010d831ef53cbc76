import type {
  EventChannel,
  EventMap,
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  OwbBridge,
} from '../../src-main/common/ipc-contract.js';
import type { Result } from '../../src-main/common/result.js';
import { decodeBinary } from '../../src-main/common/wire-codec.js';

type Pending = (result: Result<unknown>) => void;

/**
 * Where the link to `owb serve` stands: `connecting` before the first connection, `connected`,
 * `offline` after a drop (retrying every second), `restarted` when the server answers again but
 * refuses this page's token: it was restarted with a new one, and only its new URL can connect.
 */
export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'restarted';

/** The error of an invoke made while the connection is down: the request was not sent (nothing saved). */
export const DISCONNECTED_MESSAGE = 'not connected to owb serve: nothing was sent or saved';

/**
 * The browser transport of the contract: one WebSocket to `owb serve` carrying invokes, results
 * (binary frames when they hold pixels) and subscribed events. Reconnects after a drop and
 * re-subscribes; invokes made before the first connection wait for it, invokes made after a drop fail
 * at once with `DISCONNECTED`.
 */
export interface HttpInvoke {
  /** Channels whose results are large binary (frame pixels): invoked with a POST to /api/invoke instead. */
  channels: ReadonlySet<string>;
  token: string;
}

export function createWebSocketBridge(
  url: string,
  onStatus?: (state: ConnectionState) => void,
  http?: HttpInvoke,
): OwbBridge {
  let state: ConnectionState = 'connecting';
  const setState = (next: ConnectionState): void => {
    if (next === state) return;
    state = next;
    onStatus?.(next);
  };
  let socket: WebSocket | null = null;
  let nextId = 1;
  let opened: Promise<WebSocket> | null = null;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        socket = ws;
        setState('connected');
        if (listeners.size) ws.send(JSON.stringify({ type: 'subscribe', channels: [...listeners.keys()] }));
        resolve(ws);
      };
      ws.onmessage = (event: MessageEvent) => {
        const message = (
          typeof event.data === 'string'
            ? JSON.parse(event.data)
            : decodeBinary(new Uint8Array(event.data as ArrayBuffer))
        ) as {
          type: string;
          id?: number;
          result?: Result<unknown>;
          channel?: EventChannel;
          payload?: unknown;
        };
        if (message.type === 'result' && message.id !== undefined) {
          pending.get(message.id)?.(message.result as Result<unknown>);
          pending.delete(message.id);
        } else if (message.type === 'event' && message.channel) {
          for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
        }
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = null;
        opened = null;
        if (state !== 'connecting' || wasOpen) setState('offline');
        for (const [id, settle] of pending) {
          settle({ ok: false, error: { code: 'DISCONNECTED', message: 'the connection to owb serve was lost' } });
          pending.delete(id);
        }
        // A browser cannot see why a WebSocket upgrade failed: ask the page route whether the server is
        // up and still takes this token. A 401 means it restarted with a new token; retrying is futile.
        void tokenRefused().then((refused) => {
          if (refused) setState('restarted');
          else setTimeout(() => void connect(), 1000);
        });
      };
    });
    return opened;
  }

  async function tokenRefused(): Promise<boolean> {
    if (!http) return false;
    try {
      const probe = await fetch(`${window.location.pathname}?token=${encodeURIComponent(http.token)}`, {
        cache: 'no-store',
      });
      return probe.status === 401;
    } catch {
      return false; // the server is down: keep retrying
    }
  }

  const notConnected = { ok: false as const, error: { code: 'DISCONNECTED', message: DISCONNECTED_MESSAGE } };

  void connect();

  return {
    async invoke<K extends InvokeChannel>(channel: K, request: InvokeRequest<K>): Promise<Result<InvokeResponse<K>>> {
      // Once connected, a drop fails invokes at once (a curation key says "not saved") instead of
      // queueing them silently; only the very first connection is waited for.
      if (state === 'offline' || state === 'restarted') return notConnected;
      if (http?.channels.has(channel)) {
        try {
          const response = await fetch('api/invoke', {
            method: 'POST',
            headers: { authorization: `Bearer ${http.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ channel, request }),
          });
          if (!response.ok)
            return { ok: false, error: { code: `HTTP_${response.status}`, message: await response.text() } };
          const binary = response.headers.get('content-type')?.startsWith('application/octet-stream');
          return (
            binary ? decodeBinary(new Uint8Array(await response.arrayBuffer())) : await response.json()
          ) as Result<InvokeResponse<K>>;
        } catch (e) {
          return { ok: false, error: { code: 'DISCONNECTED', message: e instanceof Error ? e.message : String(e) } };
        }
      }
      const ws = socket ?? (await connect());
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        ws.send(JSON.stringify({ type: 'invoke', id, channel, request }));
      });
    },
    on<K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void): () => void {
      let set = listeners.get(channel);
      if (!set) {
        listeners.set(channel, (set = new Set()));
        socket?.send(JSON.stringify({ type: 'subscribe', channels: [channel] }));
      }
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
