// The WebAssembly SIMD inference pass against the JavaScript forward pass (the definition, float64 sums):
// probabilities agree within 1e-5 on every layout the tests and the bench use, including odd sizes whose
// rows end in a partial vector and odd channel counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src-workers/core/random/index.js';
import { CnnWorkspace, cnnLayout, forward, sigmoid, type CnnSpec } from '../../../src-workers/ml/index.js';
import { initParams } from '../../../src-workers/ml/cnn.js';
import { predictIndices } from '../../../src-workers/ml/stamp-set.js';
import { WasmForward } from '../../../src-workers/ml/wasm-forward.js';

const specs: CnnSpec[] = [
  { channels: 3, height: 63, width: 63, filters: [8, 16, 16], hidden: 32 },
  { channels: 1, height: 64, width: 64, filters: [8, 16, 16], hidden: 32 },
  { channels: 3, height: 25, width: 25, filters: [8, 16, 16], hidden: 32 },
  { channels: 2, height: 23, width: 29, filters: [3, 5, 7], hidden: 5 },
];

for (const spec of specs) {
  test(`${spec.width}×${spec.height}×${spec.channels}, filters ${spec.filters.join('/')}: probabilities within 1e-5 of the JavaScript pass`, () => {
    const layout = cnnLayout(spec);
    const rng = createRng(11);
    const params = initParams(layout, () => rng.normal());
    // Non-zero biases too, so every term of the layout is exercised.
    for (const l of layout.convs) for (let o = 0; o < l.outC; o++) params[l.bOff + o] = 0.1 * rng.normal();
    params[layout.d2b] = 0.3;
    const size = spec.channels * spec.height * spec.width;
    const count = 40;
    const data = Float32Array.from({ length: size * count }, () => rng.normal());
    const ws = new CnnWorkspace(layout);
    const wasm = new WasmForward(layout);
    wasm.setParams(params);
    let worst = 0;
    let worstLogit = 0;
    for (let k = 0; k < count; k++) {
      const x = data.subarray(k * size, (k + 1) * size);
      const z = forward(layout, params, x, ws);
      const zw = wasm.logit(x);
      worst = Math.max(worst, Math.abs(sigmoid(z) - sigmoid(zw)));
      worstLogit = Math.max(worstLogit, Math.abs(z - zw) / Math.max(1, Math.abs(z)));
    }
    assert.ok(worst <= 1e-5, `worst probability difference ${worst}`);
    assert.ok(worstLogit <= 1e-4, `worst relative logit difference ${worstLogit}`);
    // predictIndices (what scoring runs) uses the same pass.
    const set = {
      channels: spec.channels,
      height: spec.height,
      width: spec.width,
      count,
      data,
      labels: new Uint8Array(count),
    };
    const scores = predictIndices(layout, params, set, [3, 0, 7], new CnnWorkspace(layout));
    [3, 0, 7].forEach((i, k) =>
      assert.ok(
        Math.abs(scores[k] - sigmoid(forward(layout, params, data.subarray(i * size, (i + 1) * size), ws))) <= 1e-5,
      ),
    );
  });
}
