// owb:frames.catalogStars, the viewer's catalog overlay: payloads are validated like every channel's, a frame
// without sky coordinates gives no stars and says why, and a frame whose WCS comes from the `solve` step
// (frames.wcs_json, the file itself has none) gets the Tycho-2 stars of that solution's footprint,
// brightest first, all on the frame through the same WCS. Where the stars are drawn is checked against
// astropy in tests/e2e/viewer-catalog-stars.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { parseCelestialWcs, recordSource } from '../../../../src-workers/core/wcs/index.js';
import { createHandlers, dispatch, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

const INDEX07 = '/usr/share/astrometry/index-tycho2-07.littleendian.fits';
// A TAN solution of a 1059² frame at 1.7″/px centred on M67 (about the DSS plate's).
const SOLUTION = {
  CTYPE1: 'RA---TAN',
  CTYPE2: 'DEC--TAN',
  CRPIX1: 530,
  CRPIX2: 530,
  CRVAL1: 132.825,
  CRVAL2: 11.8,
  CD1_1: -1.7 / 3600,
  CD1_2: 0,
  CD2_1: 0,
  CD2_2: 1.7 / 3600,
};

describe('owb:frames.catalogStars', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  let plain: number;
  let solved: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-catalog-stars-api-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 32, starCount: 3 });
    const db = openDatabase(join(dir, 'catalog.db'));
    const rows = db.prepare('SELECT id, path FROM frames ORDER BY id').all() as { id: number; path: string }[];
    [plain, solved] = rows.map((r) => r.id);
    const noWcs = encodeFits([imageHdu({ width: 32, height: 32, data: new Float32Array(32 * 32).fill(100) })]);
    for (const r of rows) writeFileSync(r.path, noWcs);
    db.prepare(`UPDATE frames SET width = 1059, height = 1059, solve_status = 'solved', wcs_json = ? WHERE id = ?`).run(
      JSON.stringify(SOLUTION),
      solved,
    );
    db.close();
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [request, message] of [
    [{}, "'frameId'"],
    [{ frameId: -1 }, "'frameId'"],
    [{ frameId: 1, limit: 0 }, "'limit'"],
    [{ frameId: 1, limit: 1.5 }, "'limit'"],
  ] as const)
    it(`refuses ${JSON.stringify(request)}`, async () => {
      const r = await dispatch(handlers, 'owb:frames.catalogStars', request);
      assert.equal(r.ok ? '' : r.error.code, 'BAD_PAYLOAD');
      assert.ok(!r.ok && r.error.message.includes(message), r.ok ? '' : r.error.message);
    });

  it('says NOT_FOUND for a frame that is not in the catalog', async () => {
    const r = await dispatch(handlers, 'owb:frames.catalogStars', { frameId: 999 });
    assert.equal(r.ok ? '' : r.error.code, 'NOT_FOUND');
  });

  it('gives no stars, with the reason, for a frame without sky coordinates', async () => {
    const r = await handlers['owb:frames.catalogStars']({ frameId: plain });
    assert.equal(r.raDeg.length, 0);
    assert.match(r.reason ?? '', /^no sky coordinates: /);
  });

  it(
    "gives the solution's footprint stars, brightest first",
    { skip: existsSync(INDEX07) ? false : 'Tycho-2 index package astrometry-data-tycho2-07 absent' },
    async () => {
      const r = await handlers['owb:frames.catalogStars']({ frameId: solved });
      assert.equal(r.reason, null);
      assert.match(r.source ?? '', /^index-tycho2-07/);
      assert.equal(r.magName, 'MAG_VT');
      assert.ok(r.raDeg.length >= 10 && r.raDeg.length === r.total, `${r.raDeg.length} of ${r.total}`);
      const parsed = parseCelestialWcs(recordSource(SOLUTION));
      assert.ok('wcs' in parsed);
      for (let i = 0; i < r.raDeg.length; i++) {
        const [x, y] = parsed.wcs.skyToPixel(r.raDeg[i], r.decDeg[i]);
        assert.ok(x >= -0.5 && x <= 1058.5 && y >= -0.5 && y <= 1058.5, `star ${i} at ${x}, ${y}`);
        if (i > 0) assert.ok(r.mag[i] >= r.mag[i - 1], `magnitudes ${r.mag[i - 1]} then ${r.mag[i]}`);
      }
      const five = await handlers['owb:frames.catalogStars']({ frameId: solved, limit: 5 });
      assert.deepEqual(Array.from(five.mag), Array.from(r.mag.subarray(0, 5)));
      assert.equal(five.total, r.total);
      // The star order was cached in the workspace, not beside the index files.
      assert.ok(existsSync(join(dir, 'cache', 'plate-solve')));
    },
  );
});
