// `owb serve` under load (issue 24's serve goal: p99 ≤ 1 s under 200 parallel requests, no request
// blocking another): one `owb serve` child on a fixture workspace of two 2048² frames; 200 parallel
// POST /api/invoke `owb:frames.pixels` requests (binning 4: 512² previews, then binning 1: the full
// 16 MiB frames), and during the full-frame burst 20 small `owb:frames.list` requests from a separate
// process, whose latency shows whether heavy requests block light ones. Each row gives p50 / p99 / max latency (request sent →
// last byte received) and the payload rate; every response is checked (status 200, binary magic, byte
// length of the pixels). The server's CPU seconds for the burst (from /proc) are printed beside: on this
// shared 2-core machine the wall times follow the other jobs' load, the CPU time does not; the client's
// (this process, receiving every byte) is printed too, as it shares the same two cores.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../harness.js';
import { createFixtureWorkspace } from '../../tests/e2e/fixture-workspace.js';
import { startServeChild } from '../../tests/main/node/serve/fuzz-harness.js';

const PARALLEL = 200;
const SIZE = 2048;

interface Reply {
  status: number;
  bytes: number;
  ms: number;
  magicOk: boolean;
}

function invoke(port: number, token: string, channel: string, body: unknown): Promise<Reply> {
  const payload = JSON.stringify({ channel, request: body });
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/invoke',
        method: 'POST',
        headers: {
          host: `127.0.0.1:${port}`,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        agent: false,
      },
      (res) => {
        let bytes = 0;
        let first: Buffer | undefined;
        res.on('data', (chunk: Buffer) => {
          first ??= chunk;
          bytes += chunk.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: performance.now() - t0,
            magicOk: first !== undefined && first.length >= 4 && first.readUInt32LE(0) === 0x3142574f,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** CPU seconds (user + system) the process `pid` has used so far, from /proc (NaN when unreadable). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const PROBE_JS = `
const http = require('node:http');
const [port, token] = process.argv.slice(1);
const one = () => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const req = http.request({ host: '127.0.0.1', port, path: '/api/invoke', method: 'POST', agent: false,
    headers: { host: '127.0.0.1:' + port, authorization: 'Bearer ' + token, 'content-type': 'application/json' } },
    (res) => { res.resume(); res.on('end', () => resolve(performance.now() - t0)); });
  req.on('error', reject);
  req.end(JSON.stringify({ channel: 'owb:frames.list', request: {} }));
});
Promise.all(Array.from({ length: 20 }, (_, i) => new Promise((r) => setTimeout(r, 50 + 10 * i)).then(one)))
  .then((ms) => console.log(JSON.stringify(ms)));
`;

/** 20 frames.list requests, 10 ms apart, from a separate Node process; their latencies in ms. */
function probeInChild(port: number, token: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', PROBE_JS, String(port), token], (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as number[]);
    });
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export default async function serveLoadBench(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'owb-serve-load-'));
  createFixtureWorkspace(dir, { frames: 2, sizePx: SIZE, starCount: 200 });
  const serve = await startServeChild(dir);
  try {
    const { port, token } = serve;
    const frames = JSON.parse(
      await new Promise<string>((resolve, reject) => {
        const payload = JSON.stringify({ channel: 'owb:frames.list', request: {} });
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/invoke',
            method: 'POST',
            headers: {
              host: `127.0.0.1:${port}`,
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
    ) as { ok: boolean; value?: { id: number }[] } | { id: number }[];
    const list = Array.isArray(frames) ? frames : (frames.value ?? []);
    if (list.length === 0) throw new Error(`serve-load: no frames listed: ${JSON.stringify(frames).slice(0, 200)}`);
    const ids = list.map((f) => f.id);
    // Warm: each frame decoded once, as a viewer's first request would do.
    for (const frameId of ids) await invoke(port, token, 'owb:frames.pixels', { frameId, binning: 1 });

    for (const binning of [4, 1]) {
      const t0 = performance.now();
      const cpu0 = cpuSecondsOf(serve.child.pid);
      const client0 = process.cpuUsage();
      const heavy = Array.from({ length: PARALLEL }, (_, i) =>
        invoke(port, token, 'owb:frames.pixels', { frameId: ids[i % ids.length], binning }),
      );
      // The probes run in their own process: timed here, they would wait for this busy client too.
      const probes = binning === 1 ? probeInChild(port, token) : undefined;
      const replies = await Promise.all(heavy);
      const wallSec = (performance.now() - t0) / 1000;
      const serverCpuSec = cpuSecondsOf(serve.child.pid) - cpu0;
      const client = process.cpuUsage(client0);
      const side = Math.floor(SIZE / binning);
      const want = side * side * 4;
      const bad = replies.filter((r) => r.status !== 200 || !r.magicOk || r.bytes < want).length;
      const ms = replies.map((r) => r.ms).sort((a, b) => a - b);
      const mb = replies.reduce((s, r) => s + r.bytes, 0) / 2 ** 20;
      ctx.row({
        suite: 'serve',
        task: `${PARALLEL} parallel frames.pixels ${SIZE}² binning ${binning}`,
        tool: 'owb serve',
        wallSec,
        peakMB: Math.round(serve.rssMB()),
        metrics: {
          'p50 ms': Math.round(quantile(ms, 0.5)),
          'p99 ms': Math.round(quantile(ms, 0.99)),
          'max ms': Math.round(ms[ms.length - 1]),
          'MB/s': Math.round(mb / wallSec),
          'server cpu s': +serverCpuSec.toFixed(2),
          'client cpu s': +((client.user + client.system) / 1e6).toFixed(2),
          'bad replies': bad,
        },
        note: 'goal p99 ≤ 1 s',
      });
      if (probes) {
        const p = (await probes).sort((a, b) => a - b);
        ctx.row({
          suite: 'serve',
          task: `20 frames.list during the binning-1 burst (separate client process)`,
          tool: 'owb serve',
          wallSec,
          metrics: { 'p50 ms': Math.round(quantile(p, 0.5)), 'max ms': Math.round(p[p.length - 1]) },
          note: 'light requests not blocked by heavy ones',
        });
      }
    }
  } finally {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
