import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMasters, badPixelMap, interpolateBadPixels } from '../../../../src-workers/core/calibrate/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';

describe('applyMasters', () => {
  const rng = createRng(3);
  const w = 32;
  const h = 24;
  const n = w * h;
  const bias = Float32Array.from({ length: n }, () => 1000 + 5 * rng.normal());
  const darkPerSec = Float32Array.from({ length: n }, () => 0.1 + 0.05 * rng.next());
  const flat = Float32Array.from({ length: n }, (_, i) => 0.8 + 0.4 * ((i % w) / w));
  const sky = Float32Array.from({ length: n }, () => 200 + 100 * rng.next());
  const masterDark = Float32Array.from(darkPerSec, (d) => d * 60); // at 60 s
  const light = Float32Array.from(sky, (s, i) => s * flat[i] + darkPerSec[i] * 120 + bias[i]); // 120 s light

  const lightCopy = Float32Array.from(light);

  it('recovers the noise-free sky to float precision (1e-3 ADU), dark scaled by exposure ratio', () => {
    const out = applyMasters(
      { width: w, height: h, data: light },
      {
        bias: { width: w, height: h, data: bias },
        dark: { width: w, height: h, data: masterDark },
        darkExposureSec: 60,
        flat: { width: w, height: h, data: flat },
      },
      { exposureSec: 120 },
    );
    for (let i = 0; i < n; i++)
      assert.ok(Math.abs(out.data[i] - sky[i]) < 1e-3, `pixel ${i}: ${out.data[i]} vs ${sky[i]}`);
    assert.notEqual(out.data, light);
    assert.deepEqual(light, lightCopy, 'input was modified');
  });

  it('refuses masters of another size', () => {
    assert.throws(
      () =>
        applyMasters(
          { width: w, height: h, data: light },
          { bias: { width: 10, height: 10, data: new Float32Array(100) } },
        ),
      /master bias is 10×10 but the light is 32×24/,
    );
  });
});

describe('bad pixels', () => {
  it('finds injected hot dark pixels and dead flat pixels, and interpolates them from neighbours', () => {
    const rng = createRng(9);
    const w = 50;
    const h = 40;
    const dark = Float32Array.from({ length: w * h }, () => 10 + rng.normal());
    const flat = Float32Array.from({ length: w * h }, (_, i) => 0.7 + 0.6 * ((i % w) / w) + 0.005 * rng.normal());
    const hot = [105, 777, 1510];
    const dead = [333, 1234];
    for (const i of hot) dark[i] = 500;
    for (const i of dead) flat[i] = 0.1;
    const mask = badPixelMap({ width: w, height: h, data: dark }, { width: w, height: h, data: flat });
    const flagged = [...mask.keys()].filter((i) => mask[i]);
    assert.deepEqual(
      flagged,
      [...hot, ...dead].sort((a, b) => a - b),
    );
    const image = Float32Array.from({ length: w * h }, (_, i) => (i % w) * 2 + Math.floor(i / w));
    for (const i of flagged) image[i] = 1e6;
    const fixed = interpolateBadPixels({ width: w, height: h, data: image }, mask);
    // A plane is reproduced exactly by the mean of a symmetric neighbourhood (interior pixels).
    for (const i of flagged)
      assert.ok(Math.abs(fixed.data[i] - ((i % w) * 2 + Math.floor(i / w))) < 1e-4, `pixel ${i}: ${fixed.data[i]}`);
  });
});
