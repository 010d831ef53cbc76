import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TaskTimeoutError, WorkerPool } from '../../../../src-main/node/pool/worker-pool.js';

describe('WorkerPool', () => {
  const pool = new WorkerPool({ threads: 2 });
  after(() => pool.destroy());

  it('runs a task in a worker thread and returns its value', async () => {
    const out = await pool.run('pool-probe', { mode: 'echo', value: 42 });
    assert.equal(out.value, 42);
    assert.notEqual(out.threadId, 0, 'ran on the main thread');
  });

  it('forwards progress events from the worker', async () => {
    const seen: number[] = [];
    await pool.run('pool-probe', { mode: 'progress' }, { onProgress: (p) => seen.push(p.done) });
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(seen.length >= 2, `expected progress events, got ${seen.length}`);
    assert.equal(seen.at(-1), 5);
  });

  it('keeps the error of a task that throws and goes on with the next', async () => {
    await assert.rejects(pool.run('pool-probe', { mode: 'throw' }), /probe failed on purpose/);
    assert.equal((await pool.run('pool-probe', { mode: 'echo', value: 1 })).value, 1);
  });

  it('survives a worker that exits the process', async () => {
    await assert.rejects(pool.run('pool-probe', { mode: 'crash' }));
    assert.equal((await pool.run('pool-probe', { mode: 'echo', value: 7 })).value, 7);
  });

  it('times out a task and cancels on abort', async () => {
    await assert.rejects(
      pool.run('pool-probe', { mode: 'sleep', sleepMs: 5000 }, { timeoutMs: 100 }),
      TaskTimeoutError,
    );
    const controller = new AbortController();
    const running = pool.run('pool-probe', { mode: 'sleep', sleepMs: 5000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(running, /abort/i);
  });
});
