import type { InvokeChannel, InvokeRequest, InvokeResponse, OwbBridge } from '../../src-main/common/ipc-contract.js';
import { createWebSocketBridge, type ConnectionState } from './ws-client.js';

export type { ConnectionState } from './ws-client.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in a browser. */
    owb?: OwbBridge;
  }
}

type StatusListener = (state: ConnectionState) => void;
const statusListeners = new Set<StatusListener>();
let connection: ConnectionState = 'connecting';

function tokenFromLocation(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) sessionStorage.setItem('owb-token', fromUrl);
  return fromUrl ?? sessionStorage.getItem('owb-token') ?? '';
}

function createBridge(): OwbBridge {
  if (window.owb) {
    connection = 'connected';
    return window.owb;
  }
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws?token=${encodeURIComponent(tokenFromLocation())}`;
  return createWebSocketBridge(
    wsUrl,
    (value) => {
      connection = value;
      for (const l of statusListeners) l(value);
    },
    { channels: new Set(['owb:frames.pixels']), token: tokenFromLocation() },
  );
}

/** The one bridge of this window: Electron's preload when present, else the WebSocket to `owb serve`. */
export const bridge: OwbBridge = createBridge();

export function onConnectionChange(listener: StatusListener): () => void {
  statusListeners.add(listener);
  listener(connection);
  return () => statusListeners.delete(listener);
}

/** Error thrown by `call` when the services answer a failed `Result`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Invokes a channel and unwraps its `Result`, throwing `ApiError` on failure (for effects and handlers). */
export async function call<K extends InvokeChannel>(channel: K, request: InvokeRequest<K>): Promise<InvokeResponse<K>> {
  const result = await bridge.invoke(channel, request);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value;
}
