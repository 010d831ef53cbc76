import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Catalog } from '../../../../src-main/node/catalog/index.js';
import { angularDistanceArcsec } from '../../../../src-main/node/catalog/sky.js';
import { mulberry32 as rng } from '../../../seeded-uniform.js';

describe('cone search over the R*Tree of unit vectors', () => {
  const catalog = Catalog.open(':memory:');
  after(() => catalog.close());
  const random = rng(7);
  const points: Array<{ id: number; ra: number; dec: number }> = [];
  // Clusters where a naive RA/Dec box breaks: across RA 0/360, at both poles, and at an ordinary spot.
  const centres = [
    [0.0005, 10],
    [359.9995, -5],
    [12, 89.999],
    [200, -89.9995],
    [150, 30],
    [0, 0],
  ];
  catalog.db.transaction(() => {
    for (const [ra0, dec0] of centres) {
      for (let i = 0; i < 400; i++) {
        const dec = Math.max(-90, Math.min(90, dec0 + (random() - 0.5) * 0.02));
        const ra = (ra0 + (random() - 0.5) * 0.02 + 360) % 360;
        points.push({ id: catalog.spatial.add(ra, dec), ra, dec });
      }
    }
  })();

  const brute = (ra: number, dec: number, r: number): number[] =>
    points
      .filter((p) => angularDistanceArcsec(ra, dec, p.ra, p.dec) <= r)
      .map((p) => p.id)
      .sort((a, b) => a - b);

  for (const [ra, dec, r] of [
    [0, 10, 20],
    [359.9999, 10, 15],
    [0.0001, -5, 25],
    [12, 89.999, 30],
    [192, 90, 10],
    [20, -89.9995, 18],
    [200, -90, 12],
    [150, 30, 10],
    [0, 0, 36],
    [359.99, 0, 40],
    [45, 45, 10],
  ] as const) {
    it(`finds exactly the brute-force set around (${ra}, ${dec}) within ${r}"`, () => {
      const got = catalog
        .cone(ra, dec, r)
        .map((h) => h.id)
        .sort((a, b) => a - b);
      const want = brute(ra, dec, r);
      assert.deepEqual(got, want);
      if (!(ra === 45 && dec === 45)) assert.ok(want.length > 0, 'test cone should contain points');
    });
  }

  it('returns hits nearest first with their distances', () => {
    const hits = catalog.cone(150, 30, 30);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].distanceArcsec <= hits[i].distanceArcsec);
    for (const h of hits) assert.ok(Math.abs(h.distanceArcsec - angularDistanceArcsec(150, 30, h.ra, h.dec)) < 1e-9);
  });

  it('names a bad position or radius', () => {
    assert.throws(() => catalog.cone(10, 91, 5), /'dec' must be in \[-90, 90\]/);
    assert.throws(() => catalog.cone(10, 0, -1), /'radiusArcsec' must be a positive/);
  });
});
