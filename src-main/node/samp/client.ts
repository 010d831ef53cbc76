/**
 * A SAMP 1.3 client over the Standard Profile: registers with the running hub, declares its metadata and
 * subscriptions, receives notifications and calls on a loopback XML-RPC callback, and sends messages.
 */
import type { Server } from 'node:http';
import { peerIsNamed } from './ds9-table.js';
import { readLockfile, type HubInfo } from './lockfile.js';
import { serveXmlRpc, xmlrpcCall } from './transport.js';
import { XmlRpcError, type SampValue } from './xmlrpc.js';

export type SampMap = { [key: string]: SampValue };

export interface SampMessage {
  readonly 'samp.mtype': string;
  readonly 'samp.params': SampMap;
}

/** What a received message turns into: a result map for calls (ignored for notifications). */
export type SampReceiver = (message: SampMessage, senderId: string) => SampMap | void | Promise<SampMap | void>;

export interface SampClientOptions {
  readonly name: string;
  readonly description?: string;
  /** MTypes to receive (wildcards as in SAMP: `table.*`, `*`); each goes to `onMessage`. */
  readonly subscriptions?: readonly string[];
  readonly onMessage?: SampReceiver;
  /** The hub to use; default: the Standard Profile lockfile. */
  readonly hub?: HubInfo;
  readonly env?: NodeJS.ProcessEnv;
}

export interface SampPeer {
  readonly id: string;
  readonly name: string;
}

const asMap = (v: SampValue | undefined): SampMap =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as SampMap) : {};

export class SampClient {
  private constructor(
    private readonly hub: HubInfo,
    readonly privateKey: string,
    readonly selfId: string,
    readonly hubId: string,
    private readonly server: Server | undefined,
  ) {}

  /** Registers with the hub (or throws a clear error when none runs). */
  static async connect(options: SampClientOptions): Promise<SampClient> {
    const hub = options.hub ?? readLockfile(options.env);
    if (!hub) throw new RangeError('SAMP: no hub is running (no lockfile); start one with `owb samp hub`');
    const reg = asMap(await xmlrpcCall(hub.url, 'samp.hub.register', [hub.secret]));
    const privateKey = String(reg['samp.private-key'] ?? '');
    if (!privateKey) throw new XmlRpcError('SAMP: the hub gave no private key');
    let server: Server | undefined;
    if (options.subscriptions?.length) {
      const onMessage = options.onMessage ?? (() => undefined);
      const checkKey = (params: SampValue[]) => {
        if (params[0] !== privateKey) throw new XmlRpcError('SAMP: wrong private key');
      };
      const served = await serveXmlRpc((method) => {
        if (method === 'samp.client.receiveNotification')
          return async (params) => {
            checkKey(params);
            await onMessage(params[2] as unknown as SampMessage, String(params[1]));
            return '';
          };
        if (method === 'samp.client.receiveCall')
          return (params) => {
            checkKey(params);
            const [, sender, msgId, msg] = params;
            // Reply after answering the hub's call: SAMP forbids blocking the callback on the reply.
            setImmediate(() => {
              void Promise.resolve()
                .then(() => onMessage(msg as unknown as SampMessage, String(sender)))
                .then(
                  (result) => ({ 'samp.status': 'samp.ok', 'samp.result': result ?? {} }),
                  (e: unknown) => ({ 'samp.status': 'samp.error', 'samp.error': { 'samp.errortxt': String(e) } }),
                )
                .then((response) => xmlrpcCall(hub.url, 'samp.hub.reply', [privateKey, String(msgId), response]))
                .catch(() => undefined);
            });
            return '';
          };
        if (method === 'samp.client.receiveResponse') return () => '';
        return undefined;
      });
      server = served.server;
      await xmlrpcCall(hub.url, 'samp.hub.setXmlrpcCallback', [privateKey, served.url]);
    }
    const client = new SampClient(
      hub,
      privateKey,
      String(reg['samp.self-id'] ?? ''),
      String(reg['samp.hub-id'] ?? ''),
      server,
    );
    await client.hubCall('declareMetadata', {
      'samp.name': options.name,
      'samp.description.text': options.description ?? options.name,
      'author.name': 'Observatory Workbench',
    });
    if (options.subscriptions?.length)
      await client.hubCall('declareSubscriptions', Object.fromEntries(options.subscriptions.map((m) => [m, {}])));
    return client;
  }

  private hubCall(method: string, ...params: SampValue[]): Promise<SampValue> {
    return xmlrpcCall(this.hub.url, `samp.hub.${method}`, [this.privateKey, ...params]);
  }

  /** A hub call that may take `seconds` (callAndWait): the HTTP request waits that long, plus a margin. */
  private slowHubCall(seconds: number, method: string, ...params: SampValue[]): Promise<SampValue> {
    return xmlrpcCall(this.hub.url, `samp.hub.${method}`, [this.privateKey, ...params], (seconds + 5) * 1000);
  }

  /** Every other registered client with its `samp.name`. */
  async clients(): Promise<SampPeer[]> {
    const ids = (await this.hubCall('getRegisteredClients')) as string[];
    return Promise.all(
      ids.map(async (id) => ({ id, name: String(asMap(await this.hubCall('getMetadata', id))['samp.name'] ?? id) })),
    );
  }

  /** The id of the client called `name` (case-insensitive), or a RangeError listing who is there. */
  async idOf(name: string): Promise<string> {
    return (await this.peerNamed(name)).id;
  }

  /**
   * The client whose id or `samp.name` is `name`, case-insensitively, or known by an alias of it (`ds9` for
   * SAOImageDS9); a RangeError listing who is there when none is.
   */
  async peerNamed(name: string): Promise<SampPeer> {
    const peers = await this.clients();
    const hit = peers.find((p) => peerIsNamed(p, name));
    if (!hit)
      throw new RangeError(
        `SAMP: no client named '${name}' (registered: ${peers.map((p) => p.name).join(', ') || 'none'})`,
      );
    return hit;
  }

  /** The other clients subscribed to `mtype`. */
  async subscribedPeers(mtype: string): Promise<SampPeer[]> {
    const ids = new Set(Object.keys(asMap(await this.hubCall('getSubscribedClients', mtype))));
    return (await this.clients()).filter((c) => ids.has(c.id) && c.id !== this.selfId);
  }

  /** Sends a notification to `to` (a client name or id), or to every subscribed client; returns the recipients. */
  async notify(message: SampMessage, to?: string): Promise<string[]> {
    if (to) {
      const id = await this.idOf(to);
      await this.hubCall('notify', id, message as unknown as SampValue);
      return [id];
    }
    return (await this.hubCall('notifyAll', message as unknown as SampValue)) as string[];
  }

  /** Calls `to` and waits for its response (SAMP callAndWait). */
  async callAndWait(message: SampMessage, to: string, timeoutSec = 10): Promise<SampMap> {
    const id = await this.idOf(to);
    // The HTTP request must outlive the hub's wait (it timed out after 10 s whatever `timeoutSec` said).
    return asMap(
      await this.slowHubCall(timeoutSec, 'callAndWait', id, message as unknown as SampValue, String(timeoutSec)),
    );
  }

  async close(): Promise<void> {
    await this.hubCall('unregister').catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
