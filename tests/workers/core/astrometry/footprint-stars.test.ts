// The catalog stars on a frame (the viewer's catalog overlay): stars placed at known pixel positions through a
// rotated, flipped TAN WCS (truth by construction), some on the frame and some just off it or far away;
// footprintStars keeps exactly those on the pixels, brightest first, and cuts at the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { footprintStars } from '../../../../src-workers/core/astrometry/footprint-stars.js';
import { radecToXyz } from '../../../../src-workers/core/astrometry/sphere.js';
import { buildConeLookup, type StarIndex } from '../../../../src-workers/core/astrometry/star-index.js';
import { TanWcs } from '../../../../src-workers/core/wcs/index.js';

function wcsAt(raDeg: number, decDeg: number): TanWcs {
  const s = 2 / 3600;
  const t = (30 * Math.PI) / 180;
  // Rotated by 30° and with RA increasing to the right (a flipped image).
  return new TanWcs({
    crpix: [101, 51],
    crval: [raDeg, decDeg],
    cd: [
      [s * Math.cos(t), -s * Math.sin(t)],
      [s * Math.sin(t), s * Math.cos(t)],
    ],
  });
}

/** An index of stars at pixel positions `px` of `wcs` (magnitudes `mags`), plus one star on the far side. */
function indexOf(wcs: TanWcs, px: Array<[number, number]>, mags: number[]): StarIndex {
  const n = px.length + 1;
  const xyz = new Float64Array(3 * n);
  px.forEach(([x, y], i) => {
    const [ra, dec] = wcs.pixelToSky(x, y);
    radecToXyz(ra, dec, xyz, 3 * i);
  });
  radecToXyz(wcs.crval[0] + 180, -wcs.crval[1], xyz, 3 * px.length);
  return {
    name: 'synthetic',
    indexId: 0,
    scaleLowRad: 0,
    scaleHighRad: 1,
    starCount: n,
    xyz,
    mag: Float32Array.from([...mags, 5]),
    magName: 'MAG_VT',
    quads: new Uint32Array(0),
    dimQuads: 4,
    codes: new Float32Array(0),
  };
}

describe('footprintStars', () => {
  for (const [ra, dec] of [
    [150, 30],
    [0.01, -60],
  ]) {
    it(`keeps exactly the stars on a 200×100 frame, brightest first (centre ${ra}, ${dec})`, () => {
      const wcs = wcsAt(ra, dec);
      const px: Array<[number, number]> = [
        [10, 10],
        [-0.4, 50], // on the outer edge of column 0
        [199.4, 99.4],
        [-0.6, 50], // just off
        [100, 100.2],
        [50, -3],
        [120, 60],
        [300, 50],
        [100, 400],
      ];
      const mags = [9, 7, Number.NaN, 3, 4, 2, 8, 1, 1];
      const index = indexOf(wcs, px, mags);
      const got = footprintStars(index, buildConeLookup(index.xyz), wcs, 200, 100);
      // On the frame: stars 0 (9 mag), 1 (7), 2 (no magnitude), 6 (8); brightest first, no magnitude last.
      assert.deepEqual(Array.from(got.star), [1, 6, 0, 2]);
      assert.equal(got.total, 4);
      assert.deepEqual(Array.from(got.mag.subarray(0, 3)), [7, 8, 9]);
      assert.ok(Number.isNaN(got.mag[3]));
      for (let k = 0; k < got.star.length; k++) {
        const [x, y] = px[got.star[k]];
        assert.ok(Math.hypot(got.x[k] - x, got.y[k] - y) < 1e-6, `star ${got.star[k]} at ${got.x[k]},${got.y[k]}`);
        const [r, d] = wcs.pixelToSky(x, y);
        assert.ok(Math.abs(got.decDeg[k] - d) < 1e-9 && Math.abs(((got.raDeg[k] - r + 540) % 360) - 180) < 1e-9);
      }
      const two = footprintStars(index, buildConeLookup(index.xyz), wcs, 200, 100, 2);
      assert.deepEqual(Array.from(two.star), [1, 6]);
      assert.equal(two.total, 4);
    });
  }

  it('gives no stars for an empty frame size or limit', () => {
    const wcs = wcsAt(150, 30);
    const index = indexOf(wcs, [[10, 10]], [5]);
    assert.equal(footprintStars(index, buildConeLookup(index.xyz), wcs, 0, 100).star.length, 0);
    assert.equal(footprintStars(index, buildConeLookup(index.xyz), wcs, 200, 100, 0).star.length, 0);
  });
});
