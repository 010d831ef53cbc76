// Issue 25: watchers that survive the file system. A symbolic-link loop, a folder deleted while watched,
// empty and never-completing files: the service keeps running, says which folder failed and why, and
// gives up on files it cannot take instead of waiting forever.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService, type GiveUpEvent } from '../../../../src-main/node/watch/index.js';
import { writeFrame } from './frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-watch-hostile-'));
after(() => rmSync(root, { recursive: true, force: true }));

const profile = (stability: Record<string, number> = {}) =>
  parseProfile({ name: 'trivial', steps: {}, stability: { intervalMs: 80, ...stability } });

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Services and catalogs still open when a test ends (an assertion failed): stopped in afterEach, so a
 * failure is reported instead of a watcher keeping the test process alive for ever. */
const open: Array<{ service: WatchService; catalog: Catalog }> = [];
function track<T extends WatchService>(service: T, catalog: Catalog): T {
  open.push({ service, catalog });
  return service;
}
afterEach(async () => {
  for (const { service, catalog } of open.splice(0)) {
    await service.stop().catch(() => undefined);
    catalog.close();
  }
});

function folder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('watched folders that fail', () => {
  it('a symbolic-link loop marks its folder failed (ELOOP) and the other folder keeps ingesting', async () => {
    const looped = folder('looped');
    symlinkSync('.', join(looped, 'loop'));
    const healthy = folder('healthy');
    const catalog = Catalog.open(join(root, 'loop.sqlite'));
    const service = track(new WatchService({ catalog, dirs: [looped, healthy], profile: profile() }), catalog);
    await service.start(); // rejected or threw an uncaught ELOOP before the fix
    await until('the looped folder marked failed', () => service.folders()[0].state === 'failed');
    const [bad, good] = service.folders();
    // Said once, not as the forty-level path chokidar reached.
    assert.equal(bad.reason, `${looped}: a symbolic-link loop at loop (too many symbolic links); the rest is watched`);
    assert.equal(good.state, 'ok');
    writeFrame(join(healthy, 'a.fits'), { seed: 1, size: 8 });
    await until('the healthy folder ingests', () => catalog.jobCounts().done === 1);
    assert.equal(service.status().failedFolders, 1);
  });

  it('a folder deleted while watched is marked failed, and watched again when it comes back', async () => {
    const doomed = folder('doomed');
    const other = folder('other');
    const catalog = Catalog.open(join(root, 'deleted.sqlite'));
    const service = track(new WatchService({ catalog, dirs: [doomed, other], profile: profile() }), catalog);
    const failures: string[] = [];
    service.onDidFailFolder((f) => failures.push(f.path));
    await service.start();
    rmSync(doomed, { recursive: true });
    await until('the deleted folder marked failed', () => service.folders()[0].state === 'failed', 10_000);
    assert.match(service.folders()[0].reason ?? '', /deleted or is no longer reachable/);
    assert.deepEqual(failures, [doomed]);
    writeFrame(join(other, 'b.fits'), { seed: 2, size: 8 });
    await until('the other folder ingests', () => catalog.jobCounts().done === 1);
    mkdirSync(doomed);
    writeFrame(join(doomed, 'c.fits'), { seed: 3, size: 8 });
    await until('the folder back and its file ingested', () => catalog.jobCounts().done === 2, 10_000);
    assert.equal(service.folders()[0].state, 'ok');
  });

  it('a folder missing at start does not stop the service from starting', async () => {
    const missing = join(root, 'never-made');
    const catalog = Catalog.open(join(root, 'missing.sqlite'));
    const service = track(new WatchService({ catalog, dirs: [missing], profile: profile() }), catalog);
    await service.start();
    assert.equal(service.folders()[0].state, 'failed');
    assert.match(service.folders()[0].reason ?? '', /never-made: the folder was deleted or is no longer reachable/);
  });
});

describe('files that never complete', () => {
  it('--once (runOnce) reports an empty file and returns instead of waiting for it to grow', async () => {
    const dir = folder('once-empty');
    writeFileSync(join(dir, 'empty.fits'), '');
    writeFrame(join(dir, 'good.fits'), { seed: 4, size: 8 });
    const catalog = Catalog.open(join(root, 'once-empty.sqlite'));
    // giveUpMs far beyond the test's timeout: --once must not wait for it on an empty file.
    const service = track(
      new WatchService({
        catalog,
        dirs: [dir],
        profile: profile({ giveUpMs: 3_600_000 }),
        once: true,
      }),
      catalog,
    );
    const given: GiveUpEvent[] = [];
    service.onDidGiveUp((e) => given.push(e));
    const status = await service.runOnce(); // never resolved before the fix
    assert.deepEqual(given, [{ path: join(dir, 'empty.fits'), reason: 'empty file (0 bytes)' }]);
    assert.equal(status.gaveUpFiles, 1);
    assert.equal(status.done, 1);
    assert.equal(status.waitingFiles, 0);
  });

  it('watching, an empty file is given up on after stability.giveUpMs, and a file that keeps growing too', async () => {
    const dir = folder('watch-empty');
    const catalog = Catalog.open(join(root, 'watch-empty.sqlite'));
    const giveUpMs = 600;
    const service = track(new WatchService({ catalog, dirs: [dir], profile: profile({ giveUpMs }) }), catalog);
    const given: Array<GiveUpEvent & { afterMs: number }> = [];
    const started = Date.now();
    service.onDidGiveUp((e) => given.push({ ...e, afterMs: Date.now() - started }));
    await service.start();
    writeFileSync(join(dir, 'empty.fits'), '');
    const growing = join(dir, 'growing.fits');
    writeFileSync(growing, 'x');
    const grow = setInterval(() => appendFileSync(growing, 'x'), 30);
    try {
      await until('both files given up on', () => given.length === 2, 15_000);
    } finally {
      clearInterval(grow);
    }
    const byName = Object.fromEntries(given.map((g) => [g.path, g]));
    assert.match(byName[join(dir, 'empty.fits')].reason, /^still empty \(0 bytes\) after \d+ s$/);
    assert.match(byName[growing].reason, /^still changing after \d+ s$/);
    // Not before the stability timeout: an empty file may be a copy that has not started yet.
    for (const g of given) assert.ok(g.afterMs >= giveUpMs, `${g.path} given up after ${g.afterMs} ms`);
    // An append already in flight when the interval stopped gives the growing file another (short) wait;
    // under load that can still be pending here, so wait for it to be given up again rather than race it.
    await until('nothing left waiting', () => service.status().waitingFiles === 0, 10_000);
    assert.equal(catalog.stats().tables.frames, 0);
  });
});
