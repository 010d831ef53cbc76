import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src-workers/core/random/index.js';
import {
  CnnWorkspace,
  backward,
  cnnLayout,
  dihedral,
  forward,
  rocAuc,
  type CnnSpec,
} from '../../../src-workers/ml/index.js';
import { initParams } from '../../../src-workers/ml/cnn.js';

const spec: CnnSpec = { channels: 2, height: 23, width: 23, filters: [3, 4, 4], hidden: 5 };

test('back-propagated gradients match central finite differences within 2 %', () => {
  const layout = cnnLayout(spec);
  const rng = createRng(3);
  // Float32 forward passes: finite differences in float64 copies would not be what forward computes,
  // so the step is large enough (1e-3) for float32 rounding to stay far below the checked difference.
  const p = initParams(layout, () => rng.normal());
  const x = Float32Array.from({ length: 2 * 23 * 23 }, () => rng.normal());
  const ws = new CnnWorkspace(layout);
  forward(layout, p, x, ws);
  const grad = new Float32Array(layout.paramCount);
  backward(layout, p, x, 1, ws, grad); // d logit / d params
  const probe = [
    0,
    5,
    30,
    layout.convs[1].wOff + 7,
    layout.convs[2].wOff + 11,
    layout.convs[2].bOff,
    layout.d1w + 3,
    layout.d1b + 1,
    layout.d2w + 2,
    layout.d2b,
  ];
  let checked = 0;
  for (const i of probe) {
    const h = 1e-3;
    const keep = p[i];
    p[i] = keep + h;
    const up = forward(layout, p, x, ws);
    p[i] = keep - h;
    const down = forward(layout, p, x, ws);
    p[i] = keep;
    const numeric = (up - down) / (2 * h);
    if (Math.abs(numeric) < 1e-3 && Math.abs(grad[i]) < 1e-3) continue; // a dead ReLU path: both zero
    assert.ok(
      Math.abs(numeric - grad[i]) <= 0.02 * Math.max(Math.abs(numeric), 1e-2),
      `param ${i}: ${grad[i]} vs ${numeric}`,
    );
    checked++;
  }
  assert.ok(checked >= 6, `only ${checked} parameters had a live gradient`);
});

test('the eight dihedral codes give eight distinct permutations that keep every pixel', () => {
  const src = Float32Array.from({ length: 2 * 3 * 3 }, (_, i) => i);
  const seen = new Set<string>();
  for (let code = 0; code < 8; code++) {
    const out = dihedral(src, 2, 3, 3, code, new Float32Array(18));
    assert.deepEqual(
      [...out].sort((a, b) => a - b),
      [...src],
    );
    seen.add(out.join(','));
  }
  assert.equal(seen.size, 8);
  // Code 1 mirrors x: the first row 0 1 2 becomes 2 1 0.
  assert.deepEqual([...dihedral(src, 2, 3, 3, 1, new Float32Array(18)).subarray(0, 3)], [2, 1, 0]);
});

test('rocAuc equals the pairwise definition, ties counted half', () => {
  const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2];
  const labels = [0, 0, 1, 1, 1, 1, 0];
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++)
    for (let j = 0; j < scores.length; j++)
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
  assert.equal(rocAuc(scores, labels), wins / pairs);
});
