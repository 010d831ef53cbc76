// DS9 on our SAMP hub, end to end: SAOImage DS9 (Debian saods9) runs under xvfb-run and registers with the hub the
// workbench starts; the workbench sends it a frame (image.load.fits) and the frame's sources as fk5 regions, and
// DS9 itself, asked over SAMP (ds9.get), names the file, its size, and the regions at the sources' positions.
// The test waits on the hub's registration events (samp.hub.event.subscriptions from DS9), never on a clock.
// Tables: `owb samp send --table FILE --to ds9` and the UI's send both reach DS9's catalog tool with every row (DS9's
// own TSV export of the catalog it loaded is compared with the catalog), although Debian's DS9 reads VOTables empty.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { sourceRegions } from '../../../../src-main/node/catalog/export-regions.js';
import { exportRows } from '../../../../src-main/node/catalog/export.js';
import { parseDs9Regions } from '../../../../src-main/node/catalog/regions/index.js';
import { SampClient } from '../../../../src-main/node/samp/client.js';
import { SampHub } from '../../../../src-main/node/samp/hub.js';
import { SampLink } from '../../../../src-main/node/samp/workbench-link.js';
import { parseCelestialWcs, recordSource } from '../../../../src-workers/core/wcs/index.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const skip = has('ds9') && has('xvfb-run') ? false : 'needs SAOImage DS9 and xvfb-run (Debian saods9, xvfb and xauth)';

const W = 96;
const H = 80;
const HEADER = {
  CTYPE1: 'RA---TAN',
  CTYPE2: 'DEC--TAN',
  CRVAL1: 201.365,
  CRVAL2: -43.019,
  CRPIX1: 48.5,
  CRPIX2: 40.5,
  CD1_1: -1 / 3600,
  CD1_2: 0,
  CD2_1: 0,
  CD2_2: 1 / 3600,
  RADESYS: 'ICRS',
};
const STARS: Array<[number, number]> = [
  [20.25, 30.5],
  [70, 15.75],
  [50.5, 60],
];

describe('DS9 over SAMP', { skip, timeout: 420_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'owb-ds9-'));
  const fits = join(home, 'frame.fits');
  let hub: SampHub;
  let watcher: SampClient;
  let link: SampLink;
  let catalog: Catalog;
  let ds9: ChildProcess | undefined;
  let ds9Exit: Promise<unknown> = Promise.resolve();
  let ds9Log = '';
  const env = { HOME: home };

  before(async () => {
    const data = new Float32Array(W * H).fill(100);
    for (const [x, y] of STARS)
      for (let j = 0; j < H; j++)
        for (let i = 0; i < W; i++) data[j * W + i] += 1000 * Math.exp(-((i - x) ** 2 + (j - y) ** 2) / 4.5);
    await writeFitsImage(fits, { width: W, height: H, data }, { header: HEADER });
    catalog = Catalog.open(join(home, 'catalog.db'));
    const { frameId } = new FrameStore(catalog.db).ingest({
      contentHash: 'ds9',
      path: fits,
      fileName: 'frame.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: { frameType: 'light', header: HEADER },
    });
    const wcs = parseCelestialWcs(recordSource(HEADER));
    assert.ok('wcs' in wcs);
    const sky = STARS.map(([x, y]) => wcs.wcs.pixelToSky(x, y));
    catalog.db.transaction(() =>
      new FrameResultWriter(catalog.db).write(frameId, {
        width: W,
        height: H,
        quality: {},
        ran: [],
        skipped: [],
        sources: {
          count: STARS.length,
          x: Float64Array.from(STARS, (s) => s[0]),
          y: Float64Array.from(STARS, (s) => s[1]),
          ra: Float64Array.from(sky, (s) => s[0]),
          dec: Float64Array.from(sky, (s) => s[1]),
          flux: Float64Array.from([1, 2, 3]),
        },
      }),
    )();

    hub = await SampHub.start({ env }); // lockfile $HOME/.samp, where DS9 looks
    // DS9 registers, declares metadata, sets its callback and then subscribes: its subscriptions event means ready.
    let ready: (id: string) => void = () => undefined;
    const ds9Ready = new Promise<string>((resolve) => (ready = resolve));
    // Each event is its own HTTP call from the hub, so metadata and subscriptions may arrive in either order.
    const names = new Map<string, string>();
    const subscribed = new Set<string>();
    watcher = await SampClient.connect({
      name: 'ds9-test-watcher',
      env,
      subscriptions: ['samp.hub.event.metadata', 'samp.hub.event.subscriptions'],
      onMessage: (m) => {
        const p = m['samp.params'] as Record<string, unknown>;
        const id = String(p.id);
        if (m['samp.mtype'] === 'samp.hub.event.metadata')
          names.set(id, String((p.metadata as Record<string, unknown>)['samp.name']));
        else if ('image.load.fits' in (p.subscriptions as object)) subscribed.add(id);
        if (names.get(id) === 'SAOImageDS9' && subscribed.has(id)) ready(id);
      },
    });
    ds9 = spawn('xvfb-run', ['-a', 'ds9', '-samp', 'connect'], {
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so `after` ends xvfb-run, Xvfb and wish together
    });
    ds9.stdout?.on('data', (d) => (ds9Log += d));
    ds9.stderr?.on('data', (d) => (ds9Log += d));
    ds9Exit = new Promise((resolve) => ds9?.once('exit', resolve));
    const exited = ds9Exit.then(() => {
      throw new Error(`DS9 exited before registering: ${ds9Log}`);
    });
    // A bound for a DS9 that starts but never registers (the message says why rather than the suite's timeout).
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`DS9 did not register within 180 s: ${ds9Log}`)), 180_000);
    });
    await Promise.race([ds9Ready, exited, tooLong]).finally(() => clearTimeout(timer));
    exited.catch(() => undefined); // DS9 ends in `after`: no longer an error then
    // Subscribed is not yet answering: a loaded DS9 can drop a request that comes while its window is still
    // being built. Ask for its version until it answers (each try bounded), then start.
    const answering = Date.now() + 180_000;
    for (;;) {
      const r = await watcher
        .callAndWait({ 'samp.mtype': 'ds9.get', 'samp.params': { cmd: 'version' } }, 'SAOImageDS9', 10)
        .catch((e: unknown) => ({ 'samp.status': 'samp.error', error: String(e) }));
      if (r['samp.status'] === 'samp.ok') break;
      if (Date.now() > answering) throw new Error(`DS9 registered but never answered: ${JSON.stringify(r)}\n${ds9Log}`);
    }
    link = await SampLink.connect({ db: catalog.db, root: home, env, onSelect: () => undefined });
  });

  after(async () => {
    await link?.close();
    await watcher?.close();
    if (ds9?.pid && ds9.exitCode === null) {
      process.kill(-ds9.pid, 'SIGTERM');
      await ds9Exit;
    }
    await hub?.stop();
    catalog?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const ds9Get = async (cmd: string): Promise<string> => {
    const r = await watcher.callAndWait({ 'samp.mtype': 'ds9.get', 'samp.params': { cmd } }, 'SAOImageDS9', 60);
    assert.equal(r['samp.status'], 'samp.ok', `ds9.get ${cmd}: ${JSON.stringify(r)}`);
    // Long answers (region lists) come as a file DS9 writes, named by a url.
    const result = r['samp.result'] as Record<string, unknown>;
    if (result.url) return readFileSync(new URL(String(result.url).replace('file://localhost/', 'file:///')), 'utf8');
    return String(result.value ?? '').trim();
  };

  /** DS9 answers messages in the order it reads them; a notification may still be on its way, so ask again. */
  const eventually = async (cmd: string, ok: (v: string) => boolean): Promise<string> => {
    for (let tries = 0; ; tries++) {
      const v = await ds9Get(cmd);
      if (ok(v) || tries === 300) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  it('is listed as a tool to send to', async () => {
    assert.ok((await link.clients()).some((c) => c.name === 'SAOImageDS9'));
  });

  it('loads the frame the workbench sends (image.load.fits) and reports its file and size', async () => {
    const to = await link.sendImage(1, 'SAOImageDS9');
    assert.equal(to.length, 1);
    const file = await eventually('file', (v) => v.endsWith('frame.fits'));
    assert.ok(file.endsWith('frame.fits'), `DS9 shows '${file}'`);
    assert.equal(await ds9Get('fits size'), `${W} ${H}`);
  });

  it("shows the frame's sources as fk5 regions at their sky positions (within 0.05″)", async () => {
    const regions = sourceRegions(catalog.db, catalog.iterateSources({ frameId: 1 }) as never, 'ds9-fk5', 1);
    const path = join(home, 'sources.reg');
    writeFileSync(path, regions);
    const r = await watcher.callAndWait(
      { 'samp.mtype': 'ds9.set', 'samp.params': { cmd: `regions load ${path}` } },
      'SAOImageDS9',
      60,
    );
    assert.equal(r['samp.status'], 'samp.ok', JSON.stringify(r));
    const text = await ds9Get('regions -format ds9 -system wcs -sky fk5 -skyformat degrees');
    const shown = parseDs9Regions(text, 'DS9 regions').regions;
    const sources = [...catalog.iterateSources({ frameId: 1 })];
    assert.equal(shown.length, sources.length, text);
    for (const s of sources) {
      const hit = shown.find(
        (g) =>
          Math.hypot(
            ((g.shape as { cx: number }).cx - (s.ra as number)) * Math.cos(((s.dec as number) * Math.PI) / 180),
            (g.shape as { cy: number }).cy - (s.dec as number),
          ) *
            3600 <
          0.05,
      );
      assert.ok(hit, `no region at (${s.ra}, ${s.dec}) in\n${text}`);
    }
  });

  /** The rows of DS9's current catalog, from DS9's own TSV export of it: column name → values. */
  const ds9Catalog = async (): Promise<Map<string, string[]>> => {
    const out = join(home, `ds9-catalog-${Date.now()}.tsv`);
    const r = await watcher.callAndWait(
      { 'samp.mtype': 'ds9.set', 'samp.params': { cmd: `catalog export tsv ${out}` } },
      'SAOImageDS9',
      60,
    );
    assert.equal(r['samp.status'], 'samp.ok', JSON.stringify(r));
    const [head, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    const names = head.split('\t');
    const rows = lines.map((l) => l.split('\t'));
    return new Map(names.map((n, k) => [n, rows.map((row) => row[k])]));
  };

  /** Each source's RA and Dec is in DS9's catalog, to 1e-9° (the TSV keeps every digit). */
  const assertSources = (shown: Map<string, string[]>) => {
    const sources = [...catalog.iterateSources({ frameId: 1 })];
    assert.equal(shown.get('ra')?.length, sources.length, JSON.stringify([...shown.keys()]));
    for (const [k, s] of sources.entries()) {
      assert.ok(Math.abs(Number(shown.get('ra')?.[k]) - (s.ra as number)) < 1e-9, `row ${k} ra`);
      assert.ok(Math.abs(Number(shown.get('dec')?.[k]) - (s.dec as number)) < 1e-9, `row ${k} dec`);
    }
  };

  it('loads a VOTable sent with `owb samp send --table FILE --to ds9` as a catalog with every row', async () => {
    const table = join(home, 'sources.vot');
    const rows = [...catalog.iterateSources({ frameId: 1 })] as unknown as Array<Record<string, unknown>>;
    await exportRows(rows, 'votable', { out: table, extname: 'sources', fluxUnit: 'adu' });
    // Not spawnSync: the hub the command talks to runs in this process.
    const cli = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const p = spawn(
        process.execPath,
        ['--import', 'tsx', 'src-main/cli/main.ts', 'samp', 'send', '--table', table, '--to', 'ds9'],
        { cwd: resolve(import.meta.dirname, '../../../..'), env: { ...process.env, HOME: home, OWB_WORKSPACE: home } },
      );
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('exit', (status) => done({ status, stdout, stderr }));
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /sent to SAOImageDS9/);
    assertSources(await ds9Catalog());
  });

  it("sends a frame's sources from the workbench (Send to… DS9) as a catalog with every row", async () => {
    const sent = await link.sendSources(1, 'SAOImageDS9');
    assert.equal(sent.to.length, 1);
    assertSources(await ds9Catalog());
  });
});
