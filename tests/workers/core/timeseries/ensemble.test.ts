// Ensemble differential photometry on a synthetic 3-night field with known truth: extinction (0.2 mag per
// airmass), clouds of up to 0.8 mag on night 2, Poisson + sky + read noise (CCD equation) and Young
// scintillation (0.4 m telescope at 1000 m). The target is a 0.03 mag sinusoid; one comparison candidate
// varies by 0.05 mag and must be rejected; a saturated and a blended star must not be chosen.
// Tolerances: residual reduced χ² of the corrected target against truth in [0.8, 1.2] (±2.5σ for 300 points),
// scatter ≤ 1.1× the theoretical noise (the goal), detrending slope within 10 % of the injected one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src-workers/core/errors.js';
import { makeField, TELESCOPE, type Field } from '../../../fixtures/synthetic-field.js';
import {
  ccdNoiseE,
  ensemblePhotometry,
  forEachLightCurve,
  LC_FLAG,
  scintillationRelative,
  variabilityStats,
  type EnsembleOptions,
} from '../../../../src-workers/core/timeseries/index.js';

/** Reduced χ² and scatter/theory of the corrected light curve of `target` about its truth (offset removed). */
function residuals(field: Field, target: number, options: EnsembleOptions) {
  const r = ensemblePhotometry(field.input, target, options);
  const d: number[] = [];
  const e: number[] = [];
  for (let f = 0; f < field.times.length; f++) {
    if (r.flags[f]) continue;
    d.push(r.mag[f] - field.truth(target, f));
    e.push(r.magErr[f]);
  }
  const w = e.map((x) => 1 / (x * x));
  const mean = d.reduce((a, x, i) => a + w[i] * x, 0) / w.reduce((a, b) => a + b);
  const chi2 = d.reduce((a, x, i) => a + ((x - mean) / e[i]) ** 2, 0) / (d.length - 1);
  const rms = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (d.length - 1));
  const theory = Math.sqrt(e.reduce((a, x) => a + x * x, 0) / e.length);
  return { r, chi2, ratio: rms / theory, rms };
}

describe('ensemble differential photometry on a synthetic field', () => {
  const field = makeField(1);
  const options: EnsembleOptions = { telescope: TELESCOPE, minSeparationPx: 8 };

  it('chooses unsaturated isolated comparisons and rejects the variable one', () => {
    const { r } = residuals(field, 0, options);
    for (const bad of [0, 1, 2, 3, 4]) assert.ok(!r.comps.includes(bad), `star ${bad} in ${r.comps}`);
    assert.deepEqual(
      r.rejectedComps.map((c) => c.star),
      [1],
    );
    assert.ok(r.rejectedComps[0].reducedChi2 > 10);
    assert.ok(r.comps.length >= 8);
  });

  it('removes extinction and clouds: the variable target matches truth within its errors', () => {
    const { r, chi2, ratio } = residuals(field, 0, options);
    assert.ok(chi2 > 0.8 && chi2 < 1.2, `reduced χ² ${chi2}`);
    assert.ok(ratio <= 1.1, `scatter / theoretical noise ${ratio}`);
    // The raw instrumental magnitudes carry > 0.3 mag of transparency and airmass trends.
    assert.ok(Math.max(...r.magInst) - Math.min(...r.magInst) > 0.3);
  });

  it('a constant star scatters ≤ 1.1× its theoretical noise', () => {
    const { chi2, ratio } = residuals(field, 6, options);
    assert.ok(ratio <= 1.1 && chi2 > 0.8 && chi2 < 1.2, `ratio ${ratio}, χ² ${chi2}`);
  });

  it('without the scintillation term the errors are too small (χ² > 1.3)', () => {
    const { chi2 } = residuals(field, 6, { minSeparationPx: 8 });
    assert.ok(chi2 > 1.3, `reduced χ² ${chi2}`);
  });

  it("the user's comparison choice is used, still with variable rejection", () => {
    const { r } = residuals(field, 0, { ...options, comps: [1, 5, 6, 7] });
    assert.deepEqual(r.comps, [5, 6, 7]);
    assert.deepEqual(
      r.rejectedComps.map((c) => c.star),
      [1],
    );
  });
});

describe('field-wide light curves', () => {
  it('every star against one ensemble: the two variables stand out, constants have χ² ≈ 1', () => {
    const field = makeField(5);
    const chi2: number[] = [];
    const solution = forEachLightCurve(field.input, { telescope: TELESCOPE }, (s, curve) => {
      const good = [...curve.flags.keys()].filter((f) => !curve.flags[f]);
      const t = good.map((f) => field.times[f]);
      chi2[s] = variabilityStats(
        t,
        good.map((f) => curve.mag[f]),
        good.map((f) => curve.magErr[f]),
      ).reducedChi2;
    });
    assert.ok(!solution.comps.includes(0) && !solution.comps.includes(1) && !solution.comps.includes(2));
    assert.ok(chi2[0] > 10 && chi2[1] > 10, `variables χ² ${chi2[0]}, ${chi2[1]}`);
    for (const s of [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]) {
      assert.ok(chi2[s] > 0.7 && chi2[s] < 1.3, `constant star ${s} χ² ${chi2[s]}`);
    }
  });
});

describe('detrending and outliers', () => {
  it('removes a target-only airmass trend (colour extinction) and reports its slope', () => {
    const field = makeField(2, (s, x) => (s === 6 ? 0.03 * x : 0));
    const options: EnsembleOptions = { telescope: TELESCOPE };
    const raw = residuals(field, 6, options);
    assert.ok(raw.chi2 > 2, `without detrending χ² ${raw.chi2}`);
    const fixed = residuals(field, 6, { ...options, detrend: ['airmass', 'fwhm'] });
    assert.ok(fixed.chi2 < 1.2 && fixed.ratio <= 1.1, `detrended χ² ${fixed.chi2}, ratio ${fixed.ratio}`);
    assert.ok(Math.abs(fixed.r.trend[0] - 0.03) < 0.003, `slope ${fixed.r.trend[0]}`);
  });

  it('flags cosmic-ray outliers, keeps them, and nothing else', () => {
    const field = makeField(3);
    const nS = field.input.stars.length;
    const hits = [17, 150, 222];
    const fluxE = Float64Array.from(field.input.fluxE);
    for (const f of hits) fluxE[f * nS + 6] *= 1.2;
    const r = ensemblePhotometry({ ...field.input, fluxE }, 6, { telescope: TELESCOPE });
    const flagged = [...r.flags.keys()].filter((f) => r.flags[f] & LC_FLAG.OUTLIER);
    assert.deepEqual(flagged, hits);
    for (const f of hits) assert.ok(Number.isFinite(r.mag[f]));
  });
});

describe('noise models', () => {
  it('CCD equation and Young scintillation by their published formulas', () => {
    // σ² = S + n(1 + n/n_sky)(sky + dark + RN²) = 1e4 + 20·1.2·(100 + 5 + 25)
    assert.equal(
      ccdNoiseE({ sourceE: 1e4, apertureAreaPx: 20, skyPerPxE: 100, darkPerPxE: 5, readNoiseE: 5, skyAreaPx: 100 }),
      Math.sqrt(1e4 + 20 * 1.2 * 130),
    );
    // 0.09 · 100^(−2/3) · 1.5^1.75 · e^(−2000/8000) / √(2·30)
    const expected = (0.09 * 100 ** (-2 / 3) * 1.5 ** 1.75 * Math.exp(-0.25)) / Math.sqrt(60);
    assert.ok(
      Math.abs(scintillationRelative({ apertureM: 1, altitudeM: 2000, airmass: 1.5, exposureSec: 30 }) - expected) <
        1e-15,
    );
  });
});

describe('ensemble input checks', () => {
  const field = makeField(4);
  for (const [what, call, code] of [
    ['bad target', () => ensemblePhotometry(field.input, 99), 'ENSEMBLE_TARGET'],
    ['target as comparison', () => ensemblePhotometry(field.input, 0, { comps: [0, 5] }), 'ENSEMBLE_COMPS'],
    ['wrong matrix size', () => ensemblePhotometry({ ...field.input, fluxE: [1, 2] }, 0), 'ENSEMBLE_SHAPE'],
    ['no comparisons', () => ensemblePhotometry(field.input, 0, { maxDeltaMag: 0.001 }), 'ENSEMBLE_FEW_COMPS'],
    ['detrend without covariate', () => ensemblePhotometry(field.input, 0, { detrend: ['sky'] }), 'DETREND_MISSING'],
  ] as const) {
    it(`rejects ${what} with ${code}`, () => {
      assert.throws(call, (e: unknown) => e instanceof InputError && e.code === code);
    });
  }
});
