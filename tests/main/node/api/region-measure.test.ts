// owb:frames.regionPhotometry and owb:frames.detectMasked (issue 26 §2, regions as forced-photometry
// apertures and detection masks) on a frame whose truth is known: a flat sky of 100 ADU with a 5×5 block
// 50 ADU above it. A box and a polygon over the block measure exactly its 1250 ADU on 25 pixels; bad region
// text and sky regions on a frame without a WCS are refused with messages naming the line and the problem.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAYLOAD_GUARDS } from '../../../../src-main/common/ipc-guards.js';
import { createHandlers, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { InputError } from '../../../../src-workers/core/errors.js';
import { encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

const W = 64;

describe('regions as photometry apertures and detection masks over the API', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  let frameId: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-region-measure-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: W, starCount: 0 });
    const db = openDatabase(join(dir, 'catalog.db'));
    const row = db.prepare('SELECT id, path FROM frames').get() as { id: number; path: string };
    db.close();
    frameId = row.id;
    const data = new Float32Array(W * W).fill(100);
    for (let y = 20; y <= 24; y++) for (let x = 30; x <= 34; x++) data[y * W + x] = 150;
    // No WCS in this header: sky regions have nothing to go through.
    writeFileSync(row.path, encodeFits([imageHdu({ width: W, height: W, data })]));
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a box and a polygon over the block measure its flux and area exactly; points are skipped', async () => {
    // DS9 image coordinates are 1-based: the block's pixels 30…34, 20…24 are 31…35, 21…25.
    const text = 'image\nbox(33,23,5,5,0)\npolygon(30.5,20.5,35.5,20.5,35.5,25.5,30.5,25.5)\npoint(10,10)\n';
    const r = await handlers['owb:frames.regionPhotometry']({ frameId, regions: text });
    assert.deepEqual(
      r.rows.map((row) => [row.line, row.shape]),
      [
        [2, 'box'],
        [3, 'polygon'],
      ],
    );
    for (const row of r.rows) {
      assert.equal(row.areaPx, 25, `${row.shape} area`);
      assert.equal(row.backgroundAdu, 100, `${row.shape} sky`);
      assert.ok(Math.abs(row.flux - 1250) < 1e-9, `${row.shape} flux ${row.flux}`);
      assert.equal(row.fluxErr, 0, 'a noiseless sky and no GAIN: no error');
      assert.equal(row.mag, null, 'no zero point, no magnitude');
      assert.equal(row.incomplete, false);
    }
    assert.equal(r.skipped, 1);
    assert.equal(r.zeroPointMag, null);
  });

  it('masks the pixels inside the regions for detection', async () => {
    const masked = await handlers['owb:frames.detectMasked']({ frameId, regions: 'image\nbox(33,23,9,9,0)\n' });
    assert.equal(masked.maskedPx, 81);
    const none = await handlers['owb:frames.detectMasked']({ frameId, regions: '' });
    assert.equal(none.maskedPx, 0);
  });

  it('refuses bad region text and sky regions on a frame without a WCS, naming the line', async () => {
    const fails = async (regions: string, message: RegExp): Promise<void> => {
      for (const channel of ['owb:frames.regionPhotometry', 'owb:frames.detectMasked'] as const)
        await assert.rejects(
          Promise.resolve().then(() => handlers[channel]({ frameId, regions })),
          (e: unknown) => e instanceof InputError && e.code === 'BAD_REGION' && message.test(e.message),
        );
    };
    await fails('image\ncircle(10,10)\n', /^regions:2: circle takes 3 numbers, got 2$/);
    await fails('fk5\ncircle(202.47,47.2,5")\n', /line 2: a sky region needs the frame's WCS/);
    assert.match(PAYLOAD_GUARDS['owb:frames.regionPhotometry']({ frameId }) ?? '', /'regions' must be a string/);
    assert.match(
      PAYLOAD_GUARDS['owb:frames.detectMasked']({ frameId, regions: 'x'.repeat(1_000_001) }) ?? '',
      /at most 1,000,000 characters/,
    );
  });
});
