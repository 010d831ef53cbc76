import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
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

  it('starts when Node runs with options a worker may not be given (V8 flags such as --trace-gc)', () => {
    // tsx registered from the script, not on the command line: the worker's options are built, not inherited.
    const module = fileURLToPath(new URL('../../../../src-main/node/pool/task-thread.ts', import.meta.url));
    const script = `
      const { register } = await import('tsx/esm/api');
      register();
      const { TaskThread } = await import(${JSON.stringify(module)});
      const thread = new TaskThread('pool-probe');
      const out = await thread.run({ mode: 'echo', value: 7 });
      console.log('echoed ' + out.value);
      await thread.terminate();`;
    const run = spawnSync(process.execPath, ['--trace-gc', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^echoed 7$/m);
  });
});
