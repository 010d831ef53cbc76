// Outlier flags on a steep light curve: an outlier must not drag its neighbours' predictions (a single-pass
// running median flagged the good points next to it, and one-sided windows flagged the ends of a ramp).
// Exact, noise-free data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flagOutliers } from '../../../../src-workers/core/timeseries/detrend.js';

describe('flagOutliers', () => {
  it('flags only the outlier on a steep ramp (4σ per point)', () => {
    const mag = Float64Array.from({ length: 100 }, (_, i) => 4 * i);
    mag[52] = -100;
    const flags = new Uint8Array(100);
    flagOutliers(mag, new Float64Array(100).fill(1), flags, 5, 1);
    assert.deepEqual(
      [...flags.keys()].filter((i) => flags[i]),
      [52],
    );
  });
  it('flags a pair of adjacent outliers and leaves flagged points alone', () => {
    const mag = Float64Array.from({ length: 60 }, (_, i) => Math.sin(i / 20));
    mag[20] += 3;
    mag[21] += 2.5;
    const flags = new Uint8Array(60);
    flags[40] = 4; // e.g. MISSING: not looked at, not changed
    mag[40] = Number.NaN;
    flagOutliers(mag, new Float64Array(60).fill(0.01), flags, 5, 1);
    assert.deepEqual(
      [...flags.keys()].filter((i) => flags[i] & 1),
      [20, 21],
    );
    assert.equal(flags[40], 4);
  });
});
