// Period searches against truth: injected periods recovered, the Lomb–Scargle period uncertainty agrees with
// the scatter of best periods over 40 noise realisations (ratio within [0.7, 1.4]), the BLS permutation FAP
// is minimal for a 1 % transit and not significant for pure noise, and folding puts the epoch at phase 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { blsSearch, foldPhase, lombScargleSearch } from '../../../../src-workers/core/timeseries/index.js';

function sampling(n: number, seed: number, nights: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => 60000 + rng.int(nights) + 0.1 + rng.next() * 0.3).sort((a, b) => a - b);
}

describe('Lomb–Scargle search', () => {
  const period = 0.4137;
  const t = sampling(200, 3, 15);
  const sigma = 0.02;
  it('recovers the period; its uncertainty matches the Monte Carlo scatter', () => {
    const found: number[] = [];
    let predicted = 0;
    for (let r = 0; r < 40; r++) {
      const rng = createRng(100 + r);
      const y = t.map((ti) => 0.05 * Math.sin((2 * Math.PI * ti) / period + 1) + sigma * rng.normal());
      const res = lombScargleSearch(t, y, new Array(t.length).fill(sigma), { minPeriod: 0.2, maxPeriod: 5 });
      assert.ok(res.fap < 1e-10, `FAP ${res.fap}`);
      assert.ok(Math.abs(res.amplitude - 0.05) < 0.01);
      found.push(res.bestPeriod);
      predicted += res.periodErr / 40;
    }
    const mean = found.reduce((a, b) => a + b) / found.length;
    const scatter = Math.sqrt(found.reduce((a, b) => a + (b - mean) ** 2, 0) / (found.length - 1));
    assert.ok(Math.abs(mean - period) < 3 * scatter, `mean period ${mean} vs ${period} (σ ${scatter})`);
    const ratio = scatter / predicted;
    assert.ok(ratio > 0.7 && ratio < 1.4, `Monte Carlo σ_P ${scatter} vs predicted ${predicted} (ratio ${ratio})`);
  });
  it('pure noise: FAP not significant', () => {
    const rng = createRng(9);
    const y = t.map(() => sigma * rng.normal());
    assert.ok(lombScargleSearch(t, y, undefined, { minPeriod: 0.2, maxPeriod: 5 }).fap > 0.01);
  });
});

describe('BLS search', () => {
  const period = 1.3791;
  const t = sampling(600, 4, 12);
  const transit = (ti: number): number => {
    const ph = (ti - 60000.2) / period;
    return Math.abs((ph - Math.round(ph)) * period) < 0.045 ? 0.01 : 0;
  };
  it('a 1 % transit: period, depth within 10 %, epoch, duration; bootstrap FAP minimal', () => {
    const rng = createRng(5);
    const y = t.map((ti) => 1 - transit(ti) + 0.003 * rng.normal());
    const res = blsSearch(t, y, undefined, { minPeriod: 0.8, maxPeriod: 3, bootstrap: 9, samplesPerPeak: 5 });
    assert.ok(
      Math.abs(res.bestPeriod - period) < 3 * res.periodErr + 1e-3,
      `period ${res.bestPeriod} ± ${res.periodErr}`,
    );
    assert.ok(Math.abs(res.depth - 0.01) < 0.001, `depth ${res.depth}`);
    assert.ok(Math.abs(foldPhase([res.t0], period, 60000.2)[0]) * period < 0.02, `epoch ${res.t0}`);
    assert.ok(res.duration >= 0.06 && res.duration <= 0.13, `duration ${res.duration}`);
    assert.ok(res.sde > 5 && res.depthSnr > 10, `SDE ${res.sde}, SNR ${res.depthSnr}`);
    assert.equal(res.fap, 1 / 10);
  });
  it('pure noise: bootstrap FAP not significant', () => {
    const rng = createRng(6);
    const y = t.map(() => 1 + 0.003 * rng.normal());
    const res = blsSearch(t, y, undefined, { minPeriod: 0.8, maxPeriod: 3, bootstrap: 9, samplesPerPeak: 5 });
    assert.ok(res.fap !== null && res.fap > 0.1, `FAP ${res.fap}`);
  });
  it('rejects a bad bootstrap count', () => {
    assert.throws(
      () =>
        blsSearch(
          t,
          t.map(() => 1 + Math.random()),
          undefined,
          { minPeriod: 0.8, maxPeriod: 1, bootstrap: -1 },
        ),
      (e: unknown) => e instanceof InputError && e.code === 'BAD_PARAMETER',
    );
  });
});

describe('foldPhase', () => {
  it('puts the epoch at 0 and wraps into [−0.5, 0.5)', () => {
    assert.deepEqual([...foldPhase([10, 10.5, 11.25, 9.75, 12], 1, 10)], [0, -0.5, 0.25, -0.25, 0]);
    assert.throws(() => foldPhase([1], 0), InputError);
  });
});
