// owb:frames.get gives the frame info panel the reason a frame has no sky coordinates (the WCS reader's, on
// the header shown) and the catalog's note on its times; both null for a frame that has everything.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { createHandlers, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

describe('frame detail: why there are no sky coordinates or times', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  let ids: number[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-coords-'));
    createFixtureWorkspace(dir, { frames: 2, sizePx: 32, starCount: 3 });
    const db = openDatabase(join(dir, 'catalog.db'));
    const rows = db.prepare('SELECT id, path FROM frames ORDER BY id').all() as { id: number; path: string }[];
    ids = rows.map((r) => r.id);
    // The second frame's file gets an unknown projection; its catalog row a note on its times.
    writeFileSync(
      rows[1].path,
      encodeFits([
        imageHdu(
          { width: 32, height: 32, data: new Float32Array(32 * 32).fill(1000) },
          {
            header: {
              'DATE-OBS': '2026-03-14T22:10:00',
              CTYPE1: 'RA---XYZ',
              CTYPE2: 'DEC--XYZ',
              CRVAL1: 10,
              CRVAL2: 20,
              CDELT1: -1e-4,
              CDELT2: 1e-4,
            },
          },
        ),
      ]),
    );
    db.prepare('UPDATE frames SET time_note = ? WHERE id = ?').run('no BJD_TDB: no observatory position (…)', ids[1]);
    db.close();
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is null for a frame with a WCS and complete times', async () => {
    const d = await handlers['owb:frames.get']({ frameId: ids[0] });
    assert.deepEqual(d.coordinates, { skyReason: null, timeNote: null });
  });

  it("names the keyword when the WCS cannot be built, and passes the catalog's time note", async () => {
    const d = await handlers['owb:frames.get']({ frameId: ids[1] });
    assert.match(d.coordinates?.skyReason ?? '', /^CTYPE1 'RA---XYZ': projection 'XYZ' is unknown or not implemented$/);
    assert.equal(d.coordinates?.timeNote, 'no BJD_TDB: no observatory position (…)');
  });
});
