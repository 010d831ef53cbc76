// owb:frames.registerStars (issue 26, RGB composition "registered by WCS or stars"): two frames of the same
// field offset by known sub-pixel shifts register onto the reference within 0.1 px of the shift, and a
// frame without stars to match says why instead of returning a transform.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAYLOAD_GUARDS } from '../../../../src-main/common/ipc-guards.js';
import { createHandlers, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { simulateStarField } from '../../../../src-workers/core/simulate/index.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

const SIZE = 256;
const SHIFTS: Array<[number, number]> = [
  [6.37, -4.81],
  [-11.2, 3.05],
];

describe('registering a frame onto another by its stars', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  let ids: number[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-register-stars-'));
    createFixtureWorkspace(dir, { frames: 4, sizePx: SIZE, starCount: 150 });
    const db = openDatabase(join(dir, 'catalog.db'));
    const rows = db.prepare('SELECT id, path FROM frames ORDER BY id').all() as Array<{ id: number; path: string }>;
    db.close();
    ids = rows.map((r) => r.id);
    // The fixture's field (seed 7) again, moved by each shift, with its own noise; frame 4 a blank sky.
    SHIFTS.forEach((shiftPx, k) => {
      const { image } = simulateStarField({
        widthPx: SIZE,
        heightPx: SIZE,
        starCount: 150,
        fwhmPx: 3,
        skyAdu: 1000,
        seed: 7,
        noiseSeed: 500 + k,
        shiftPx,
      });
      writeFileSync(rows[k + 1].path, encodeFits([imageHdu(image)]));
    });
    const blank = simulateStarField({ widthPx: SIZE, heightPx: SIZE, starCount: 0, skyAdu: 1000, seed: 3 });
    writeFileSync(rows[3].path, encodeFits([imageHdu(blank.image)]));
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recovers each known shift within 0.1 px, with a unit linear part', async () => {
    for (const [k, [dx, dy]] of SHIFTS.entries()) {
      const r = await handlers['owb:frames.registerStars']({ frameId: ids[k + 1], referenceId: ids[0] });
      assert.ok(r.ok, r.ok ? '' : r.reason);
      const t = r.transform;
      // The transform maps reference pixels to the frame's: the frame's stars sit at reference + shift.
      assert.ok(Math.abs(t.tx - dx) < 0.1, `tx ${t.tx} vs ${dx}`);
      assert.ok(Math.abs(t.ty - dy) < 0.1, `ty ${t.ty} vs ${dy}`);
      for (const [name, v, want] of [
        ['a', t.a, 1],
        ['b', t.b, 0],
        ['c', t.c, 0],
        ['d', t.d, 1],
      ] as const)
        assert.ok(Math.abs(v - want) < 1e-3, `${name} = ${v}`);
      assert.ok(r.matched >= 10, `${r.matched} stars matched`);
    }
  });

  it('says why when the frame has no stars to match', async () => {
    const r = await handlers['owb:frames.registerStars']({ frameId: ids[3], referenceId: ids[0] });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, new RegExp(`^frame ${ids[3]} onto frame ${ids[0]}: .*stars`));
  });

  it('refuses a malformed request and an unknown frame', async () => {
    assert.match(PAYLOAD_GUARDS['owb:frames.registerStars']({ frameId: 1 }) ?? '', /'referenceId' is required/);
    await assert.rejects(
      Promise.resolve().then(() => handlers['owb:frames.registerStars']({ frameId: 999, referenceId: ids[0] })),
      /frame 999 is not in the catalog/,
    );
  });
});
