/**
 * A SAMP 1.3 hub (Standard Profile) for when none runs: loopback XML-RPC, a random secret in a 0600 lockfile,
 * message routing by subscription (notify, notifyAll, call, callAll, callAndWait, reply). Client callbacks
 * are only ever made to loopback http URLs, so the hub cannot be turned into a fetcher of other hosts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { formatLockfile, lockfilePath, parseLockfile } from './lockfile.js';
import { serveXmlRpc, xmlrpcCall, type XmlRpcHandler } from './transport.js';
import { XmlRpcError, type SampValue } from './xmlrpc.js';

type SampMap = { [key: string]: SampValue };

interface HubClient {
  readonly id: string;
  readonly key: string;
  metadata: SampMap;
  subscriptions: SampMap;
  callback?: string;
}

const HUB_ID = 'hub';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** SAMP MType patterns: exact, `prefix.*`, or `*` (SAMP 1.3 §3.6). */
export function mtypeMatches(pattern: string, mtype: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return mtype.startsWith(pattern.slice(0, -1));
  return pattern === mtype;
}

/** Whether `name` is this machine's host name, in full or its first label (`vm` for `vm.example.org`). */
function isOwnHostName(name: string): boolean {
  const own = hostname().toLowerCase();
  const n = name.toLowerCase();
  return n !== '' && (n === own || n === own.split('.')[0] || n.split('.')[0] === own);
}

const str = (v: SampValue | undefined, what: string): string => {
  if (typeof v !== 'string') throw new XmlRpcError(`SAMP: ${what} must be a string`);
  return v;
};
const map = (v: SampValue | undefined, what: string): SampMap => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new XmlRpcError(`SAMP: ${what} must be a map`);
  return v as SampMap;
};

export class SampHub {
  private readonly clients = new Map<string, HubClient>();
  private readonly pending = new Map<
    string,
    { sender: HubClient; tag: string; waiter?: (r: SampMap) => void; recipient: string }
  >();
  private nextClient = 1;
  private nextMsg = 1;

  private constructor(
    readonly secret: string,
    private readonly lockfile: string,
    private server: Server | undefined,
    public url: string,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Starts a hub and writes the lockfile (`SAMP_HUB`'s path, else ~/.samp). A lockfile whose hub answers is
   * left alone and the start refused; a stale one (its hub gone) is replaced.
   */
  static async start(
    options: { env?: NodeJS.ProcessEnv; port?: number; log?: (line: string) => void } = {},
  ): Promise<SampHub> {
    const lockfile = lockfilePath(options.env);
    if (existsSync(lockfile)) {
      const info = parseLockfile(readFileSync(lockfile, 'utf8'), lockfile);
      const alive = await xmlrpcCall(info.url, 'samp.hub.ping', [], 2000).then(
        () => true,
        () => false,
      );
      if (alive) throw new RangeError(`SAMP: a hub already runs (${lockfile} → ${info.url})`);
    }
    const hub = new SampHub(randomBytes(16).toString('hex'), lockfile, undefined, '', options.log ?? (() => {}));
    const { server, url } = await serveXmlRpc((m) => hub.method(m), options.port ?? 0);
    hub.server = server;
    hub.url = url;
    writeFileSync(lockfile, formatLockfile(hub.secret, url), { mode: 0o600 });
    return hub;
  }

  private byKey(key: SampValue | undefined): HubClient {
    const c = typeof key === 'string' ? this.clients.get(key) : undefined;
    if (!c) throw new XmlRpcError('SAMP: unknown private key');
    return c;
  }

  private byId(id: SampValue | undefined): HubClient {
    for (const c of this.clients.values()) if (c.id === id) return c;
    throw new XmlRpcError(`SAMP: no client with id ${String(id)}`);
  }

  private subscribed(c: HubClient, mtype: string): boolean {
    return c.callback !== undefined && Object.keys(c.subscriptions).some((p) => mtypeMatches(p, mtype));
  }

  private deliver(to: HubClient, method: string, params: SampValue[]): void {
    if (!to.callback) return;
    xmlrpcCall(to.callback, method, [to.key, ...params]).catch((e: unknown) =>
      this.log(`owb samp hub: delivery to ${to.id} failed: ${(e as Error).message}`),
    );
  }

  /**
   * Hub events (SAMP 1.3 §6.4.1: samp.hub.event.register, metadata, subscriptions, unregister, shutdown) from the
   * hub to every other client subscribed, so tools such as DS9 and TOPCAT keep their client lists current.
   */
  private broadcast(mtype: string, params: SampMap, about?: HubClient): void {
    const msg: SampMap = { 'samp.mtype': mtype, 'samp.params': params };
    for (const c of this.clients.values())
      if (c !== about && this.subscribed(c, mtype)) this.deliver(c, 'samp.client.receiveNotification', [HUB_ID, msg]);
  }

  private send(from: HubClient, to: HubClient, msg: SampMap, tag?: string, waiter?: (r: SampMap) => void): string {
    const mtype = str(msg['samp.mtype'], 'samp.mtype');
    if (!this.subscribed(to, mtype)) throw new XmlRpcError(`SAMP: ${to.id} is not subscribed to ${mtype}`);
    if (tag === undefined) {
      this.deliver(to, 'samp.client.receiveNotification', [from.id, msg]);
      return '';
    }
    const msgId = `msg-${this.nextMsg++}-${randomBytes(4).toString('hex')}`;
    this.pending.set(msgId, { sender: from, tag, waiter, recipient: to.id });
    this.deliver(to, 'samp.client.receiveCall', [from.id, msgId, msg]);
    return msgId;
  }

  private method(name: string): XmlRpcHandler | undefined {
    const m = name.replace(/^samp\.hub\./, '');
    if (m === name) return undefined;
    const h: Record<string, XmlRpcHandler> = {
      ping: () => '',
      register: ([secret]) => {
        if (secret !== this.secret) throw new XmlRpcError('SAMP: wrong hub secret');
        const c: HubClient = {
          id: `c${this.nextClient++}`,
          key: randomBytes(16).toString('hex'),
          metadata: {},
          subscriptions: {},
        };
        this.clients.set(c.key, c);
        this.broadcast('samp.hub.event.register', { id: c.id }, c);
        return { 'samp.hub-id': HUB_ID, 'samp.self-id': c.id, 'samp.private-key': c.key };
      },
      unregister: ([key]) => {
        const c = this.byKey(key);
        this.clients.delete(c.key);
        this.broadcast('samp.hub.event.unregister', { id: c.id }, c);
        return '';
      },
      declareMetadata: ([key, md]) => {
        const c = this.byKey(key);
        c.metadata = map(md, 'metadata');
        this.broadcast('samp.hub.event.metadata', { id: c.id, metadata: c.metadata }, c);
        return '';
      },
      declareSubscriptions: ([key, subs]) => {
        const c = this.byKey(key);
        c.subscriptions = map(subs, 'subscriptions');
        this.broadcast('samp.hub.event.subscriptions', { id: c.id, subscriptions: c.subscriptions }, c);
        return '';
      },
      setXmlrpcCallback: ([key, url]) => {
        const c = this.byKey(key);
        const u = new URL(str(url, 'callback URL'));
        // DS9 names its callback by this machine's host name (Tcl's `info hostname`); we call it on 127.0.0.1
        // instead, so the hub still only ever connects to loopback whatever that name resolves to.
        if (u.protocol === 'http:' && isOwnHostName(u.hostname)) u.hostname = '127.0.0.1';
        if (u.protocol !== 'http:' || !LOOPBACK.has(u.hostname))
          throw new XmlRpcError('SAMP: this hub only calls back loopback http URLs');
        c.callback = u.href;
        return '';
      },
      getRegisteredClients: ([key]) => {
        const self = this.byKey(key);
        return [HUB_ID, ...[...this.clients.values()].filter((c) => c !== self).map((c) => c.id)];
      },
      getMetadata: ([key, id]) => {
        this.byKey(key);
        if (id === HUB_ID) return { 'samp.name': 'Observatory Workbench hub', 'samp.description.text': 'SAMP hub' };
        return this.byId(id).metadata;
      },
      getSubscriptions: ([key, id]) => {
        this.byKey(key);
        return id === HUB_ID ? {} : this.byId(id).subscriptions;
      },
      getSubscribedClients: ([key, mtype]) => {
        const self = this.byKey(key);
        const t = str(mtype, 'mtype');
        return Object.fromEntries(
          [...this.clients.values()].filter((c) => c !== self && this.subscribed(c, t)).map((c) => [c.id, {}]),
        );
      },
      notify: ([key, id, msg]) => this.send(this.byKey(key), this.byId(id), map(msg, 'message')),
      notifyAll: ([key, msg]) => {
        const from = this.byKey(key);
        const message = map(msg, 'message');
        const t = str(message['samp.mtype'], 'samp.mtype');
        const to = [...this.clients.values()].filter((c) => c !== from && this.subscribed(c, t));
        for (const c of to) this.send(from, c, message);
        return to.map((c) => c.id);
      },
      call: ([key, id, tag, msg]) =>
        this.send(this.byKey(key), this.byId(id), map(msg, 'message'), str(tag, 'msg-tag')),
      callAll: ([key, tag, msg]) => {
        const from = this.byKey(key);
        const message = map(msg, 'message');
        const t = str(message['samp.mtype'], 'samp.mtype');
        const out: SampMap = {};
        for (const c of this.clients.values())
          if (c !== from && this.subscribed(c, t)) out[c.id] = this.send(from, c, message, str(tag, 'msg-tag'));
        return out;
      },
      callAndWait: ([key, id, msg, timeout]) => {
        const from = this.byKey(key);
        const seconds = Math.min(600, Math.max(0, Number(timeout) || 0)) || 600;
        return new Promise<SampValue>((resolvePromise, rejectPromise) => {
          let msgId = '';
          const timer = setTimeout(() => {
            this.pending.delete(msgId);
            rejectPromise(new XmlRpcError(`SAMP: no reply within ${seconds} s`));
          }, seconds * 1000);
          try {
            msgId = this.send(from, this.byId(id), map(msg, 'message'), '', (r) => {
              clearTimeout(timer);
              resolvePromise(r);
            });
          } catch (e) {
            clearTimeout(timer);
            rejectPromise(e as Error);
          }
        });
      },
      reply: ([key, msgId, response]) => {
        const responder = this.byKey(key);
        const p = this.pending.get(str(msgId, 'msg-id'));
        if (!p || p.recipient !== responder.id) throw new XmlRpcError('SAMP: no such call awaiting a reply');
        this.pending.delete(msgId as string);
        const r = map(response, 'response');
        if (p.waiter) p.waiter(r);
        else if (this.clients.has(p.sender.key))
          this.deliver(p.sender, 'samp.client.receiveResponse', [responder.id, p.tag, r]);
        return '';
      },
    };
    return h[m];
  }

  /** Stops serving and removes the lockfile if it is still ours. */
  async stop(): Promise<void> {
    this.broadcast('samp.hub.event.shutdown', {});
    try {
      if (existsSync(this.lockfile) && readFileSync(this.lockfile, 'utf8').includes(`samp.secret=${this.secret}`))
        rmSync(this.lockfile);
    } catch {
      // A lockfile we cannot read or remove is not ours to force.
    }
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
