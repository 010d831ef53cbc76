import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalog, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { JobQueue, retryDelayMs } from '../../../../src-main/node/jobs/index.js';

describe('retry backoff', () => {
  it('doubles with every attempt up to the cap, and the jitter keeps each delay in [d/2, d]', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const d = Math.min(10_000, 100 * 2 ** (attempt - 1));
      assert.equal(retryDelayMs(attempt, { baseMs: 100, maxMs: 10_000, random: () => 0 }), d / 2, `attempt ${attempt}`);
      assert.equal(retryDelayMs(attempt, { baseMs: 100, maxMs: 10_000, random: () => 1 }), d, `attempt ${attempt}`);
    }
    assert.equal(retryDelayMs(1e6, { baseMs: 100, maxMs: 10_000, random: () => 0.5 }), 7500, 'no overflow');
  });

  it('spreads a burst: 200 jobs failing together come back over the jitter range, not in one instant', () => {
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, { baseMs: 1000, random }));
    // d = 4000 ms: uniform on [2000, 4000): mean 3000, and about a tenth in each 200 ms slice.
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    assert.ok(Math.abs(mean - 3000) < 120, `mean ${mean}`);
    assert.ok(Math.min(...delays) >= 2000 && Math.max(...delays) < 4000);
    assert.ok(new Set(delays.map((d) => Math.floor(d / 200))).size === 10, 'every 200 ms slice is used');
  });

  it('the queue requeues a failed attempt after the exponential delay of its attempt number', () => {
    const catalog = Catalog.open(':memory:');
    new FrameStore(catalog.db).ingest({
      contentHash: 'h',
      path: '/f.fits',
      fileName: 'f.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {},
      job: { kind: 'process-frame', profile: 'default', maxAttempts: 5 },
    });
    const queue = new JobQueue(catalog.db, { retryBackoffMs: 1000, random: () => 0.999999 });
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      catalog.db.prepare('UPDATE jobs SET not_before = 0').run();
      const [job] = queue.lease(1);
      assert.equal(job.attempt, attempt);
      const before = Date.now();
      assert.equal(queue.fail(job, { message: 'disk full', retryable: true }), 'requeued');
      const notBefore = (catalog.db.prepare('SELECT not_before AS t FROM jobs').get() as { t: number }).t;
      waits.push(Math.round((notBefore - before) / 100) * 100);
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000]);
    catalog.close();
  });
});
