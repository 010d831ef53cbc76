// Scoring on worker threads gives the scores of the single-thread path: the same stamps through
// createEngine with 1, 2 and 3 threads (counts that do not divide evenly, and fewer stamps than threads)
// give the same probabilities (to 1e-6; in fact bit for bit, as each stamp runs the same WebAssembly
// pass), and they agree with the JavaScript definition of the network (float64 sums) within 1e-5.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { CnnWorkspace, cnnLayout, forward, sigmoid, type CnnSpec } from '../../../../src-workers/ml/index.js';
import { initParams } from '../../../../src-workers/ml/cnn.js';
import type { StampSet } from '../../../../src-workers/ml/stamp-set.js';
import { createEngine } from '../../../../src-main/node/ml/ml-threads.js';

const spec: CnnSpec = { channels: 3, height: 63, width: 63, filters: [8, 16, 16], hidden: 32 };
const layout = cnnLayout(spec);
const size = spec.channels * spec.height * spec.width;
const count = 101;
let set: StampSet;
let params: Float32Array;
let serial: Float32Array;
const all = Int32Array.from({ length: count }, (_, i) => i);

before(async () => {
  const rng = createRng(21);
  params = initParams(layout, () => rng.normal());
  for (const l of layout.convs) for (let o = 0; o < l.outC; o++) params[l.bOff + o] = 0.1 * rng.normal();
  const data = new Float32Array(new SharedArrayBuffer(size * count * 4));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  set = { ...spec, count, data, labels: new Uint8Array(count) };
  // The output bias centres the logits on 0, so the scores spread over (0, 1) rather than sit near 1.
  const ws = new CnnWorkspace(layout);
  const logits = Array.from({ length: count }, (_, i) => forward(layout, params, stamp(i), ws)).sort((a, b) => a - b);
  params[layout.d2b] -= logits[count >> 1];
  const one = createEngine(spec, set, 1);
  serial = await one.predict(params, all);
  await one.close();
});

describe('scoring on threads', () => {
  it('the single-thread scores are the network’s (JavaScript pass, float64) within 1e-5', () => {
    const ws = new CnnWorkspace(layout);
    let worst = 0;
    for (let i = 0; i < count; i++)
      worst = Math.max(worst, Math.abs(serial[i] - sigmoid(forward(layout, params, stamp(i), ws))));
    assert.ok(worst <= 1e-5, `worst difference ${worst}`);
    // Not a constant: the scores spread over the interval, so equal arrays below mean something.
    assert.ok(Math.max(...serial) - Math.min(...serial) > 0.1, `scores ${Math.min(...serial)}…${Math.max(...serial)}`);
  });

  for (const threads of [2, 3]) {
    it(`${threads} threads give the single-thread scores (within 1e-6), in the same order`, async () => {
      const engine = createEngine(spec, set, threads);
      after(() => engine.close());
      const parallel = await engine.predict(params, all);
      assert.equal(parallel.length, count);
      for (let i = 0; i < count; i++)
        assert.ok(Math.abs(parallel[i] - serial[i]) <= 1e-6, `stamp ${i}: ${parallel[i]} vs ${serial[i]}`);
      // A subset in another order, fewer stamps than threads, and none.
      const some = Int32Array.from([100, 3, 57, 0, 42]);
      const subset = await engine.predict(params, some);
      some.forEach((i, k) => assert.ok(Math.abs(subset[k] - serial[i]) <= 1e-6, `stamp ${i}`));
      const single = await engine.predict(params, Int32Array.from([7]));
      assert.ok(Math.abs(single[0] - serial[7]) <= 1e-6);
      assert.equal((await engine.predict(params, new Int32Array(0))).length, 0);
    });
  }
});

function stamp(i: number): Float32Array {
  return set.data.subarray(i * size, (i + 1) * size);
}
