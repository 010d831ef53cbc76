import type { EventChannel, EventMap } from '../../common/ipc-contract.js';

type Listener<K extends EventChannel> = (payload: EventMap[K]) => void;

/**
 * The services' side of `EventMap`: producers `emit`, transports (WebSocket clients, Electron windows)
 * subscribe with `on` and forward. A throwing listener never stops the others.
 */
export class EventHub {
  private readonly listeners = new Map<EventChannel, Set<Listener<EventChannel>>>();

  on<K extends EventChannel>(channel: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener as Listener<EventChannel>);
    return () => set.delete(listener as Listener<EventChannel>);
  }

  /** Subscribes to every channel at once (used by transports that filter per client). */
  onAny(listener: <K extends EventChannel>(channel: K, payload: EventMap[K]) => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<K extends EventChannel>(channel: K, payload: EventMap[K]): void {
    for (const listener of this.listeners.get(channel) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch {
        // A broken subscriber must not break the producer.
      }
    }
    for (const listener of this.anyListeners) {
      try {
        listener(channel, payload);
      } catch {
        // idem
      }
    }
  }

  private readonly anyListeners = new Set<<K extends EventChannel>(channel: K, payload: EventMap[K]) => void>();
}
