import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectSources, gaussianKernel1d, parseConvKernel } from '../../../../src-workers/core/detect/index.js';
import { gridStars, makeField } from './synthetic-field.js';

// SExtractor's default.conv, verbatim.
const DEFAULT_CONV = `CONV NORM
# 3x3 \`\`all-ground'' convolution mask with FWHM = 2 pixels.
1 2 1
2 4 2
1 2 1
`;

describe('user matched-filter kernels', () => {
  it('parses SExtractor .conv files, normalising CONV NORM to unit sum', () => {
    const k = parseConvKernel(DEFAULT_CONV, 'default.conv');
    assert.equal(k.size, 3);
    assert.deepEqual(
      Array.from(k.data),
      [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => Math.fround(v / 16)),
    );
    const raw = parseConvKernel('CONV NONORM\n0 1 0\n1 4 1\n0 1 0\n');
    assert.equal(raw.data[4], 4);
  });

  for (const [text, message] of [
    ['1 2 1\n2 4 2\n1 2 1\n', /bad\.conv: first line must be 'CONV NORM' or 'CONV NONORM'/],
    ['CONV NORM\n1 2\n3 4\n', /bad\.conv: the kernel must be square with an odd size up to 31, got 2 rows/],
    ['CONV NORM\n1 2 1\n2 4\n1 2 1\n', /bad\.conv: row 2 has 2 values, expected 3/],
    ['CONV NORM\n1 x 1\n2 4 2\n1 2 1\n', /bad\.conv: row 1 holds a value that is not a number/],
    ['CONV NORM\n1 -1 0\n0 0 0\n0 0 0\n', /bad\.conv: CONV NORM kernel sums to zero/],
  ] as const) {
    it(`rejects a malformed file: ${message.source.slice(9, 50)}`, () => {
      assert.throws(() => parseConvKernel(text, 'bad.conv'), message);
    });
  }

  it('a kernel equal to the outer product of the Gaussian gives the separable filter’s catalog', () => {
    // Independent check of the 2-D path: the same filter computed two ways must find the same objects at
    // the same places (float32 summation order differs, hence the 1e-3 px / 1e-4 flux tolerances).
    const stars = gridStars(160, 160, 12, 2000, 80000, 5);
    const image = makeField({ width: 160, height: 160, seed: 6, sky: 200, gain: 2, readNoise: 4, fwhm: 3, stars });
    const g = gaussianKernel1d(3);
    const data = new Float32Array(g.length * g.length);
    for (let j = 0; j < g.length; j++) for (let i = 0; i < g.length; i++) data[j * g.length + i] = g[j] * g[i];
    const separable = detectSources(image, { filterFwhmPx: 3 });
    const twoD = detectSources(image, { filterKernel: { size: g.length, data } });
    assert.equal(twoD.count, separable.count);
    assert.ok(separable.count >= 100, `found ${separable.count}`);
    for (let i = 0; i < separable.count; i++) {
      assert.ok(
        Math.abs(twoD.x[i] - separable.x[i]) < 1e-3 && Math.abs(twoD.y[i] - separable.y[i]) < 1e-3,
        `object ${i} moved`,
      );
      assert.ok(Math.abs(twoD.fluxAuto[i] / separable.fluxAuto[i] - 1) < 1e-4, `object ${i} flux`);
    }
  });

  it('finds the stars with SExtractor’s default 3×3 kernel', () => {
    const stars = gridStars(160, 160, 10, 5000, 60000, 8);
    const image = makeField({ width: 160, height: 160, seed: 9, sky: 200, gain: 2, readNoise: 4, fwhm: 2.5, stars });
    const cat = detectSources(image, { filterKernel: parseConvKernel(DEFAULT_CONV) });
    let found = 0;
    for (const s of stars) {
      for (let i = 0; i < cat.count; i++) {
        if (Math.hypot(cat.x[i] - s.x, cat.y[i] - s.y) < 0.5) {
          found++;
          break;
        }
      }
    }
    // Every star here has SNR > 50: all must be found within 0.5 px.
    assert.equal(found, stars.length, `${found} of ${stars.length}`);
  });
});
