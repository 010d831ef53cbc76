import assert from 'node:assert/strict';
import { test } from 'node:test';
import { floorQuotient } from '../../../../src-workers/core/detect/measure.js';

// The half-light radius bins r² in 0.01 px² steps; its bin index must be the division's, bin for bin, or
// FLUX_RADIUS would move. A plain multiplication by 100 gives another bin for thousands of these values.
test('floorQuotient gives the bin of the division on and next to every r² bin edge', () => {
  const step = 0.01;
  const inverse = 1 / step;
  let plainDiffers = 0;
  for (let k = 0; k < 200_000; k++) {
    const edge = k * step;
    const values = [edge, k / 100, (k + 0.5) * step, Math.sqrt(k) * Math.sqrt(k) * step];
    for (const v of [...values, edge * (1 + 2 ** -52), edge * (1 - 2 ** -52)]) {
      const expected = Math.floor(v / step);
      if (Math.floor(v * inverse) !== expected) plainDiffers++;
      assert.equal(floorQuotient(v, step, inverse), expected, `r² = ${v}`);
    }
  }
  assert.ok(plainDiffers > 1000, `the edge case is exercised (${plainDiffers} values)`);
});

test('floorQuotient matches the division on squared sub-pixel distances as the growth curve forms them', () => {
  const step = 0.01;
  for (let y = -40; y <= 40; y++) {
    for (let x = -40; x <= 40; x++) {
      for (const c of [0, 0.25, 1 / 3, 0.4999999]) {
        const dx = x - c + 1 / 3;
        const dy = y + c - 1 / 3;
        const d2 = dx * dx + dy * dy;
        assert.equal(floorQuotient(d2, step, 1 / step), Math.floor(d2 / step), `d² = ${d2}`);
      }
    }
  }
});
