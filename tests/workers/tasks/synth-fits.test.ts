import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onesComplementSum } from '../../../src-workers/core/fits/checksum.js';
import { encodeFits, imageHdu } from '../../../src-workers/core/fits/encode.js';
import { parseFits } from '../../../src-workers/core/fits/index.js';
import { validateSynthConfig } from '../../../src-workers/core/synth/config.js';
import { generateSample } from '../../../src-workers/core/synth/sample.js';
import { fitsCards } from '../../../src-workers/tasks/synth-encode.js';
import { SynthFitsEncoder, type ValueCard } from '../../../src-workers/tasks/synth-fits.js';

describe('SynthFitsEncoder (header and buffer reused between images)', () => {
  for (const mode of ['parity', 'physical'] as const) {
    it(`writes the bytes encodeFits writes, image after image (${mode} mode)`, () => {
      const { config } = validateSynthConfig({ General: { n_train: 12, n_test: 4, image_size: 24, mode } });
      const encoder = new SynthFitsEncoder();
      for (let i = 0; i < 16; i++) {
        const s = generateSample(config, i);
        const cards = fitsCards(config, s);
        const expected = encodeFits([
          imageHdu({ width: 24, height: 24, data: Float32Array.from(s.pixels) }, { header: cards }),
        ]);
        const got = encoder.encode(24, 24, s.pixels, cards);
        assert.ok(Buffer.from(got).equals(Buffer.from(expected)), `image ${i} differs from encodeFits`);
      }
    });
  }

  it('matches encodeFits for pixel counts that are not a multiple of four, negatives and large sums', () => {
    const encoder = new SynthFitsEncoder({ width: 7, height: 5 });
    for (let i = 0; i < 4; i++) {
      // Large negative values set the sign bit of most words, so the sums pass 2^31 (unsigned on the host).
      const pixels = Float64Array.from({ length: 35 }, (_, p) => (p % 3 === 0 ? -1 : 1) * 1e30 * (i + 1) + p / 7);
      const cards: ValueCard[] = [{ key: 'IMGINDEX', value: i }];
      const expected = encodeFits([
        imageHdu({ width: 7, height: 5, data: Float32Array.from(pixels) }, { header: cards }),
      ]);
      const got = encoder.encode(7, 5, pixels, cards);
      assert.ok(Buffer.from(got).equals(Buffer.from(expected)), `image ${i} differs from encodeFits`);
    }
  });

  it('starts over when the size or the keywords change, and its files read back with valid checksums', () => {
    const encoder = new SynthFitsEncoder();
    const pixels = Float64Array.from({ length: 16 * 16 }, (_, i) => Math.sin(i) * 100);
    const first = encoder.encode(16, 16, pixels, [{ key: 'LABEL', value: 1 }]).slice();
    const other = encoder
      .encode(16, 16, pixels, [
        { key: 'SEED', value: 5 },
        { key: 'LABEL', value: 0 },
      ])
      .slice();
    const bigger = encoder.encode(20, 20, new Float64Array(400).fill(2.5), [{ key: 'LABEL', value: 0 }]);
    const parsed = [first, other, bigger].map((bytes) => {
      // CHECKSUM makes the whole HDU sum to −0 in ones' complement.
      assert.equal(onesComplementSum(bytes), 0xffffffff);
      return parseFits(bytes);
    });
    const data = parsed[1].hdus[0].data as Uint8Array;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const values = Array.from({ length: 256 }, (_, i) => view.getFloat32(4 * i, false));
    assert.deepEqual(values, Array.from(pixels, Math.fround));
    assert.equal(parsed[1].hdus[0].header.get('SEED'), 5);
    assert.equal(parsed[1].hdus[0].header.get('LABEL'), 0);
    assert.deepEqual([parsed[2].hdus[0].header.get('NAXIS1'), parsed[2].hdus[0].header.get('NAXIS2')], [20, 20]);
  });
});
