import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { erf, simulateStarField } from '../../../../src-workers/core/simulate/index.js';

describe('simulateStarField', () => {
  it('erf matches tabulated values to 1e-6', () => {
    // Abramowitz & Stegun table 7.1.
    const table: Array<[number, number]> = [
      [0.1, 0.112462916],
      [0.5, 0.5204998778],
      [1.0, 0.8427007929],
      [2.0, 0.995322265],
      [-1.5, -0.9661051465],
    ];
    for (const [x, want] of table) assert.ok(Math.abs(erf(x) - want) < 1e-6, `erf(${x})`);
  });

  it('puts each star’s flux where the truth says, above a sky with the expected noise', () => {
    const { image, stars } = simulateStarField({
      widthPx: 128,
      heightPx: 128,
      starCount: 6,
      fwhmPx: 3,
      skyAdu: 100,
      readNoiseAdu: 3,
      minFluxAdu: 2e4,
      maxFluxAdu: 5e4,
      marginPx: 16,
      seed: 7,
    });
    assert.equal(stars.length, 6);
    // Sum in a 9-px box minus sky recovers the flux (box holds >99.9 % of a FWHM-3 Gaussian); Poisson
    // noise on ~2e4 e- is ~1 %, so allow 3 %.
    for (const star of stars) {
      const cx = Math.round(star.x);
      const cy = Math.round(star.y);
      let sum = 0;
      for (let y = cy - 4; y <= cy + 4; y++)
        for (let x = cx - 4; x <= cx + 4; x++) sum += image.data[y * 128 + x] - 100;
      const neighbours = stars.filter((s) => s !== star && Math.hypot(s.x - star.x, s.y - star.y) < 12);
      if (neighbours.length) continue;
      assert.ok(Math.abs(sum / star.fluxAdu - 1) < 0.03, `flux ratio ${sum / star.fluxAdu}`);
    }
    // A star-free corner: mean = sky, variance = sky/gain + readNoise² (100 + 9).
    const corner: number[] = [];
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) corner.push(image.data[y * 128 + x]);
    const mean = corner.reduce((a, b) => a + b, 0) / corner.length;
    const variance = corner.reduce((a, b) => a + (b - mean) ** 2, 0) / (corner.length - 1);
    assert.ok(Math.abs(mean - 100) < 4, `sky mean ${mean}`);
    assert.ok(variance > 60 && variance < 170, `sky variance ${variance}`);
  });

  it('is reproducible from its seed', () => {
    const a = simulateStarField({ widthPx: 32, heightPx: 32, starCount: 3, seed: 11 });
    const b = simulateStarField({ widthPx: 32, heightPx: 32, starCount: 3, seed: 11 });
    const c = simulateStarField({ widthPx: 32, heightPx: 32, starCount: 3, seed: 12 });
    assert.deepEqual(a.image.data, b.image.data);
    assert.notDeepEqual(a.image.data, c.image.data);
  });
});
