// owb detect / photometry on PNG/JPEG/TIFF, --max-sources, --dry-run and the mag_system label.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { writeRaster } from '../../../src-workers/io/raster-file.js';
import { gridStars, makeField, matchToTruth } from '../../workers/core/detect/synthetic-field.js';

const W = 160;
const H = 120;
const stars = gridStars(W, H, 24, 5000, 60000, 31);
let dir = '';

function owb(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], { encoding: 'utf8' });
}

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

/** Pixels top row first (rasters) from an image whose row 0 is the bottom (FITS). */
function topDown<T extends Uint8Array | Uint16Array>(values: ArrayLike<number>, out: T): T {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[(H - 1 - y) * W + x] = values[y * W + x];
  return out;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'owb-detect-raster-'));
  const field = makeField({ width: W, height: H, seed: 32, sky: 300, gain: 2, readNoise: 5, fwhm: 3, stars });
  // 16-bit integer counts: the FITS and the PNG hold exactly the same values.
  const counts = Float32Array.from(field.data, (v) => Math.min(65535, Math.max(0, Math.round(v))));
  await writeFitsImage(join(dir, 'field.fits'), { width: W, height: H, data: counts });
  await writeRaster(join(dir, 'field16.png'), topDown(counts, new Uint16Array(W * H)), {
    width: W,
    height: H,
    channels: 1,
  });
  // An 8-bit sRGB JPEG of the same light, as a camera would store it (linear 0…12000 ADU → 0…1).
  const srgb = (v: number): number => (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
  const encoded = Float32Array.from(counts, (v) => Math.round(255 * srgb(Math.min(1, v / 12000))));
  await writeRaster(join(dir, 'field.jpg'), topDown(encoded, new Uint8Array(W * H)), {
    width: W,
    height: H,
    channels: 1,
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('owb detect and photometry on rasters', () => {
  it('a 16-bit PNG gives the same catalog as the FITS of the same counts', () => {
    const fromFits = owb('detect', join(dir, 'field.fits'), '--out', join(dir, 'fits.csv'));
    assert.equal(fromFits.status, 0, fromFits.stderr);
    const fromPng = owb('detect', join(dir, 'field16.png'), '--out', join(dir, 'png.csv'));
    assert.equal(fromPng.status, 0, fromPng.stderr);
    assert.match(
      fromPng.stderr,
      /field16\.png: measuring the linear grey level of a 16-bit PNG, values taken as linear/,
    );
    assert.equal(readFileSync(join(dir, 'png.csv'), 'utf8'), readFileSync(join(dir, 'fits.csv'), 'utf8'));
    const { header, rows } = readCsv(join(dir, 'png.csv'));
    const match = matchToTruth(
      rows.map((r) => Number(r[header.indexOf('x')])),
      rows.map((r) => Number(r[header.indexOf('y')])),
      stars,
      0.3,
    );
    assert.equal(rows.length, stars.length);
    assert.ok(
      match.every((m) => m >= 0),
      'every source within 0.3 px of a true star (rows in FITS order)',
    );
  });

  it('an 8-bit sRGB JPEG is linearised: positions within 0.3 px, fluxes proportional to the light', () => {
    // Median |flux / truth − 1| of the stars found, fluxes back in ADU (linear units are ADU × 255 / 12000).
    const fluxError = (transfer: string): { found: number; error: number } => {
      const out = join(dir, `jpg-${transfer}.csv`);
      const r = owb('detect', join(dir, 'field.jpg'), '--out', out, '--phot-r', '8', '--raster-transfer', transfer);
      assert.equal(r.status, 0, r.stderr);
      const { header, rows } = readCsv(out);
      const xs = rows.map((row) => Number(row[header.indexOf('x')]));
      const ys = rows.map((row) => Number(row[header.indexOf('y')]));
      const match = matchToTruth(xs, ys, stars, 0.3);
      const errors = match.flatMap((m, i) =>
        m < 0 ? [] : [Math.abs((Number(rows[i][header.indexOf('flux')]) * 12000) / 255 / stars[m].flux - 1)],
      );
      errors.sort((a, b) => a - b);
      return { found: new Set(match.filter((m) => m >= 0)).size, error: errors[errors.length >> 1] };
    };
    const decoded = fluxError('srgb');
    assert.ok(decoded.found >= stars.length - 1, `${decoded.found} of ${stars.length} stars found`);
    // 8-bit steps of the sky (≈ 18 ADU there) and JPEG artefacts limit it to several per cent (6.6 % here);
    // without decoding the sRGB curve it is over 100 %.
    assert.ok(decoded.error < 0.1, `median flux error ${decoded.error} with sRGB decoding`);
    const raw = fluxError('linear');
    assert.ok(raw.error > 5 * decoded.error, `undecoded values: median flux error ${raw.error}`);
  });

  it('photometry on the PNG equals photometry on the FITS', () => {
    const xy = stars.slice(0, 4).flatMap((s) => ['--xy', `${s.x},${s.y}`]);
    const a = owb('photometry', join(dir, 'field.fits'), ...xy, '--r', '6', '--out', join(dir, 'pf.csv'));
    const b = owb('photometry', join(dir, 'field16.png'), ...xy, '--r', '6', '--out', join(dir, 'pp.csv'));
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(readFileSync(join(dir, 'pp.csv'), 'utf8'), readFileSync(join(dir, 'pf.csv'), 'utf8'));
  });
});

describe('owb detect --method dao', () => {
  it('writes DAOStarFinder columns; every source is a true star within 0.2 px; --max-sources keeps the brightest', () => {
    const out = join(dir, 'dao.csv');
    const r = owb('detect', join(dir, 'field.fits'), '--method', 'dao', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /sources \(DAOFIND, threshold [\d.]+ ADU\) in field\.fits/);
    // No WCS in this frame: the table has no ra/dec, and the user is told why (as the other methods do).
    assert.match(r.stderr, /^owb: warning: field\.fits: no sky coordinates: /m);
    const { header, rows } = readCsv(out);
    for (const col of ['id', 'x', 'y', 'sharpness', 'roundness1', 'roundness2', 'npix', 'sky', 'peak', 'flux', 'mag'])
      assert.ok(header.includes(col), `column ${col}`);
    assert.equal(header.at(-1), 'mag_system');
    const match = matchToTruth(
      rows.map((row) => Number(row[header.indexOf('x')])),
      rows.map((row) => Number(row[header.indexOf('y')])),
      stars,
      0.2,
    );
    assert.ok(rows.length >= stars.length - 1, `${rows.length} of ${stars.length}`);
    assert.ok(
      match.every((m) => m >= 0),
      'every DAOFIND source within 0.2 px of a true star',
    );
    const top = join(dir, 'dao-top.csv');
    assert.equal(
      owb('detect', join(dir, 'field.fits'), '--method', 'dao', '--out', top, '--max-sources', '3').status,
      0,
    );
    const f = header.indexOf('flux');
    const want = rows
      .map((row) => Number(row[f]))
      .sort((a, b) => b - a)
      .slice(0, 3);
    assert.deepEqual(
      readCsv(top).rows.map((row) => Number(row[f])),
      want,
    );
    // With --phot-r, aperture fluxes beside DAOFIND's: r = 8 px holds all of a FWHM 3 star.
    const aper = join(dir, 'dao-aper.csv');
    const a = owb('detect', join(dir, 'field.fits'), '--method', 'dao', '--out', aper, '--phot-r', '8');
    assert.equal(a.status, 0, a.stderr);
    const withAper = readCsv(aper);
    const fa = withAper.header.indexOf('flux_aper');
    assert.ok(fa > 0 && withAper.header.includes('flux_aper_err'), 'flux_aper columns');
    for (const [i, row] of withAper.rows.entries()) {
      const t = stars[match[i]];
      assert.ok(Math.abs(Number(row[fa]) / t.flux - 1) < 0.08, `flux_aper ${row[fa]} vs ${t.flux}`);
    }
    const bad = owb('detect', join(dir, 'field.fits'), '--method', 'psfex', '--out', top);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^owb: --method must be sextractor or dao, got 'psfex'/);
  });
});

describe('owb detect --max-sources, --dry-run, mag_system', () => {
  it('--max-sources N keeps the N largest flux_auto, in detection order', () => {
    const all = readCsv(join(dir, 'fits.csv'));
    const r = owb('detect', join(dir, 'field.fits'), '--out', join(dir, 'top.csv'), '--max-sources', '5');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`5 sources in field\\.fits .*\\(the 5 brightest of ${all.rows.length}\\)`));
    const top = readCsv(join(dir, 'top.csv'));
    const f = all.header.indexOf('flux_auto');
    const want = all.rows
      .map((row, i) => [Number(row[f]), i] as const)
      .sort((p, q) => q[0] - p[0])
      .slice(0, 5)
      .map(([, i]) => i)
      .sort((p, q) => p - q);
    // Ids are renumbered from 1; every other column is the full catalog's row.
    assert.deepEqual(
      top.rows.map((row) => row.slice(1).join(',')),
      want.map((i) => all.rows[i].slice(1).join(',')),
    );
    const bad = owb('detect', join(dir, 'field.fits'), '--out', join(dir, 'x.csv'), '--max-sources', '0');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^owb: --max-sources must be a positive integer, got '0'/);
  });

  it('--dry-run reads only the header, says what it would do and writes nothing', () => {
    const out = join(dir, 'dry.csv');
    const r = owb('detect', join(dir, 'field16.png'), '--out', out, '--dry-run');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^dry run: field16\.png \(PNG 160×120, 1 channel\(s\), 16-bit\) is readable; would detect/);
    const p = owb('photometry', join(dir, 'field.fits'), '--xy', '3,4', '--out', out, '--dry-run');
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^dry run: field\.fits \(FITS HDU 0, 160×120\) is readable; would measure 5 px apertures/);
    assert.equal(existsSync(out), false);
    const missing = owb('detect', join(dir, 'nope.fits'), '--out', out, '--dry-run');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^owb: .*nope\.fits/);
  });

  it('labels magnitudes with their system in CSV, JSON and FITS', () => {
    const csv = join(dir, 'mag.csv');
    assert.equal(owb('detect', join(dir, 'field.fits'), '--out', csv, '--zeropoint', '25').status, 0);
    const { header, rows } = readCsv(csv);
    assert.equal(header.at(-1), 'mag_system');
    assert.ok(rows.every((row) => row.at(-1) === 'instrumental'));
    const json = join(dir, 'mag.json');
    const j = owb('detect', join(dir, 'field.fits'), '--out', json, '--zeropoint', '25', '--mag-system', 'AB');
    assert.equal(j.status, 0, j.stderr);
    assert.equal((JSON.parse(readFileSync(json, 'utf8')) as { meta: { mag_system: string } }).meta.mag_system, 'AB');
    const fits = join(dir, 'mag.fits');
    assert.equal(
      owb(
        'photometry',
        join(dir, 'field.fits'),
        '--xy',
        '40,40',
        '--zeropoint',
        '25',
        '--mag-system',
        'Vega',
        '--out',
        fits,
      ).status,
      0,
    );
    const astropy = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import sys; from astropy.io import fits; print(fits.getheader(sys.argv[1], 1)["MAGSYS"])', fits],
      { encoding: 'utf8' },
    );
    if (astropy.status === 0) assert.equal(astropy.stdout.trim(), 'Vega');
    // No magnitudes, no label.
    assert.equal(readCsv(join(dir, 'fits.csv')).header.includes('mag_system'), false);
  });
});
