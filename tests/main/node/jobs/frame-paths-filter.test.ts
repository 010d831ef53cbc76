// JobQueue `framePaths`: one batch shard leases only its own frames' jobs (plus frame-less jobs), and sees
// only those as outstanding or held elsewhere, so a shard's --once run neither steals nor waits for others.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Catalog, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { JobQueue } from '../../../../src-main/node/jobs/index.js';

function catalogWith(paths: string[]): Catalog {
  const catalog = Catalog.open(':memory:');
  const store = new FrameStore(catalog.db);
  for (const [i, path] of paths.entries())
    store.ingest({
      contentHash: `h${i}`,
      path,
      fileName: path.slice(path.lastIndexOf('/') + 1),
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {},
      job: { kind: 'process-frame', profile: 'default', maxAttempts: 3 },
    });
  return catalog;
}

describe('JobQueue framePaths', () => {
  it("leases only the listed paths' frames; other shards' jobs are neither outstanding nor waited for", () => {
    const catalog = catalogWith(['/n/a.fits', '/n/b.fits', '/n/c.fits', "/n/it's.fits"]);
    // A frame-less job (a master build) is in every shard.
    catalog.db
      .prepare(
        `INSERT INTO jobs (kind, profile, state, max_attempts, created_at) VALUES ('build-master', 'default', 'queued', 3, 0)`,
      )
      .run();
    const mine = new JobQueue(catalog.db, { framePaths: ['/n/b.fits', "/n/it's.fits", '/n/not-ingested.fits'] });
    const other = new JobQueue(catalog.db, { framePaths: ['/n/a.fits'] });
    assert.equal(mine.outstanding(), 3);
    const leased = mine.lease(10);
    const paths = (frameId: number | null) =>
      frameId === null
        ? null
        : (catalog.db.prepare('SELECT path FROM frame_paths WHERE frame_id = ?').get(frameId) as { path: string }).path;
    assert.deepEqual(leased.map((j) => paths(j.frameId)).sort(), ['/n/b.fits', "/n/it's.fits", null].sort());
    assert.equal(other.leasedElsewhere(), 1, "of other's shard mine holds only the frame-less job");
    assert.equal(other.lease(10).length, 1);
    // Unfiltered: the job of /n/c.fits is still there for a queue without a filter.
    assert.equal(new JobQueue(catalog.db).lease(10).length, 1);
    catalog.close();
  });
});
