import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskThread } from '../../../../src-main/node/pool/task-thread.js';

describe('TaskThread (one task kind in a thread of its own)', () => {
  it('runs inputs in order on another thread, with progress, and keeps going after a task throws', async () => {
    const thread = new TaskThread('pool-probe');
    try {
      const seen: number[] = [];
      const [progress, failed, echoed] = await Promise.allSettled([
        thread.run({ mode: 'progress' }, { onProgress: (p) => seen.push(p.done) }),
        thread.run({ mode: 'throw' }),
        thread.run({ mode: 'echo', value: 42 }),
      ]);
      assert.equal(progress.status, 'fulfilled');
      assert.ok(seen.length >= 2 && seen.at(-1) === 5, `progress seen: ${seen.join(', ')}`);
      assert.equal(failed.status, 'rejected');
      assert.match(String((failed as PromiseRejectedResult).reason), /probe failed on purpose/);
      assert.equal(echoed.status, 'fulfilled');
      const out = (echoed as PromiseFulfilledResult<{ value: number; threadId: number }>).value;
      assert.equal(out.value, 42);
      assert.notEqual(out.threadId, 0, 'ran on the main thread');
    } finally {
      await thread.terminate();
    }
  });

  it('rejects what is pending, and what comes after, when the thread dies', async () => {
    const thread = new TaskThread('pool-probe');
    const crashing = thread.run({ mode: 'crash' });
    const queued = thread.run({ mode: 'echo', value: 2 });
    await assert.rejects(crashing, /task thread 'pool-probe' stopped \(exit code 3\)/);
    await assert.rejects(queued, /stopped/);
    await assert.rejects(thread.run({ mode: 'echo', value: 1 }), /stopped/);
    await thread.terminate();
  });

  it('lets the process end once terminated, rejecting a run left waiting', async () => {
    const thread = new TaskThread('pool-probe');
    const waiting = thread.run({ mode: 'sleep', sleepMs: 60_000 });
    await thread.terminate();
    await assert.rejects(waiting, /terminated/);
  });
});
