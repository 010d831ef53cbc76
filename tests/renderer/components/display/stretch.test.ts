// The CPU stretch `renderRgba` (the viewer's 2-D path and the reference of the WebGL2 shader).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderRgba, type DisplaySettings } from '../../../../src-renderer/components/display/stretch.js';

const settings: DisplaySettings = { stretch: 'linear', colormap: 'grey', invert: false, limits: { lo: 0, hi: 100 } };

function grey(values: number[]): number[] {
  const out = new Uint8ClampedArray(values.length * 4);
  renderRgba(Float32Array.from(values), out, settings, new Float32Array());
  return values.map((_, i) => out[i * 4]);
}

describe('renderRgba', () => {
  it('draws the limits as black and white and a mid value as mid grey (level 2047 of 4095 → 127)', () => {
    assert.deepEqual(grey([0, 100, 50, -5, 105]), [0, 255, 127, 0, 255]);
  });

  it('draws pixels far above the upper limit and +Infinity white (the level index wrapped past 2^31 to black)', () => {
    // 1e7 × 4095 / 100 ≈ 4.1e8 fits an int32; 1e8 and 1e12 did not and wrapped.
    assert.deepEqual(grey([1e7, 1e8, 6e7, 1e12, 3.4e38, Infinity]), [255, 255, 255, 255, 255, 255]);
  });

  it('draws -Infinity black and NaN opaque black', () => {
    const out = new Uint8ClampedArray(8);
    renderRgba(Float32Array.from([-Infinity, Number.NaN]), out, settings, new Float32Array());
    assert.deepEqual([...out], [0, 0, 0, 255, 0, 0, 0, 255]);
  });
});
