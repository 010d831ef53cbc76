// Variability statistics against an independent oracle in Debian's python3: numpy/scipy formulas written
// from Sokolovsky et al. (2017, Table 1) and Stetson (1996), scipy.stats for MAD, IQR and the χ² tail.
// Every statistic agrees within 1e-9 relative (1e-12 absolute where the value is ~0).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import {
  chiSquareSurvival,
  variabilityStats,
  type VariabilityStats,
} from '../../../../src-workers/core/timeseries/index.js';

const hasScipy = spawnSync('/usr/bin/python3', ['-c', 'import numpy, scipy.stats'], { encoding: 'utf8' }).status === 0;
const skip = hasScipy ? false : 'needs /usr/bin/python3 with numpy and scipy (python3-numpy, python3-scipy)';

const ORACLE = `import json, sys, numpy as np
from scipy import stats
cases = json.load(sys.stdin)
out = []
for c in cases:
    t = np.array(c['t']); m = np.array(c['m']); e = np.array(c['e']); win = c['win']
    n = len(m)
    w = 1 / e**2
    wm = np.average(m, weights=w)
    chi2 = np.sum(((m - wm) / e)**2)
    o = np.argsort(t, kind='stable'); ms = m[o]; ts = t[o]
    eta = np.sum(np.diff(ms)**2) / (n - 1) / np.var(m, ddof=1)
    d = np.sqrt(n / (n - 1)) * (m - wm) / e
    ds = d[o]
    P = []
    k = 0
    while k < n:
        if k + 1 < n and ts[k + 1] - ts[k] < win:
            P.append(ds[k] * ds[k + 1]); k += 2
        else:
            P.append(ds[k]**2 - 1); k += 1
    P = np.array(P)
    J = np.sum(np.sign(P) * np.sqrt(np.abs(P))) / len(P)
    K = np.mean(np.abs(d)) / np.sqrt(np.mean(d**2))
    out.append(dict(nObs=n, weightedMean=wm, weightedMeanErr=1 / np.sqrt(w.sum()),
        weightedSigma=np.sqrt(np.cov(m, aweights=w, ddof=0) * n / (n - 1)),
        reducedChi2=chi2 / (n - 1), chi2Fap=stats.chi2.sf(chi2, n - 1),
        mad=stats.median_abs_deviation(m, scale=1.0), iqr=stats.iqr(m), vonNeumannEta=eta,
        stetsonJ=J, stetsonK=K, amplitude=np.ptp(m) / 2,
        amplitudeRobust=(np.percentile(m, 95) - np.percentile(m, 5)) / 2))
print(json.dumps(out))`;

interface Case {
  name: string;
  t: number[];
  m: number[];
  e: number[];
  win: number | null;
}

function makeCase(name: string, seed: number, n: number, signal: (t: number) => number, win: number | null): Case {
  const rng = createRng(seed);
  const t: number[] = [];
  const m: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < n; i++) {
    // Unsorted multi-night times: Stetson pairs and η must follow time order, not input order.
    const ti = 60000 + rng.int(10) + 0.2 + rng.next() * 0.3;
    const ei = 0.004 + 0.02 * rng.next();
    t.push(ti);
    e.push(ei);
    m.push(14 + signal(ti) + ei * rng.normal());
  }
  return { name, t, m, e, win };
}

const cases: Case[] = [
  makeCase('constant star', 1, 400, () => 0, null),
  makeCase('sinusoidal variable', 2, 300, (t) => 0.1 * Math.sin((2 * Math.PI * t) / 0.37), null),
  makeCase('eclipsing binary, pairs within 10 min', 3, 500, (t) => ((t / 1.3) % 1 < 0.06 ? 0.5 : 0), 10 / 1440),
  makeCase('few points', 4, 5, () => 0, 0.1),
  makeCase('large χ²', 5, 2000, (t) => 0.3 * Math.sin((2 * Math.PI * t) / 2.1), null),
];

describe('variability statistics against numpy/scipy', { skip }, () => {
  const r = spawnSync('/usr/bin/python3', ['-c', ORACLE], {
    input: JSON.stringify(cases.map((c) => ({ ...c, win: c.win ?? 1e300 }))),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ref = (r.status === 0 ? JSON.parse(r.stdout) : []) as VariabilityStats[];
  for (const [k, c] of cases.entries()) {
    it(`${c.name}: every statistic within 1e-9 relative`, () => {
      assert.equal(r.status, 0, r.stderr);
      const ours = variabilityStats(c.t, c.m, c.e, c.win === null ? {} : { pairWindow: c.win });
      for (const key of Object.keys(ref[k]) as (keyof VariabilityStats)[]) {
        const a = ours[key];
        const b = ref[k][key];
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b) + 1e-12, `${key}: ours ${a}, numpy/scipy ${b}`);
      }
    });
  }
  it('separates variables from constants the way a user expects', () => {
    const constant = variabilityStats(cases[0].t, cases[0].m, cases[0].e);
    const variable = variabilityStats(cases[1].t, cases[1].m, cases[1].e);
    assert.ok(Math.abs(constant.reducedChi2 - 1) < 0.2 && constant.chi2Fap > 0.01);
    assert.ok(Math.abs(constant.stetsonK - Math.sqrt(2 / Math.PI)) < 0.05);
    assert.ok(variable.reducedChi2 > 10 && variable.chi2Fap < 1e-12 && variable.stetsonJ > constant.stetsonJ + 1);
  });
});

describe('χ² survival function against scipy.stats.chi2.sf', { skip }, () => {
  it('within 1e-9 relative across small and large degrees of freedom', () => {
    const grid: [number, number][] = [];
    for (const dof of [1, 2, 3, 7, 30, 199, 1000, 4999]) {
      for (const ratio of [0.01, 0.5, 0.9, 1, 1.1, 1.5, 2.5]) grid.push([dof * ratio, dof]);
    }
    const code = `import json, sys; from scipy import stats
print(json.dumps([float(stats.chi2.sf(x, k)) for x, k in json.load(sys.stdin)]))`;
    const r = spawnSync('/usr/bin/python3', ['-c', code], { input: JSON.stringify(grid), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const ref = JSON.parse(r.stdout) as number[];
    for (const [i, [x, dof]] of grid.entries()) {
      const ours = chiSquareSurvival(x, dof);
      if (ref[i] < 1e-250) continue; // below what either side represents reliably
      assert.ok(Math.abs(ours - ref[i]) <= 1e-9 * ref[i], `sf(${x}, ${dof}): ours ${ours}, scipy ${ref[i]}`);
    }
  });
});

describe('variability input checks', () => {
  for (const [what, call, code] of [
    ['length mismatch', () => variabilityStats([1, 2, 3], [1, 2], [1, 1, 1]), 'TS_LENGTH'],
    ['one point', () => variabilityStats([1], [1], [1]), 'TS_TOO_SHORT'],
    ['NaN magnitude', () => variabilityStats([1, 2, 3], [1, Number.NaN, 1], [1, 1, 1]), 'TS_NOT_FINITE'],
    ['negative error', () => variabilityStats([1, 2, 3], [1, 2, 1], [1, -1, 1]), 'TS_BAD_ERROR'],
    ['zero pair window', () => variabilityStats([1, 2, 3], [1, 2, 1], [1, 1, 1], { pairWindow: 0 }), 'BAD_PARAMETER'],
  ] as const) {
    it(`rejects ${what} with ${code}`, () => {
      assert.throws(call, (e: unknown) => e instanceof InputError && e.code === code);
    });
  }
});
