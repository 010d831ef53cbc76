import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSynthConfig } from '../../../../src-workers/core/synth/config.js';
import { labelAt, layoutFolders, planSample } from '../../../../src-workers/core/synth/plan.js';

describe('dataset plan', () => {
  it('gives each split exactly round(balance·n) lenses, spread evenly', () => {
    for (const [n, balance] of [
      [200, 0.5],
      [7, 0.3],
      [1800, 0.25],
      [5, 1],
      [5, 0],
      [3, 0.5],
    ] as const) {
      const labels = Array.from({ length: n }, (_, i) => labelAt(i, n, balance));
      assert.equal(
        labels.reduce<number>((a, b) => a + b, 0),
        Math.round(balance * n),
        `n=${n} balance=${balance}`,
      );
      // Any prefix is within one image of the target fraction.
      let lenses = 0;
      labels.forEach((l, i) => {
        lenses += l;
        assert.ok(Math.abs(lenses - ((i + 1) * Math.round(balance * n)) / n) <= 1, `prefix ${i + 1}`);
      });
    }
  });

  it('lays files out by split and class, as configured', () => {
    const { config } = validateSynthConfig({ General: { n_train: 4, n_test: 2 } });
    assert.equal(planSample(config, 1).relPath, 'train/lens/train_000001.png');
    assert.equal(planSample(config, 0).relPath, 'train/nonlens/train_000000.png');
    assert.equal(planSample(config, 5).relPath, 'test/lens/test_000001.png');
    assert.deepEqual(layoutFolders(config), ['train/lens', 'train/nonlens', 'test/lens', 'test/nonlens']);
    const flat = validateSynthConfig({
      General: { n_train: 4, n_test: 2 },
      Output: { create_class_subdirs: false, create_split_subdirs: false, image_format: 'FITS' },
    }).config;
    assert.equal(planSample(flat, 4).relPath, 'test_000000.fits');
    assert.deepEqual(layoutFolders(flat), ['']);
  });

  it('derives distinct per-image seeds from the master seed', () => {
    const { config } = validateSynthConfig({});
    const seeds = new Set(Array.from({ length: 2000 }, (_, i) => planSample(config, i).seed));
    assert.equal(seeds.size, 2000);
    const other = validateSynthConfig({ General: { seed: 43 } }).config;
    assert.notEqual(planSample(other, 0).seed, planSample(config, 0).seed);
  });
});
