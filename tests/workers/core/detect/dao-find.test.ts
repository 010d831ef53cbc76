// daoFind against photutils' DAOStarFinder (the definition it follows) on a synthetic field with truth.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { daoFind, daoKernel, type DaoCatalog, type DaoFindOptions } from '../../../../src-workers/core/detect/index.js';
import type { Image } from '../../../../src-workers/core/image/index.js';
import { writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { gridStars, makeField, matchToTruth } from './synthetic-field.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import photutils.detection, astropy'], { encoding: 'utf8' });
const skip = probe.status !== 0 && 'needs /usr/bin/python3 with python3-photutils (the oracle)';

const W = 220;
const H = 180;
const SKY = 200;
const stars = gridStars(W, H, 20, 800, 80000, 5);
let dir = '';
let path = '';
let image: Image;

/** Runs DAOStarFinder on the FITS file (as float64) with `options`; returns its columns, or [] for none. */
function photutils(options: Record<string, unknown>): Record<string, Array<number | null>> {
  const script = `
import json, sys, warnings, numpy as np
from astropy.io import fits
from photutils.detection import DAOStarFinder
data = fits.getdata(sys.argv[1]).astype(np.float64)
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    t = DAOStarFinder(**json.loads(sys.argv[2]))(data)
cols = ['xcentroid', 'ycentroid', 'sharpness', 'roundness1', 'roundness2', 'npix', 'sky', 'peak', 'flux', 'mag']
print(json.dumps({} if t is None else {c: [None if np.isnan(v) else float(v) for v in np.asarray(t[c], dtype=float)] for c in cols}))
`;
  const r = spawnSync(PYTHON, ['-c', script, path, JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, Array<number | null>>;
}

/** Compares every column; positions to 1e-6 px, the rest to 1e-8 relative (both compute in float64). */
function assertSame(ours: DaoCatalog, ref: Record<string, Array<number | null>>): void {
  assert.equal(ours.count, (ref.xcentroid ?? []).length, 'source count');
  const pairs: Array<[keyof DaoCatalog, string, number]> = [
    ['x', 'xcentroid', 1e-6],
    ['y', 'ycentroid', 1e-6],
    ['sharpness', 'sharpness', 1e-8],
    ['roundness1', 'roundness1', 1e-8],
    ['roundness2', 'roundness2', 1e-8],
    ['npix', 'npix', 0],
    ['peak', 'peak', 1e-8],
    ['flux', 'flux', 1e-8],
    ['mag', 'mag', 1e-8],
  ];
  for (const [key, name, tol] of pairs) {
    const col = ours[key] as ArrayLike<number>;
    for (let i = 0; i < ours.count; i++) {
      const want = ref[name][i] ?? Number.NaN;
      if (Number.isNaN(want)) {
        assert.ok(Number.isNaN(col[i]), `${name}[${i}]: ${col[i]} vs photutils NaN`);
        continue;
      }
      const scale = key === 'x' || key === 'y' ? 1 : Math.max(1, Math.abs(want));
      assert.ok(Math.abs(col[i] - want) <= tol * scale, `${name}[${i}]: ${col[i]} vs photutils ${want}`);
    }
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'owb-dao-'));
  path = join(dir, 'field.fits');
  const field = makeField({ width: W, height: H, seed: 6, sky: SKY, gain: 2, readNoise: 4, fwhm: 3.2, stars });
  // Background-subtracted, as DAOStarFinder expects; a hot pixel and a cosmic-ray streak for the cuts.
  const data = Float32Array.from(field.data, (v) => v - SKY);
  data[50 * W + 31] += 3000;
  for (let k = 0; k < 6; k++) data[(120 + k) * W + 150 + k] += 2500;
  image = { width: W, height: H, data };
  await writeFitsImage(path, image);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('daoFind vs photutils DAOStarFinder', { skip }, () => {
  const cases: Array<[string, DaoFindOptions, Record<string, unknown>]> = [
    ['defaults, threshold 5σ', { threshold: 5 * 9.6, fwhmPx: 3.2 }, { threshold: 5 * 9.6, fwhm: 3.2 }],
    [
      'elliptical kernel, border excluded, 15 brightest',
      { threshold: 40, fwhmPx: 4, ratio: 0.7, thetaDeg: 30, excludeBorder: true, brightest: 15 },
      { threshold: 40, fwhm: 4, ratio: 0.7, theta: 30, exclude_border: true, brightest: 15 },
    ],
    [
      'tight sharpness and roundness cuts, sky and peakmax',
      { threshold: 30, fwhmPx: 2.5, sharpLo: 0.3, sharpHi: 0.8, roundLo: -0.5, roundHi: 0.5, sky: 2, peakMax: 5000 },
      { threshold: 30, fwhm: 2.5, sharplo: 0.3, sharphi: 0.8, roundlo: -0.5, roundhi: 0.5, sky: 2, peakmax: 5000 },
    ],
  ];
  for (const [name, ours, theirs] of cases) {
    it(`${name}: same sources, positions, sharpness, roundness, flux and mag`, () => {
      const ref = photutils(theirs);
      const cat = daoFind(image, ours);
      assert.ok(cat.count > 10, `${cat.count} sources`);
      assertSame(cat, ref);
    });
  }

  it('finds the true stars to 0.1 px and rejects the hot pixel and the cosmic ray', () => {
    const cat = daoFind(image, { threshold: 5 * 9.6, fwhmPx: 3.2 });
    const match = matchToTruth(cat.x, cat.y, stars, 0.5);
    // Faint stars near the threshold aside, every source is a true star.
    assert.ok(
      match.every((m) => m >= 0),
      `${match.filter((m) => m < 0).length} spurious sources`,
    );
    const found = new Set(match);
    const bright = stars.filter((s) => s.flux > 3000);
    const brightFound = bright.filter((s) => found.has(stars.indexOf(s)));
    assert.equal(brightFound.length, bright.length, 'every star above 3000 ADU found');
    const errors = match.map((m, i) => Math.hypot(cat.x[i] - stars[m].x, cat.y[i] - stars[m].y)).sort((a, b) => a - b);
    assert.ok(errors[errors.length >> 1] < 0.1, `median centroid error ${errors[errors.length >> 1]} px`);
    for (let i = 0; i < cat.count; i++) {
      assert.ok(Math.hypot(cat.x[i] - 31, cat.y[i] - 50) > 2, 'hot pixel kept');
      assert.ok(Math.hypot(cat.x[i] - 152.5, cat.y[i] - 122.5) > 3, 'cosmic ray kept');
    }
  });
});

describe('daoKernel', () => {
  it('is zero-sum over its footprint and refuses bad parameters', () => {
    const k = daoKernel(3);
    assert.deepEqual([k.nx, k.ny], [5, 5]);
    let sum = 0;
    for (const v of k.data) sum += v;
    assert.ok(Math.abs(sum) < 1e-12);
    assert.throws(() => daoKernel(0), /'fwhmPx' must be positive, got 0/);
    assert.throws(() => daoKernel(3, 1.5), /'ratio' must be in \(0, 1\], got 1.5/);
  });
});
