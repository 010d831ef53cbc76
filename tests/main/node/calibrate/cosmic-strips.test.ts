import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { laCosmicInStrips } from '../../../../src-main/node/calibrate/cosmic-strips.js';
import { laCosmic } from '../../../../src-workers/core/cosmic/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { aboutCentre, render, scene } from '../../../workers/core/register/synthetic.js';

describe('laCosmicInStrips', () => {
  it('gives exactly the single-pass mask and clean image with 4 strips on 2 workers', async () => {
    const W = 160;
    const H = 880;
    const image = render(scene(4, W, H, 120), aboutCentre(W, H, 0, 0, 0), W, H, 8, 6);
    const rng = createRng(12);
    for (let k = 0; k < 80; k++) {
      const i = rng.int(W * H);
      image.data[i] += 300 + 2000 * rng.next();
      if (k % 3 === 0 && i + 1 < W * H) image.data[i + 1] += 800;
    }
    // A saturated star and a few NaN pixels exercise the masks and the shared background level.
    for (let y = 420; y < 426; y++) for (let x = 60; x < 66; x++) image.data[y * W + x] = 70000;
    image.data[5 * W + 5] = NaN;
    const whole = laCosmic(image, { gainEPerAdu: 1.2, readNoiseE: 6 });
    const strips = await laCosmicInStrips(image, { gainEPerAdu: 1.2, readNoiseE: 6, threads: 2, strips: 4 });
    assert.ok(whole.count > 50, `only ${whole.count} flagged`);
    assert.equal(strips.count, whole.count);
    assert.deepEqual(strips.mask, whole.mask);
    assert.deepEqual(strips.clean.data, whole.clean.data);
  });
});
