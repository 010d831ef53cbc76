/**
 * A seeded hostile-input fuzzer for `owb serve`'s HTTP and WebSocket API, shared by the CI test
 * (tests/main/node/serve/fuzz.test.ts, a few thousand requests) and the 10⁵-request run (`npm run bench
 * serve`, or `node --import tsx bench/serve-fuzz.ts`). Each iteration is one of: an HTTP request with a random method, path, headers and body; a POST /api/invoke with the right token and random or malformed JSON; raw
 * bytes on a TCP connection (malformed HTTP); a WebSocket carrying random frames (RSV bits, reserved
 * opcodes, lengths past maxPayload, bad UTF-8) and invokes with random payloads.
 *
 * Channels that change the catalog or the disk are only ever sent with an extra field their guard refuses,
 * so a catalog that changed at all means a request got past a guard.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { INVOKE_CHANNELS } from '../../../../src-main/common/ipc-contract.js';
import { clientFrame, closeCodeIn, rawWebSocket } from './raw-client.js';
import { mulberry32 as generator } from '../../../seeded-uniform.js';

/** Channels that only read (their answers are checked for nothing but a sane status). */
const READ_ONLY = new Set<string>([
  'owb:workspace.info',
  'owb:frames.list',
  'owb:frames.get',
  'owb:frames.pixels',
  'owb:frames.thumbnail',
  'owb:frames.sources',
  'owb:sources.query',
  'owb:objects.cone',
  'owb:objects.query',
  'owb:objects.lightCurve',
  'owb:curation.queue',
  'owb:curation.stamps',
  'owb:labels.history',
  'owb:jobs.list',
  'owb:pipeline.stats',
  'owb:watch.list',
  'owb:watch.profiles',
  'owb:masters.list',
  'owb:synth.defaults',
  'owb:synth.validate',
]);

export interface FuzzOptions {
  port: number;
  token: string;
  iterations: number;
  seed: number;
  /** Requests in flight at once [8]. */
  concurrency?: number;
  /** Called every `every` iterations with the count done (progress, RSS sampling). */
  onProgress?: (done: number) => void;
}

export interface FuzzReport {
  iterations: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  /** What went wrong, at most 50 lines: a 5xx, a reset on a well-formed request, a guard let through. */
  failures: string[];
}

/** Runs the fuzz and returns what it saw; never throws for anything the server does. */
export async function fuzzServe(options: FuzzOptions): Promise<FuzzReport> {
  const random = generator(options.seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number): boolean => random() < p;
  const report: FuzzReport = { iterations: 0, byKind: {}, statuses: {}, failures: [] };
  const failure = (line: string): void => {
    if (report.failures.length < 50) report.failures.push(line);
  };
  const { port, token } = options;

  const printable = (length: number): string => {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(33 + int(94));
    return s;
  };
  const randomBytes = (length: number): Buffer => {
    const b = Buffer.alloc(length);
    for (let i = 0; i < length; i++) b[i] = int(256);
    return b;
  };
  const randomJson = (depth = 0): unknown => {
    switch (int(depth > 3 ? 5 : 8)) {
      case 0:
        return null;
      case 1:
        return pick([0, -1, 1.5, 1e308, -0, 2 ** 53, 42]);
      case 2:
        return printable(int(20));
      case 3:
        return chance(0.5);
      case 4:
        return pick(['../../etc/passwd', '/etc/passwd', '%2e%2e/x', 'C:\\x', '\u0000', 'owb:frames.list']);
      case 5:
        return Array.from({ length: int(4) }, () => randomJson(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = int(4); i > 0; i--)
          o[pick(['frameId', 'sizePx', 'binning', 'limit', 'path', 'config', 'outDir', '__proto__', 'x'])] = randomJson(
            depth + 1,
          );
        return o;
      }
    }
  };
  /** A request the contract knows; writing channels get a field their guard refuses. */
  const invokeMessage = (): { channel: unknown; request: unknown } => {
    const channel = chance(0.9) ? pick(INVOKE_CHANNELS) : pick([printable(8), 5, null, 'owb:nope']);
    let req: unknown = chance(0.3) ? { frameId: int(4), binning: 1 + int(4) } : randomJson();
    if (typeof channel === 'string' && !READ_ONLY.has(channel))
      req = { ...(req !== null && typeof req === 'object' && !Array.isArray(req) ? req : {}), fuzzRefused: 1 };
    return { channel, request: req };
  };
  const path = (): string => {
    const base = pick([
      '/',
      '/health',
      '/metrics',
      '/api/invoke',
      '/ws',
      '/assets/x.js',
      '/%2e%2e/%2e%2e/catalog.db',
      '/..%2f..%2fcatalog.db',
      '/%',
      '/%E0%A4%A',
      '/a%00b',
      `/${printable(int(40))}`,
      `/${'a/'.repeat(200)}`,
      `/?${'x'.repeat(int(3) === 0 ? 9000 : 10)}`,
    ]);
    const query = pick(['', `?token=${token}`, '?token=wrong', '?token=', `?token=${token}&token=x`, '?token=%ZZ']);
    return base.includes('?') ? base : base + query;
  };
  const headers = (): Record<string, string> => {
    const h: Record<string, string> = {};
    if (chance(0.1)) h.host = pick([`evil.example:${port}`, 'localhost', `127.0.0.1:${port + 1}`]);
    if (chance(0.5))
      h.authorization = pick([`Bearer ${token}`, 'Bearer wrong', `Basic ${token}`, 'Bearer', printable(30)]);
    if (chance(0.3))
      h.cookie = pick([`owb_token_${port}=${token}`, `owb_token_${port}=%E0%A4%A`, printable(50), `=;;;=`]);
    if (chance(0.1)) h.origin = pick([`http://127.0.0.1:${port}`, 'http://evil.example', 'null']);
    if (chance(0.1)) h['content-type'] = printable(10);
    return h;
  };

  type Invoked = { channel: unknown; request: unknown } | null;
  const http = (
    method: string,
    p: string,
    h: Record<string, string>,
    body?: Buffer | string,
    invoked: Invoked = null,
  ): Promise<number> =>
    new Promise((resolve) => {
      let req;
      try {
        req = request(
          {
            host: '127.0.0.1',
            port,
            method,
            path: p,
            // Node frames a GET/HEAD/DELETE body only when told its length; unframed it is garbage after the
            // request, which the server rightly drops the connection for.
            headers: {
              host: `127.0.0.1:${port}`,
              ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
              ...h,
            },
            agent: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.length < 64 && chunks.push(d));
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              if (status === 200 && p.startsWith('/api/invoke') && method === 'POST') {
                const text = Buffer.concat(chunks).toString();
                if (res.headers['content-type'] === 'application/json') checkResult(text, invoked);
              }
              resolve(status);
            });
            res.on('error', () => resolve(0));
          },
        );
      } catch {
        return resolve(-1); // our client refused to send it; not a server event
      }
      req.on('error', (e) => {
        failure(
          `${method} ${p.slice(0, 60)} ${JSON.stringify(h).slice(0, 200)} body ${body?.length ?? '-'}: ${e.message}`,
        );
        resolve(0);
      });
      req.setTimeout(20_000, () => {
        failure(`${method} ${p.slice(0, 80)}: no answer in 20 s`);
        req.destroy();
      });
      req.end(body);
    });
  const checkResult = (text: string, invoked: Invoked): void => {
    try {
      const result = JSON.parse(text) as { ok?: boolean; error?: { code?: string; message?: string } };
      if (result.ok && invoked && typeof invoked.channel === 'string' && !READ_ONLY.has(invoked.channel))
        failure(`${invoked.channel} passed its guard with an unexpected field`);
      if (result.error?.code === 'INTERNAL') failure(`INTERNAL: ${result.error.message}`);
    } catch {
      failure(`/api/invoke answered 200 with JSON that does not parse`);
    }
  };

  const kinds: Array<[string, number, () => Promise<string>]> = [
    [
      'http',
      30,
      async () => {
        const method = pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
        const body = method === 'POST' || chance(0.1) ? randomBytes(int(300)) : undefined;
        return String(await http(method, path(), headers(), body));
      },
    ],
    [
      'invoke',
      30,
      async () => {
        const message = invokeMessage();
        let body: Buffer | string;
        const form = int(10);
        if (form < 5) body = JSON.stringify(message);
        else if (form === 5) body = JSON.stringify(message).slice(0, int(30));
        else if (form === 6) body = JSON.stringify(randomJson());
        else if (form === 7) body = '['.repeat(1 + int(20000));
        else if (form === 8) body = randomBytes(int(500));
        else body = chance(0.2) ? Buffer.alloc((1 << 20) + 1 + int(1000), 0x20) : JSON.stringify(message);
        const h: Record<string, string> = { authorization: `Bearer ${token}` };
        if (chance(0.2)) Object.assign(h, headers());
        return String(await http('POST', chance(0.9) ? '/api/invoke' : path(), h, body, message));
      },
    ],
    [
      'tcp',
      10,
      () =>
        new Promise((resolve) => {
          const socket = connect(port, '127.0.0.1');
          let answer = '';
          const line = pick([
            () => randomBytes(1 + int(200)),
            () => Buffer.from(`GET ${printable(int(30))} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
            () => Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX: ${'a'.repeat(20000)}\r\n\r\n`),
            () => Buffer.from(`POST /api/invoke HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 50\r\n\r\n{"`),
            () => Buffer.from(`GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
            () =>
              Buffer.from(
                `POST /api/invoke HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nAuthorization: Bearer ${token}\r\n\r\nzz\r\n`,
              ),
          ])();
          const timer = setTimeout(() => socket.destroy(), 150);
          socket.on('data', (d) => (answer += d.toString('latin1')));
          socket.on('error', () => undefined);
          socket.on('close', () => {
            clearTimeout(timer);
            const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'none';
            resolve(`tcp-${status}`);
          });
          socket.write(line);
        }),
    ],
    [
      'ws',
      30,
      async () => {
        let socket;
        try {
          socket = await rawWebSocket(port, chance(0.95) ? token : 'wrong');
        } catch (error) {
          return `ws-refused-${String((error as Error).message).slice(9, 12)}`;
        }
        const received: Buffer[] = [];
        socket.on('data', (d: Buffer) => received.length < 256 && received.push(d));
        socket.on('error', () => undefined);
        for (let n = 1 + int(4); n > 0; n--) {
          const form = int(8);
          let frame: Buffer;
          if (form < 3)
            frame = clientFrame(
              0x81,
              Buffer.from(JSON.stringify({ type: 'invoke', id: int(1e6), ...invokeMessage() })),
            );
          else if (form === 3) frame = clientFrame(0x80 | (int(8) << 4) | int(16), randomBytes(int(100)));
          else if (form === 4) frame = clientFrame(0x81, Buffer.alloc(0), 16 * 1024 * 1024 + 1 + int(1 << 30));
          else if (form === 5) frame = clientFrame(0x81, Buffer.from([0xc3, 0x28, 0xff]));
          else if (form === 6)
            frame = clientFrame(0x81, Buffer.from(JSON.stringify({ type: 'subscribe', channels: randomJson() })));
          else frame = clientFrame(0x81, Buffer.from(JSON.stringify(randomJson())));
          if (!socket.writable) break;
          socket.write(frame);
        }
        await new Promise((resolve) => setTimeout(resolve, 5 + int(30)));
        socket.destroy();
        return `ws-${closeCodeIn(Buffer.concat(received)) ?? 'none'}`;
      },
    ],
  ];
  const total = kinds.reduce((n, k) => n + k[1], 0);
  const chooseKind = (): (typeof kinds)[number] => {
    let r = random() * total;
    for (const k of kinds) if ((r -= k[1]) < 0) return k;
    return kinds[0];
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.iterations) {
      const index = next++;
      const [name, , run] = chooseKind();
      report.byKind[name] = (report.byKind[name] ?? 0) + 1;
      const outcome = await run();
      report.statuses[outcome] = (report.statuses[outcome] ?? 0) + 1;
      // 503 is the honest answer while the renderer is being (re)built; any other 5xx is a bug of ours.
      if (/^5(?!03)\d\d$|^tcp-5/.test(outcome)) failure(`${name} #${index}: status ${outcome}`);
      if (outcome === '0') failure(`${name} #${index}: connection reset instead of an answer`);
      report.iterations++;
      if (report.iterations % 500 === 0) options.onProgress?.(report.iterations);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return report;
}
