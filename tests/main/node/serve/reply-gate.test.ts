// ReplyGate: at most `limit` turns at once, handed out in arrival order; a released turn passes to the
// next waiter, releasing twice does nothing, and a bad limit is refused naming the parameter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyGate } from '../../../../src-main/node/serve/reply-gate.js';

describe('ReplyGate', () => {
  it('gives at most `limit` turns at once, first come first served', async () => {
    const gate = new ReplyGate(2);
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const turns = Array.from({ length: 5 }, (_, i) =>
      gate.acquire().then((release) => {
        order.push(i);
        releases[i] = release;
      }),
    );
    await Promise.all(turns.slice(0, 2));
    assert.deepEqual(order, [0, 1]);
    assert.deepEqual(gate.counts, { active: 2, waiting: 3 });
    releases[1]();
    releases[1]();
    await turns[2];
    assert.deepEqual(order, [0, 1, 2]);
    assert.deepEqual(gate.counts, { active: 2, waiting: 2 }, 'releasing twice freed one turn only');
    releases[0]();
    releases[2]();
    await Promise.all(turns);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    releases[3]();
    releases[4]();
    assert.deepEqual(gate.counts, { active: 0, waiting: 0 });
  });

  for (const limit of [0, -1, 1.5, Number.NaN]) {
    it(`refuses limit ${limit}`, () => {
      assert.throws(() => new ReplyGate(limit), {
        name: 'RangeError',
        message: `'limit' must be a positive integer, got ${limit}`,
      });
    });
  }
});
