import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findStarsFast } from '../../../../src-workers/core/register/index.js';
import { aboutCentre, render, scene } from './synthetic.js';

describe('findStarsFast', () => {
  it('finds the bright rendered stars with centroids within 0.03 px (median) and ignores hot pixels', () => {
    const W = 256;
    const H = 200;
    const sc = scene(14, W, H, 60);
    const image = render(sc, aboutCentre(W, H, 0, 0, 0), W, H, 3, 5);
    const hot = [40 * W + 50, 150 * W + 200];
    for (const i of hot) image.data[i] += 5000;
    const stars = findStarsFast(image);
    const errors: number[] = [];
    for (let k = 0; k < sc.x.length; k++) {
      const [x, y] = [sc.x[k], sc.y[k]];
      if (x < 8 || y < 8 || x > W - 9 || y > H - 9) continue;
      let best = Infinity;
      for (let s = 0; s < stars.count; s++) best = Math.min(best, Math.hypot(stars.x[s] - x, stars.y[s] - y));
      if (best < 1) errors.push(best);
    }
    errors.sort((a, b) => a - b);
    assert.ok(errors.length >= 25, `matched only ${errors.length} stars`);
    assert.ok(errors[errors.length >> 1] < 0.03, `median centroid error ${errors[errors.length >> 1]}`);
    for (const i of hot) {
      const hx = i % W;
      const hy = Math.floor(i / W);
      for (let s = 0; s < stars.count; s++)
        assert.ok(Math.hypot(stars.x[s] - hx, stars.y[s] - hy) > 1.5, 'hot pixel reported as a star');
    }
    for (let s = 1; s < stars.count; s++) assert.ok(stars.flux[s] <= stars.flux[s - 1], 'not sorted by flux');
  });
});
