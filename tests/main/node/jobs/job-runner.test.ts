import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { Catalog, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { JobQueue, JobRunner, type JobHandler } from '../../../../src-main/node/jobs/index.js';
import { WorkerPool } from '../../../../src-main/node/pool/worker-pool.js';

function setup(frames: number, maxAttempts = 3): { catalog: Catalog; queue: JobQueue } {
  const catalog = Catalog.open(':memory:');
  const store = new FrameStore(catalog.db);
  for (let i = 0; i < frames; i++) {
    store.ingest({
      contentHash: `h${i}`,
      path: `/f${i}.fits`,
      fileName: `f${i}.fits`,
      sizeBytes: 1,
      mtimeMs: 1,
      meta: {},
      job: { kind: 'process-frame', profile: 'default', maxAttempts },
    });
  }
  catalog.db.exec('CREATE TABLE results (job_id INTEGER UNIQUE, value INTEGER)');
  return { catalog, queue: new JobQueue(catalog.db, { retryBackoffMs: 1 }) };
}

const writeResult = (catalog: Catalog, jobId: number, value: number) => () => {
  catalog.db.prepare('INSERT INTO results (job_id, value) VALUES (?, ?)').run(jobId, value);
};

describe('JobQueue', () => {
  it('leases each queued job once, and commits result and state together', () => {
    const { catalog, queue } = setup(3);
    const leased = queue.lease(10);
    assert.deepEqual(
      leased.map((j) => j.attempt),
      [1, 1, 1],
    );
    assert.equal(queue.lease(10).length, 0, 'running jobs under a live lease are not leased again');
    assert.ok(queue.complete(leased[0], writeResult(catalog, leased[0].id, 1)));
    // A commit whose writes throw leaves neither the result nor the state change.
    assert.throws(() =>
      queue.complete(leased[1], () => {
        writeResult(catalog, leased[1].id, 2)();
        throw new Error('disk full');
      }),
    );
    assert.equal(catalog.job(leased[1].id)?.state, 'running');
    assert.equal((catalog.db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n, 1);
    catalog.close();
  });

  it('lets another owner take a job whose lease expired, and refuses the late commit of the old owner', () => {
    const { catalog, queue } = setup(1);
    const [job] = queue.lease(1);
    catalog.db.prepare('UPDATE jobs SET lease_expires_at = 0').run(); // the lease runs out
    const other = new JobQueue(catalog.db);
    const [again] = other.lease(1);
    assert.equal(again.id, job.id);
    assert.equal(again.attempt, 2);
    assert.equal(queue.complete(job, writeResult(catalog, job.id, 1)), undefined, 'stale owner must not commit');
    assert.ok(other.complete(again, writeResult(catalog, again.id, 2)));
    assert.deepEqual(catalog.db.prepare('SELECT job_id AS jobId, value FROM results').all(), [
      { jobId: job.id, value: 2 },
    ]);
    catalog.close();
  });

  it('reclaims at once the jobs of a dead process on this host, and fails a job whose attempts ran out', () => {
    const { catalog, queue } = setup(2, 1);
    catalog.db
      .prepare("UPDATE jobs SET state = 'running', attempts = 0, lease_owner = ?, lease_expires_at = ? WHERE id = 1")
      .run(`${hostname()}/2147483646/dead`, Date.now() + 3_600_000);
    catalog.db
      .prepare("UPDATE jobs SET state = 'running', attempts = 1, lease_owner = ?, lease_expires_at = ? WHERE id = 2")
      .run(`${hostname()}/2147483646/dead`, Date.now() + 3_600_000);
    assert.equal(queue.lease(5).length, 0, 'live-looking lease is respected before reclaim');
    assert.equal(queue.reclaimFromDeadOwners(), 1);
    const leased = queue.lease(5);
    assert.deepEqual(
      leased.map((j) => j.id),
      [1],
    );
    const failed = catalog.job(2);
    assert.equal(failed?.state, 'failed');
    assert.match(failed?.error ?? '', /worker lost/);
    catalog.close();
  });
});

describe('JobRunner', () => {
  it('retries a throwing job up to its attempts and keeps the error; other jobs go on', async () => {
    const { catalog, queue } = setup(4, 3);
    const tries = new Map<number, number>();
    const handler: JobHandler = async (job) => {
      tries.set(job.id, (tries.get(job.id) ?? 0) + 1);
      if (job.id === 2) throw new Error('flaky disk');
      if (job.id === 3) throw new InputError('FITS_NO_END', 'f2.fits: header has no END card');
      return writeResult(catalog, job.id, job.id);
    };
    const runner = new JobRunner(queue, handler, { concurrency: 2, pollMs: 5 });
    const states: string[] = [];
    runner.onDidChangeJob((e) => states.push(`${e.jobId}:${e.state}`));
    runner.start();
    await runner.whenIdle();
    await runner.drain();
    const stats = catalog.stats();
    assert.deepEqual(stats.jobs, { queued: 0, running: 0, done: 2, failed: 2 });
    assert.equal(tries.get(2), 3, 'a transient error is retried until attempts run out');
    assert.equal(tries.get(3), 1, 'bad input is not retried');
    assert.equal(catalog.job(2)?.error, 'flaky disk');
    assert.equal(catalog.job(3)?.errorCode, 'FITS_NO_END');
    assert.equal(catalog.frame(3)?.status, 'failed');
    assert.ok(states.includes('1:done') && states.includes('2:failed') && states.includes('3:failed'));
    catalog.close();
  });

  it('never has more jobs in flight than its concurrency', async () => {
    const { catalog, queue } = setup(30);
    let inFlight = 0;
    let peak = 0;
    const handler: JobHandler = async (job) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return writeResult(catalog, job.id, 0);
    };
    const runner = new JobRunner(queue, handler, { concurrency: 3, pollMs: 5 });
    runner.start();
    await runner.whenIdle();
    await runner.drain();
    assert.equal(catalog.stats().jobs.done, 30);
    assert.ok(peak <= 3 && peak >= 2, `peak in flight ${peak}`);
    catalog.close();
  });

  it('fails a job whose worker crashes or times out, after its attempts, and goes on', async () => {
    const { catalog, queue } = setup(3, 2);
    const pool = new WorkerPool({ threads: 1 });
    after(() => pool.destroy());
    const handler: JobHandler = async (job, { signal }) => {
      const mode = job.id === 1 ? 'crash' : job.id === 2 ? 'sleep' : 'echo';
      const out = await pool.run(
        'pool-probe',
        { mode, value: job.id, sleepMs: 10_000 },
        { signal, timeoutMs: job.id === 2 ? 300 : 60_000 },
      );
      return writeResult(catalog, job.id, out.value);
    };
    const runner = new JobRunner(queue, handler, { concurrency: 1, pollMs: 5 });
    runner.start();
    await runner.whenIdle();
    await runner.drain();
    assert.equal(catalog.job(1)?.state, 'failed');
    assert.equal(catalog.job(1)?.attempts, 2);
    assert.equal(catalog.job(2)?.state, 'failed');
    assert.match(catalog.job(2)?.error ?? '', /timed out after 300 ms/);
    assert.equal(catalog.job(3)?.state, 'done');
    catalog.close();
  });
});

describe('JobRunner when the catalog itself fails', () => {
  it('stops, rejects whenIdle and reports onDidFail with the error, instead of throwing from a timer', async () => {
    const { catalog, queue } = setup(3);
    let calls = 0;
    const handler: JobHandler = async () => {
      calls++;
      // The catalog goes away while the first job runs: its commit, and every later lease, fail.
      if (calls === 1) catalog.close();
      return () => undefined;
    };
    const runner = new JobRunner(queue, handler, { concurrency: 1, pollMs: 5 });
    const reported: Error[] = [];
    runner.onDidFail((e) => reported.push(e));
    await runner.start();
    await assert.rejects(runner.whenIdle(), /database connection is not open/);
    assert.equal(reported.length, 1);
    assert.match(reported[0].message, /database connection is not open/);
    assert.equal(calls, 1, 'no job is leased after the failure');
    await assert.rejects(runner.whenIdle(), /database connection is not open/, 'later waiters learn it too');
    await runner.drain();
  });
});

describe('JobQueue with a profile filter', () => {
  it('leases only the jobs of its profiles', () => {
    const { catalog } = setup(0);
    const store = new FrameStore(catalog.db);
    for (const [i, profile] of ['nightly', 'flats', 'nightly'].entries()) {
      store.ingest({
        contentHash: `p${i}`,
        path: `/p${i}`,
        fileName: `p${i}`,
        sizeBytes: 1,
        mtimeMs: 1,
        meta: {},
        job: { kind: 'process-frame', profile, maxAttempts: 3 },
      });
    }
    const nightly = new JobQueue(catalog.db, { profiles: ['nightly'] });
    assert.equal(nightly.outstanding(), 2);
    assert.deepEqual(
      nightly.lease(10).map((j) => j.profile),
      ['nightly', 'nightly'],
    );
    assert.deepEqual(
      new JobQueue(catalog.db).lease(10).map((j) => j.profile),
      ['flats'],
    );
    catalog.close();
  });
});
