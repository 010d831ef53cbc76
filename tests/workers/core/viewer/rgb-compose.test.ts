// RGB composition's two steps: resampling a frame onto another frame's grid through their WCSs (checked
// against the exact shift two TAN headers differing only in CRPIX by whole pixels imply, and on a binned
// grid), and the per-channel linear stretch (levels, clipping, NaN as black).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeRgb, resampleByAffine, resampleByWcs } from '../../../../src-workers/core/viewer/index.js';
import { parseCelestialWcs, type SkyWcs } from '../../../../src-workers/core/wcs/index.js';
import { headerFromText } from '../wcs/wcs-oracle.js';

function tan(crpix1: number, crpix2: number): SkyWcs {
  const cards = [
    "CTYPE1  = 'RA---TAN'",
    "CTYPE2  = 'DEC--TAN'",
    'CRVAL1  =                150.2',
    'CRVAL2  =                  2.1',
    `CRPIX1  = ${String(crpix1).padStart(20)}`,
    `CRPIX2  = ${String(crpix2).padStart(20)}`,
    'CD1_1   =      -2.7777777E-04',
    'CD2_2   =       2.7777777E-04',
  ]
    .map((c) => c.padEnd(80))
    .join('');
  const parsed = parseCelestialWcs(headerFromText(cards));
  assert.ok('wcs' in parsed);
  return parsed.wcs;
}

describe('RGB composition', () => {
  const w = 20;
  const h = 16;
  const data = new Float32Array(w * h).map((_, i) => i);
  const source = { width: w, height: h, binning: 1, data };

  it('resamples through the sky: a WCS 3 px further along x and 2 px down reads the pixel there', () => {
    // The same sky lies at (x + 3, y − 2) in the source, whose CRPIX is (+3, −2) from the grid's.
    const out = resampleByWcs(source, tan(13, 6), { width: w, height: h, binning: 1 }, tan(10, 8));
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const [sx, sy] = [x + 3, y - 2];
        const want = sx < w && sy >= 0 ? data[sy * w + sx] : Number.NaN;
        assert.ok(
          Object.is(out[y * w + x], want) || out[y * w + x] === want,
          `(${x}, ${y}): ${out[y * w + x]} vs ${want}`,
        );
      }
    assert.deepEqual(
      source.data,
      new Float32Array(w * h).map((_, i) => i),
      'the source is not changed',
    );
  });

  it('between two binned rasters of one WCS, each binned pixel reads the binned pixel at its place', () => {
    const binned = {
      width: w / 2,
      height: h / 2,
      binning: 2,
      data: new Float32Array((w / 2) * (h / 2)).map((_, i) => 7 * i),
    };
    const out = resampleByWcs(binned, tan(10, 8), { width: w / 2, height: h / 2, binning: 2 }, tan(10, 8));
    assert.deepEqual(out, binned.data);
  });

  it('resamples through a star fit: a shift of (2.4, −1.3) px reads the nearest pixel there, NaN beyond', () => {
    const t = { a: 1, b: 0, tx: 2.4, c: 0, d: 1, ty: -1.3 };
    const out = resampleByAffine(source, t, { width: w, height: h, binning: 1 });
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const [i, j] = [Math.round(x + 2.4), Math.round(y - 1.3)];
        const want = i < w && j >= 0 ? source.data[j * w + i] : Number.NaN;
        assert.ok(
          Object.is(out[y * w + x], want) || out[y * w + x] === want,
          `(${x}, ${y}): ${out[y * w + x]} vs ${want}`,
        );
      }
    assert.throws(() => resampleByAffine(source, t, { width: 1, height: 1, binning: 1.5 }), {
      message: "'grid.binning' must be a positive integer",
    });
  });

  it('refuses a binning that is not a positive integer', () => {
    assert.throws(
      () => resampleByWcs({ ...source, binning: 0 }, tan(1, 1), { width: 1, height: 1, binning: 1 }, tan(1, 1)),
      {
        message: "'source.binning' must be a positive integer",
      },
    );
  });

  it('stretches each channel between its own levels, clips, and draws NaN black', () => {
    const rgba = composeRgb(
      [new Float32Array([0, 60, 100, 200]), new Float32Array([10, 20, Number.NaN, 30]), new Float32Array([5, 5, 5, 5])],
      [
        { lo: 0, hi: 100 },
        { lo: 10, hi: 30 },
        { lo: 0, hi: 10 },
      ],
    );
    assert.deepEqual([...rgba], [0, 0, 128, 255, 153, 128, 128, 255, 255, 0, 128, 255, 255, 255, 128, 255]);
    assert.throws(
      () =>
        composeRgb(
          [new Float32Array(2), new Float32Array(3), new Float32Array(2)],
          [
            { lo: 0, hi: 1 },
            { lo: 0, hi: 1 },
            { lo: 0, hi: 1 },
          ],
        ),
      {
        message: "'channels' must have equal lengths, got 2, 3, 2",
      },
    );
  });
});
