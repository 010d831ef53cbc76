import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { parseProfile } from '../../../../src-main/node/pipeline/profile.js';
import { WatchService } from '../../../../src-main/node/watch/index.js';
import { frameBytes, writeFrame } from './frames.js';

const root = mkdtempSync(join(tmpdir(), 'owb-watch-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Ingest-only profile with a short stability interval, so tests measure the watcher, not detection. */
const trivial = (extra: Record<string, unknown> = {}) =>
  parseProfile({ name: 'trivial', steps: {}, stability: { intervalMs: 80 }, ...extra });

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WatchService (continuous)', () => {
  it('takes 1000 files dropped at once, each exactly once', async () => {
    const dir = join(root, 'thousand');
    mkdirSync(dir);
    const catalog = Catalog.open(join(root, 'thousand.sqlite'));
    const service = new WatchService({ catalog, dirs: [dir], profile: trivial() });
    await service.start();
    // Written elsewhere, then moved in: the way acquisition software drops files.
    const staging = join(root, 'thousand-staging');
    mkdirSync(staging);
    for (let i = 0; i < 1000; i++) writeFrame(join(staging, `f${i}.fits`), { seed: i + 1, size: 8 });
    for (let i = 0; i < 1000; i++) renameSync(join(staging, `f${i}.fits`), join(dir, `f${i}.fits`));
    await until('1000 jobs done', () => catalog.jobCounts().done === 1000);
    await service.stop();
    const stats = catalog.stats();
    assert.equal(stats.tables.frames, 1000);
    assert.equal(stats.tables.frame_paths, 1000);
    assert.deepEqual(stats.jobs, { queued: 0, running: 0, done: 1000, failed: 0 });
    catalog.close();
  });

  it('waits for a file copied in slowly, pauses included, and ingests its final content once', async () => {
    const dir = join(root, 'slow');
    mkdirSync(dir);
    const catalog = Catalog.open(join(root, 'slow.sqlite'));
    const service = new WatchService({ catalog, dirs: [dir], profile: trivial() });
    await service.start();
    const bytes = frameBytes({ seed: 77, size: 64 }); // 4 FITS blocks of data after the header
    const path = join(dir, 'slow.fits');
    const fd = openSync(path, 'w');
    const chunk = 2000;
    for (let off = 0; off < bytes.length; off += chunk) {
      writeSync(fd, bytes, off, Math.min(chunk, bytes.length - off));
      // One pause far longer than the stability interval: only the FITS completeness check can tell.
      await sleep(off === chunk * 3 ? 500 : 30);
      assert.equal(catalog.stats().tables.frames, 0, `taken while incomplete (after ${off + chunk} bytes)`);
    }
    closeSync(fd);
    await until('the slow file done', () => catalog.jobCounts().done === 1);
    await service.stop();
    const frames = catalog.listFrames();
    assert.equal(frames.length, 1);
    assert.equal(frames[0].contentHash, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(catalog.jobCounts().failed, 0);
    catalog.close();
  });

  it('keeps one frame for the same content under two names and after a rename, and ignores hidden and temporary files', async () => {
    const dir = join(root, 'dupes');
    mkdirSync(join(dir, 'night2'), { recursive: true });
    const catalog = Catalog.open(join(root, 'dupes.sqlite'));
    const service = new WatchService({ catalog, dirs: [dir], profile: trivial() });
    await service.start();
    const bytes = writeFrame(join(dir, 'm31.fits'), { seed: 5, size: 8 });
    writeFileSync(join(dir, 'night2', 'm31-copy.fits'), bytes);
    writeFileSync(join(dir, '.hidden.fits'), bytes);
    writeFileSync(join(dir, 'partial.fits.part'), bytes.subarray(0, 100));
    writeFileSync(join(dir, 'notes.txt'), 'not a frame');
    await until('two paths seen', () => catalog.stats().tables.frame_paths === 2);
    renameSync(join(dir, 'm31.fits'), join(dir, 'm31-renamed.fits'));
    await until('the renamed path seen', () => catalog.stats().tables.frame_paths === 3);
    await until('the job done', () => catalog.jobCounts().done === 1);
    await service.stop();
    const stats = catalog.stats();
    assert.equal(stats.tables.frames, 1);
    assert.equal(stats.tables.jobs, 1);
    const frame = catalog.frame(catalog.listFrames()[0].id);
    assert.deepEqual(frame?.paths.map((p) => p.slice(dir.length + 1)).sort(), [
      'm31-renamed.fits',
      'm31.fits',
      'night2/m31-copy.fits',
    ]);
    catalog.close();
  });
});

describe('WatchService.runOnce', () => {
  it('finds files that arrived while not running, skips them on a rescan, and lets a corrupt file fail alone', async () => {
    const dir = join(root, 'once');
    for (let i = 0; i < 5; i++) writeFrame(join(dir, `good${i}.fits`), { seed: 100 + i, size: 8 });
    writeFileSync(join(dir, 'corrupt.fits'), 'SIMPLE  =                    T / but nothing else follows');
    const truncated = frameBytes({ seed: 200, size: 64 });
    writeFileSync(join(dir, 'truncated.fits'), truncated.subarray(0, truncated.length - 5000));
    const path = join(root, 'once.sqlite');
    const run = async () => {
      const catalog = Catalog.open(path);
      const service = new WatchService({
        catalog,
        dirs: [dir],
        profile: trivial({ steps: { stats: true } }),
        threads: 1,
        once: true,
      });
      const status = await service.runOnce();
      await service.stop();
      const stats = catalog.stats();
      catalog.close();
      return { status, stats };
    };
    const first = await run();
    assert.equal(first.stats.jobs.done, 5);
    assert.equal(first.stats.jobs.failed, 2);
    const errors = first.stats.failures.map((f) => `${f.path?.split('/').pop()}: ${f.errorCode}: ${f.error}`).sort();
    assert.match(errors[0], /^corrupt\.fits: FITS_\w+: corrupt\.fits: /);
    assert.match(errors[1], /^truncated\.fits: FITS_TRUNCATED: truncated\.fits: .*truncated/);
    const second = await run();
    assert.deepEqual(second.stats.tables, first.stats.tables, 'a rescan adds nothing');
    assert.deepEqual(second.stats.jobs, first.stats.jobs);
  });
});
