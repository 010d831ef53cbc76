// Box Least Squares against astropy.timeseries.BoxLeastSquares (Debian's python3) on the same series.
// Against astropy's exact reference method='slow' (same model, same epoch grid): power, depth, depth error,
// SNR, duration and transit time per period within 1e-9 relative (1e-12 absolute). Against its default
// binned method='fast': the same best period, the duration within one of its phase bins and the depth within 2 %, and the injected 1 %
// transit recovered (period within one grid step, depth within 10 %).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { boxLeastSquares, type BlsResult } from '../../../../src-workers/core/timeseries/index.js';

const hasAstropy =
  spawnSync('/usr/bin/python3', ['-c', 'import astropy.timeseries'], { encoding: 'utf8' }).status === 0;
const skip = hasAstropy ? false : 'needs /usr/bin/python3 with astropy (python3-astropy)';

const PERIOD = 1.7321;
const DEPTH = 0.01;
const DURATION = 0.09;

/** Multi-night relative fluxes with a box transit of 1 % depth (or none) and heteroscedastic noise. */
function transitSeries(n: number, seed: number, depth: number): { t: number[]; y: number[]; dy: number[] } {
  const rng = createRng(seed);
  const t: number[] = [];
  const y: number[] = [];
  const dy: number[] = [];
  const t0 = 60000.31;
  for (let i = 0; i < n; i++) {
    const ti = 60000 + rng.int(25) + 0.05 + rng.next() * 0.35;
    const e = 0.002 + 0.002 * rng.next();
    let ph = (ti - t0) / PERIOD;
    ph -= Math.round(ph);
    const inTransit = Math.abs(ph * PERIOD) < DURATION / 2;
    t.push(ti);
    dy.push(e);
    y.push(1 - (inTransit ? depth : 0) + e * rng.normal());
  }
  return { t, y, dy };
}

type Ref = Record<keyof Omit<BlsResult, 'period'>, number[]>;

function astropy(
  s: { t: number[]; y: number[]; dy: number[] },
  periods: number[],
  durations: number[],
  method: 'slow' | 'fast',
  objective: 'likelihood' | 'snr',
  weighted: boolean,
): Ref {
  const code = `import json, sys, numpy as np
from astropy.timeseries import BoxLeastSquares
d = json.load(sys.stdin)
bls = BoxLeastSquares(np.array(d['t']), np.array(d['y']), np.array(d['dy']) if d['weighted'] else None)
r = bls.power(np.array(d['periods']), np.array(d['durations']), objective=d['objective'], method=d['method'], oversample=10)
print(json.dumps({k: np.asarray(getattr(r, a)).tolist() for k, a in [('power', 'power'), ('depth', 'depth'),
  ('depthErr', 'depth_err'), ('depthSnr', 'depth_snr'), ('logLikelihood', 'log_likelihood'),
  ('duration', 'duration'), ('transitTime', 'transit_time')]}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], {
    input: JSON.stringify({ ...s, periods, durations, method, objective, weighted }),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Ref;
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.abs(b) + 1e-12;

describe('BLS against astropy BoxLeastSquares', { skip }, () => {
  const durations = [0.05, 0.08, 0.12];
  const coarse = Array.from({ length: 60 }, (_, k) => 1.2 + k * 0.02).concat([PERIOD]);
  for (const [objective, weighted] of [
    ['likelihood', true],
    ['snr', true],
    ['likelihood', false],
  ] as const) {
    it(`method='slow', objective=${objective}, ${weighted ? 'weighted' : 'unweighted'}: every output within 1e-9`, () => {
      const s = transitSeries(250, 7, DEPTH);
      const ours = boxLeastSquares(s.t, s.y, weighted ? s.dy : undefined, coarse, durations, { objective });
      const ref = astropy(s, coarse, durations, 'slow', objective, weighted);
      for (const key of Object.keys(ref) as (keyof Ref)[]) {
        for (let p = 0; p < coarse.length; p++) {
          assert.ok(
            close(ours[key][p], ref[key][p], 1e-9),
            `${key}[P=${coarse[p]}]: ${ours[key][p]} vs ${ref[key][p]}`,
          );
        }
      }
    });
  }

  it("a 1 % transit: same best period as method='fast', depth within 10 % of truth", () => {
    const s = transitSeries(1500, 8, DEPTH);
    // Frequency grid fine enough for the 25-night baseline: Δf·baseline·P ≪ duration.
    const periods: number[] = [];
    for (let f = 1 / 3; f <= 1 / 0.8; f += 2e-4) periods.push(1 / f);
    const fine = [0.04, 0.06, 0.09, 0.13]; // contains the true duration, as a real search grid would
    const ours = boxLeastSquares(s.t, s.y, s.dy, periods, fine);
    const ref = astropy(s, periods, fine, 'fast', 'likelihood', true);
    const best = argmax(ours.power);
    assert.equal(best, argmax(ref.power));
    assert.ok(Math.abs(1 / periods[best] - 1 / PERIOD) < 2.5e-4, `best period ${periods[best]}`);
    // The fast method rounds durations to its phase bins of min(duration)/oversample.
    assert.ok(Math.abs(ours.duration[best] - ref.duration[best]) <= fine[0] / 10 + 1e-12);
    assert.ok(close(ours.depth[best], ref.depth[best], 0.02), `depth ${ours.depth[best]} vs fast ${ref.depth[best]}`);
    assert.ok(Math.abs(ours.depth[best] - DEPTH) < 0.1 * DEPTH, `depth ${ours.depth[best]} vs injected ${DEPTH}`);
  });
});

describe('BLS input checks', () => {
  const t = [1, 2, 3, 4, 5];
  const y = [1, 1, 0.9, 1, 1];
  for (const [what, call] of [
    ['no durations', () => boxLeastSquares(t, y, undefined, [2], [])],
    ['negative duration', () => boxLeastSquares(t, y, undefined, [2], [-0.1])],
    ['period shorter than a duration', () => boxLeastSquares(t, y, undefined, [0.1], [0.2])],
    ['oversample 0', () => boxLeastSquares(t, y, undefined, [2], [0.1], { oversample: 0 })],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(call, (e: unknown) => e instanceof InputError && e.code === 'BAD_PARAMETER');
    });
  }
});
