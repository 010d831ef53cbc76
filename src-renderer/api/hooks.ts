import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  EventChannel,
  EventMap,
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
} from '../../src-main/common/ipc-contract.js';
import { ApiError, bridge, call } from './bridge.js';

export interface InvokeState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /**
   * True when `data` answers the current request. A changed request keeps the previous answer in `data`
   * until its own arrives; a view that must not show one item's data under another's title checks this.
   */
  fresh: boolean;
  reload: () => void;
}

/**
 * Calls `channel` with `request` whenever the request (compared as JSON) changes, and on `reload()`.
 * Pass `null` to skip. Stale answers of superseded requests are dropped.
 */
export function useInvoke<K extends InvokeChannel>(
  channel: K,
  request: InvokeRequest<K> | null,
): InvokeState<InvokeResponse<K>> {
  const [data, setData] = useState<InvokeResponse<K>>();
  const [dataKey, setDataKey] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(request !== null);
  const [nonce, setNonce] = useState(0);
  const key = request === null ? null : JSON.stringify(request);
  const generation = useRef(0);
  useEffect(() => {
    if (key === null) return;
    const mine = ++generation.current;
    setLoading(true);
    call(channel, JSON.parse(key) as InvokeRequest<K>).then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setDataKey(key);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
        setLoading(false);
      },
    );
  }, [channel, key, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, fresh: key !== null && dataKey === key, reload };
}

/** Subscribes to an event for the component's lifetime; the latest `listener` is always used. */
export function useEvent<K extends EventChannel>(channel: K, listener: (payload: EventMap[K]) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => bridge.on(channel, (payload) => latest.current(payload)), [channel]);
}
