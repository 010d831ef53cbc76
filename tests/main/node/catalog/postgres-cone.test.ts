// PgCatalog.cone against a brute-force search (haversine over every object, the same distance SQLite uses):
// the cone's Q3C ranges must lose no object and keep none outside, at the poles, across RA 0/360 and from
// 1″ to 1°.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPool } from '../../../../src-main/node/catalog/postgres/connection.js';
import { copyRowsBinary } from '../../../../src-main/node/catalog/postgres/copy.js';
import { migratePostgres } from '../../../../src-main/node/catalog/postgres/migrate.js';
import { PgCatalog } from '../../../../src-main/node/catalog/postgres/pg-catalog.js';
import { angularDistanceArcsec, unitVector } from '../../../../src-main/node/catalog/sky.js';
import { mulberry32 } from '../../../seeded-uniform.js';
import { postgresMissing, startPostgres, type PostgresServer } from './postgres-server.js';

const missing = postgresMissing();
describe('PgCatalog.cone', { skip: missing && `PostgreSQL not available: ${missing}` }, () => {
  let server: PostgresServer | undefined;
  const centres: Array<[number, number]> = [
    [0.001, 10],
    [359.999, -30],
    [123.4, 89.99],
    [250, -89.95],
    [75, 0],
  ];
  const objects: Array<{ id: number; ra: number; dec: number }> = [];
  before(async () => {
    server = await startPostgres();
    await migratePostgres(server.url);
    const random = mulberry32(5);
    // Objects scattered within 1.5° of each centre (RA wrapped, Dec reflected at the poles).
    for (const [ra0, dec0] of centres)
      for (let k = 0; k < 3000; k++) {
        let dec = dec0 + (random() - 0.5) * 3;
        if (dec > 90) dec = 180 - dec;
        if (dec < -90) dec = -180 - dec;
        const ra =
          (((ra0 + ((random() - 0.5) * 3) / Math.max(0.05, Math.cos((dec * Math.PI) / 180))) % 360) + 360) % 360;
        objects.push({ id: objects.length + 1, ra, dec });
      }
    const pool = openPool(server.url, 1);
    const c = await pool.connect();
    try {
      await copyRowsBinary(
        c,
        'objects',
        ['id', 'ra', 'dec', 'cx', 'cy', 'cz', 'n_obs', 'created_at'],
        ['int8', 'float8', 'float8', 'float8', 'float8', 'float8', 'int8', 'int8'],
        objects.map((o) => [o.id, o.ra, o.dec, ...unitVector(o.ra, o.dec), 1, 0]),
      );
    } finally {
      c.release();
      await pool.end();
    }
  });
  after(() => server?.stop());

  it('finds exactly the objects a brute-force haversine search finds', async () => {
    const pool = openPool((server as PostgresServer).url, 1);
    const catalog = new PgCatalog(pool);
    const random = mulberry32(9);
    let checked = 0;
    let found = 0;
    try {
      for (const [ra0, dec0] of centres)
        for (const radiusArcsec of [1, 60, 600, 3600]) {
          for (let k = 0; k < 4; k++) {
            const ra = (ra0 + (random() - 0.5) * 0.2 + 360) % 360;
            const dec = Math.max(-90, Math.min(90, dec0 + (random() - 0.5) * 0.2));
            const want = objects
              .filter((o) => angularDistanceArcsec(ra, dec, o.ra, o.dec) <= radiusArcsec)
              .map((o) => o.id)
              .sort((a, b) => a - b);
            const got = (await catalog.cone(ra, dec, radiusArcsec)).map((h) => h.id).sort((a, b) => a - b);
            assert.deepEqual(got, want, `cone (${ra}, ${dec}) r=${radiusArcsec}″`);
            checked++;
            found += got.length;
          }
        }
    } finally {
      await pool.end();
    }
    assert.equal(checked, 80);
    assert.ok(found > 5000, `${found} objects found in all cones`);
  });
});
