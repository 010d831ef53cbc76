import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TanWcs } from '../../../src-workers/core/wcs/index.js';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { gridStars, makeField, matchToTruth } from '../../workers/core/detect/synthetic-field.js';

const ROOT = process.cwd();
const WCS_HEADER = {
  CTYPE1: 'RA---TAN',
  CTYPE2: 'DEC--TAN',
  CRPIX1: 100.5,
  CRPIX2: 120.5,
  CRVAL1: 150.1,
  CRVAL2: 2.2,
  CD1_1: -1.4e-4,
  CD1_2: 0,
  CD2_1: 0,
  CD2_2: 1.4e-4,
};
let dir = '';
let frame = '';
const stars = gridStars(200, 240, 25, 5000, 100000, 77);

function owb(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

function readCsv(path: string): { header: string[]; rows: number[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'owb-detect-cli-'));
  frame = join(dir, 'field.fits');
  const img = makeField({ width: 200, height: 240, seed: 78, sky: 300, gain: 1.5, readNoise: 5, fwhm: 3, stars });
  await writeFitsImage(frame, img, { header: { GAIN: 1.5, EXPTIME: 10, ...WCS_HEADER } });
  const nan = { width: 32, height: 32, data: new Float32Array(1024).fill(Number.NaN) };
  await writeFitsImage(join(dir, 'nan.fits'), nan);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('owb detect writes the documented CSV columns; positions and fluxes match the truth; --workers 2 gives the same file', () => {
  const out = join(dir, 'cat.csv');
  const run = owb(
    'detect',
    frame,
    '--out',
    out,
    '--phot-r',
    '9',
    '--zeropoint',
    '25',
    '--regions',
    join(dir, 'cat.reg'),
  );
  assert.equal(run.status, 0, run.stderr);
  const { header, rows } = readCsv(out);
  for (const col of [
    'id',
    'x',
    'y',
    'x_err',
    'y_err',
    'flux',
    'flux_err',
    'flux_auto',
    'flux_auto_err',
    'flux_iso',
    'background',
    'peak',
    'npix',
    'a',
    'b',
    'theta',
    'ellipticity',
    'fwhm',
    'flux_radius',
    'kron_radius',
    'snr',
    'flags',
    'mag',
    'mag_err',
  ]) {
    assert.ok(header.includes(col), `column ${col}`);
  }
  assert.equal(rows.length, stars.length);
  const xi = header.indexOf('x');
  const yi = header.indexOf('y');
  const fi = header.indexOf('flux');
  const mi = header.indexOf('mag');
  const match = matchToTruth(
    rows.map((r) => r[xi]),
    rows.map((r) => r[yi]),
    stars,
    0.2,
  );
  assert.ok(
    match.every((m) => m >= 0),
    'every detection within 0.2 px of a true star',
  );
  rows.forEach((r, i) => {
    const t = stars[match[i]];
    // r = 9 px holds all of a FWHM 3 Gaussian; noise of a 5000 ADU star in that aperture ≈ 2 %.
    assert.ok(Math.abs(r[fi] / t.flux - 1) < 0.08, `flux ${r[fi]} vs ${t.flux}`);
    // EXPTIME = 10 from the header.
    assert.ok(Math.abs(r[mi] - (25 - 2.5 * Math.log10(r[fi] / 10))) < 1e-6, 'mag');
  });
  const regions = readFileSync(join(dir, 'cat.reg'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('ellipse') || l.startsWith('circle'));
  assert.equal(regions.length, stars.length);

  const out2 = join(dir, 'cat2.csv');
  const run2 = owb('detect', frame, '--out', out2, '--phot-r', '9', '--zeropoint', '25', '--workers', '2');
  assert.equal(run2.status, 0, run2.stderr);
  assert.equal(readFileSync(out2, 'utf8'), readFileSync(out, 'utf8'));
});

test('FITS catalog passes fitsverify and JSON parses with the same count', () => {
  const fits = join(dir, 'cat.fits');
  const run = owb('detect', frame, '--out', fits);
  assert.equal(run.status, 0, run.stderr);
  const verify = spawnSync('fitsverify', ['-q', fits], { encoding: 'utf8' });
  assert.match(verify.stdout + verify.stderr, /OK|0 error/i, verify.stdout);
  assert.equal(verify.status, 0, verify.stdout);
  const json = join(dir, 'cat.json');
  const psfRun = owb('detect', frame, '--out', json, '--psf');
  assert.equal(psfRun.status, 0, psfRun.stderr);
  const parsed = JSON.parse(readFileSync(json, 'utf8')) as {
    sources: { x: number; y: number; flux_psf: number | null }[];
    meta: { count: number };
  };
  assert.equal(parsed.sources.length, stars.length);
  assert.equal(parsed.meta.count, stars.length);
  // PSF fluxes of these isolated stars (5 000–100 000 ADU) within 5 % of the truth.
  const m = matchToTruth(
    parsed.sources.map((s) => s.x),
    parsed.sources.map((s) => s.y),
    stars,
    0.5,
  );
  parsed.sources.forEach((s, i) => {
    assert.ok(
      s.flux_psf !== null && Math.abs(s.flux_psf / stars[m[i]].flux - 1) < 0.05,
      `flux_psf ${s.flux_psf} vs ${stars[m[i]].flux}`,
    );
  });
});

test('ra/dec come from the WCS; --zeropoint REF.csv fits Z from reference stars despite outliers', () => {
  const wcs = new TanWcs({
    crpix: [100.5, 120.5],
    crval: [150.1, 2.2],
    cd: [
      [-1.4e-4, 0],
      [0, 1.4e-4],
    ],
  });
  const Z = 23.5;
  const lines = ['ra,dec,mag'];
  stars.forEach((t, i) => {
    const [ra, dec] = wcs.pixelToSky(t.x, t.y);
    // Every seventh reference star is off by a magnitude (a variable or a mismatch).
    lines.push(`${ra},${dec},${Z - 2.5 * Math.log10(t.flux / 10) + (i % 7 === 0 ? 1 : 0)}`);
  });
  const ref = join(dir, 'ref.csv');
  writeFileSync(ref, `${lines.join('\n')}\n`);
  const out = join(dir, 'zp.csv');
  const run = owb('detect', frame, '--out', out, '--phot-r', '9', '--zeropoint', ref);
  assert.equal(run.status, 0, run.stderr);
  const z = Number(/zero point ([0-9.]+)/.exec(run.stdout)?.[1]);
  // r = 9 px holds all the light of these stars: Z within 0.01 mag.
  assert.ok(Math.abs(z - Z) < 0.01, `zero point ${z} (${run.stdout.trim()})`);
  const { header, rows } = readCsv(out);
  const [ri, di, xi, yi] = ['ra', 'dec', 'x', 'y'].map((c) => header.indexOf(c));
  for (const r of rows) {
    const [ra, dec] = wcs.pixelToSky(r[xi], r[yi]);
    // CSV keeps 10 significant digits: 1e-7 deg (0.4 mas) on RA ≈ 150.
    assert.ok(Math.abs(r[ri] - ra) < 1.5e-7 && Math.abs(r[di] - dec) < 1.5e-7, 'ra/dec from the WCS');
  }
});

test('owb photometry measures given positions; bad input exits 2 with a message naming the problem', () => {
  const out = join(dir, 'phot.csv');
  const t = stars[3];
  const run = owb('photometry', frame, '--xy', `${t.x},${t.y}`, '--r', '9', '--annulus', '12,16', '--out', out);
  assert.equal(run.status, 0, run.stderr);
  const { header, rows } = readCsv(out);
  assert.ok(Math.abs(rows[0][header.indexOf('flux')] / t.flux - 1) < 0.08);

  const empty = join(dir, 'empty.csv');
  const nan = owb('detect', join(dir, 'nan.fits'), '--out', empty);
  assert.equal(nan.status, 0, nan.stderr);
  assert.equal(readCsv(empty).rows.length, 0);

  const missing = owb('detect', join(dir, 'nope.fits'), '--out', empty);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.fits/);
  const badThresh = owb('detect', frame, '--out', empty, '--thresh=-1');
  assert.equal(badThresh.status, 2);
  assert.match(badThresh.stderr, /threshSigma/);
  const badExt = owb('detect', frame, '--out', join(dir, 'cat.txt'));
  assert.equal(badExt.status, 2);
  assert.match(badExt.stderr, /cat\.txt.*\.csv, \.json or \.fits/);
});
