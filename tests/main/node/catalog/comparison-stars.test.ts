// Comparison stars picked by the user (issue 20, migration 009): stored per target, used by the ensemble in
// place of the automatic choice, cleared back to automatic. The check that the ensemble really uses them:
// two comparison stars brightened by 20 % in one frame make the (constant) target 2.5·log10(1.2) mag
// fainter in that frame relative to the others, exactly, whatever the ensemble's weights.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAYLOAD_GUARDS } from '../../../../src-main/common/ipc-guards.js';
import { setComparisonStars, storedComparisonStars } from '../../../../src-main/node/catalog/comparison-stars.js';
import { openDatabase, type SqliteDatabase } from '../../../../src-main/node/catalog/database.js';
import { objectLightCurve } from '../../../../src-main/node/catalog/light-curves.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

const TARGET = 1;
const COMPS = [4, 7];
const JUMP_MAG = 2.5 * Math.log10(1.2);

describe('comparison stars picked for a target', () => {
  let dir: string;
  let db: SqliteDatabase;
  let brightFrame: number;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-comps-'));
    createFixtureWorkspace(dir, { frames: 6, sizePx: 256, starCount: 30 });
    db = openDatabase(join(dir, 'catalog.db'));
    const field = objectLightCurve(db, TARGET).field;
    brightFrame = field.frameIds[1];
    db.prepare(
      `UPDATE measurements SET flux = flux * 1.2 WHERE frame_id = ? AND object_id IN (${COMPS.join(',')})`,
    ).run(brightFrame);
  });

  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts automatic, with no stored choice', () => {
    assert.deepEqual(storedComparisonStars(db, TARGET), []);
    const auto = objectLightCurve(db, TARGET);
    assert.ok(auto.compObjects.length > 2, `auto picked ${auto.compObjects}`);
  });

  it('uses the stored choice in the ensemble, and `storedComps: false` is automatic again', () => {
    assert.deepEqual(setComparisonStars(db, TARGET, [7, 4, 7]), COMPS);
    assert.deepEqual(storedComparisonStars(db, TARGET), COMPS);
    const lc = objectLightCurve(db, TARGET);
    assert.deepEqual(
      [...lc.compObjects].sort((a, b) => a - b),
      COMPS,
    );
    const f = lc.field.frameIds.indexOf(brightFrame);
    const others = lc.field.frameIds.map((_, i) => i).filter((i) => i !== f);
    for (const i of others) {
      const jump = lc.result.mag[f] - lc.result.mag[i];
      assert.ok(Math.abs(jump - JUMP_MAG) < 1e-6, `Δmag ${jump} vs ${JUMP_MAG}`);
    }
    const auto = objectLightCurve(db, TARGET, { storedComps: false });
    assert.notDeepEqual(
      [...auto.compObjects].sort((a, b) => a - b),
      COMPS,
    );
    const explicit = objectLightCurve(db, TARGET, { compObjects: [10, 11, 12] });
    assert.deepEqual(
      [...explicit.compObjects].sort((a, b) => a - b),
      [10, 11, 12],
    );
  });

  it('clears back to automatic with an empty list', () => {
    assert.deepEqual(setComparisonStars(db, TARGET, []), []);
    assert.deepEqual(storedComparisonStars(db, TARGET), []);
    const lc = objectLightCurve(db, TARGET);
    assert.deepEqual(lc.compObjects, objectLightCurve(db, TARGET, { storedComps: false }).compObjects);
  });

  it('refuses the target as its own comparison and unknown objects, keeping the stored choice', () => {
    setComparisonStars(db, TARGET, COMPS);
    assert.throws(() => setComparisonStars(db, TARGET, [TARGET, 4]), /object 1 cannot be its own comparison star/);
    assert.throws(() => setComparisonStars(db, TARGET, [4, 99999]), /comparison object 99999 is not in the catalog/);
    assert.throws(() => setComparisonStars(db, 99999, [4]), /object 99999 is not in the catalog/);
    assert.deepEqual(storedComparisonStars(db, TARGET), COMPS);
  });

  it('checks the setComps payload', () => {
    const guard = PAYLOAD_GUARDS['owb:lightcurve.setComps'];
    assert.equal(guard({ objectId: 1, compObjects: [2, 3] }), null);
    assert.match(guard({ objectId: 1, compObjects: [2, 1.5] }) ?? '', /positive integer object ids, got 1.5/);
    assert.match(guard({ objectId: 1, compObjects: 'all' }) ?? '', /must be an array/);
    assert.match(guard({ objectId: 0, compObjects: [] }) ?? '', /'objectId' must be in/);
    assert.match(guard({ objectId: 1, compObjects: [], extra: 1 }) ?? '', /unexpected field 'extra'/);
  });
});
