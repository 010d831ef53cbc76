// Generalised Lomb–Scargle and Baluev FAP against astropy.timeseries.LombScargle (Debian's python3) on the
// same series: normalization='standard', fit_mean=True, center_data=True, the exact 'slow' method.
// Periodogram within 1e-6 absolute, best frequency identical on the grid, FAP within 1e-6 relative.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import {
  falseAlarmBaluev,
  lombScarglePower,
  type FrequencyGrid,
} from '../../../../src-workers/core/timeseries/index.js';

const hasAstropy =
  spawnSync('/usr/bin/python3', ['-c', 'import astropy.timeseries, scipy'], { encoding: 'utf8' }).status === 0;
const skip = hasAstropy ? false : 'needs /usr/bin/python3 with astropy and scipy (python3-astropy, python3-scipy)';
const dir = mkdtempSync(join(tmpdir(), 'owb-ls-'));

interface Series {
  t: Float64Array;
  y: Float64Array;
  dy: Float64Array;
}

/** Irregular multi-night sampling of a sinusoid (amplitude 0 = pure noise) with heteroscedastic errors. */
function series(n: number, seed: number, amplitude: number, periodDays: number): Series {
  const rng = createRng(seed);
  const t = new Float64Array(n);
  const y = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = 60000 + Math.floor(rng.next() * 20) + 0.1 + rng.next() * 0.3; // 20 nights, 7 h windows
    dy[i] = 0.005 + 0.01 * rng.next();
    y[i] = 12 + amplitude * Math.sin((2 * Math.PI * t[i]) / periodDays + 0.7) + dy[i] * rng.normal();
  }
  return { t, y, dy };
}

function astropy(s: Series, grid: FrequencyGrid, weighted: boolean): { power: number[]; fap: number } {
  const file = (name: string, a: Float64Array): string => {
    const p = join(dir, `${name}${Math.random().toString(36).slice(2)}.bin`);
    writeFileSync(p, new Uint8Array(a.buffer));
    return JSON.stringify(p);
  };
  const code = `import numpy as np, json
from astropy.timeseries import LombScargle
t = np.fromfile(${file('t', s.t)}, dtype='<f8'); y = np.fromfile(${file('y', s.y)}, dtype='<f8')
dy = ${weighted ? `np.fromfile(${file('dy', s.dy)}, dtype='<f8')` : 'None'}
f = ${grid.minFrequency} + ${grid.stepFrequency} * np.arange(${grid.count})
ls = LombScargle(t, y, dy, fit_mean=True, center_data=True, normalization='standard')
p = ls.power(f, method='slow')
# astropy's false_alarm_probability() snaps maximum_frequency to its own autofrequency grid; call its
# Baluev formula with the grid's exact maximum instead.
from astropy.timeseries.periodograms.lombscargle._statistics import fap_baluev
fap = fap_baluev(p.max(), f.max(), t, y, np.ones_like(t) if dy is None else dy, normalization='standard')
print(json.dumps({'power': p.tolist(), 'fap': float(fap)}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

describe('generalised Lomb–Scargle against astropy', { skip }, () => {
  const cases = [
    { name: 'sinusoid, weighted', n: 300, amplitude: 0.05, weighted: true },
    { name: 'sinusoid, unweighted', n: 300, amplitude: 0.05, weighted: false },
    { name: 'weak sinusoid', n: 200, amplitude: 0.004, weighted: true },
    { name: 'pure noise', n: 150, amplitude: 0, weighted: true },
  ];
  for (const [k, c] of cases.entries()) {
    it(`${c.name}: same periodogram (1e-6), best frequency and Baluev FAP`, () => {
      const s = series(c.n, 11 + k, c.amplitude, 0.613);
      // 3000 steps crosses the recurrence's re-seeding points many times.
      const grid: FrequencyGrid = { minFrequency: 0.05, stepFrequency: 0.002, count: 3000 };
      const dy = c.weighted ? s.dy : undefined;
      const ours = lombScarglePower(s.t, s.y, dy, grid);
      const ref = astropy(s, grid, c.weighted);
      let worst = 0;
      for (let i = 0; i < grid.count; i++) worst = Math.max(worst, Math.abs(ours[i] - ref.power[i]));
      assert.ok(worst < 1e-6, `max |Δpower| = ${worst}`);
      const best = argmax(ours);
      assert.equal(best, argmax(ref.power));
      if (c.amplitude > 0.01) assert.ok(Math.abs(grid.minFrequency + best * grid.stepFrequency - 1 / 0.613) < 0.01);
      const fmax = grid.minFrequency + (grid.count - 1) * grid.stepFrequency;
      const fap = falseAlarmBaluev(ours[best], fmax, s.t, dy);
      assert.ok(Math.abs(fap - ref.fap) <= 1e-6 * Math.max(ref.fap, 1e-300) + 1e-300, `FAP ${fap} vs ${ref.fap}`);
      if (c.amplitude === 0) assert.ok(fap > 0.01, `pure noise FAP ${fap}`);
      if (c.amplitude > 0.01) assert.ok(fap < 1e-10, `strong signal FAP ${fap}`);
    });
  }
});

describe('Lomb–Scargle input checks', () => {
  const grid: FrequencyGrid = { minFrequency: 0.1, stepFrequency: 0.1, count: 10 };
  const t = [1, 2, 3, 4, 5];
  const y = [1, 2, 1, 2, 1];
  for (const [what, call, code] of [
    ['length mismatch', () => lombScarglePower(t, [1, 2], undefined, grid), 'TS_LENGTH'],
    ['too short', () => lombScarglePower([1, 2, 3], [1, 2, 3], undefined, grid), 'TS_TOO_SHORT'],
    ['NaN value', () => lombScarglePower(t, [1, Number.NaN, 1, 2, 1], undefined, grid), 'TS_NOT_FINITE'],
    ['zero error', () => lombScarglePower(t, y, [1, 1, 0, 1, 1], grid), 'TS_BAD_ERROR'],
    ['zero step', () => lombScarglePower(t, y, undefined, { ...grid, stepFrequency: 0 }), 'TS_GRID'],
    ['huge grid', () => lombScarglePower(t, y, undefined, { ...grid, count: 1e9 }), 'TS_GRID'],
  ] as const) {
    it(`rejects ${what} with ${code}`, () => {
      assert.throws(call, (e: unknown) => e instanceof InputError && e.code === code);
    });
  }
  it('a constant series has zero power everywhere', () => {
    assert.deepEqual([...lombScarglePower(t, [3, 3, 3, 3, 3], undefined, grid)], new Array(10).fill(0));
  });
});
