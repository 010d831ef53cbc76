// owb:frames.get and owb:frames.pixels on a multi-extension file with a cube (issue 26, multi-HDU and cube
// navigation): the detail lists the image HDUs, `hdu` picks one (its header, its pixels), `plane` a cube
// plane, and an HDU without an image or a plane beyond the cube is refused with a message naming it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PAYLOAD_GUARDS } from '../../../../src-main/common/ipc-guards.js';
import { createHandlers, type Handlers } from '../../../../src-main/node/api/handlers.js';
import { openWorkspace, type WorkbenchServices } from '../../../../src-main/node/api/services.js';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { cubeHdu, encodeFits, FitsHeader, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { createFixtureWorkspace } from '../../../e2e/fixture-workspace.js';

/** Pixel (x, y) of plane p of HDU h: a value that names all four, so a mix-up shows. */
const truth = (h: number, p: number, x: number, y: number): number => h * 10_000 + p * 1000 + y * 30 + x;

function plane(h: number, p: number, w: number, ht: number): Float32Array {
  const out = new Float32Array(w * ht);
  for (let y = 0; y < ht; y++) for (let x = 0; x < w; x++) out[y * w + x] = truth(h, p, x, y);
  return out;
}

describe('frame pixels and header of one HDU and cube plane', () => {
  let dir: string;
  let services: WorkbenchServices;
  let handlers: Handlers;
  let frameId: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-hdu-'));
    createFixtureWorkspace(dir, { frames: 1, sizePx: 32, starCount: 3 });
    const db = openDatabase(join(dir, 'catalog.db'));
    const row = db.prepare('SELECT id, path FROM frames').get() as { id: number; path: string };
    frameId = row.id;
    db.close();
    // HDU 0 an empty primary, 1 a 20×12 image 'SCI', 2 a 3-plane 8×6 cube 'CUBE', 3 a table.
    const empty = { kind: 'empty' as const, header: new FitsHeader([{ key: 'OBJECT', value: 'MEF' }]) };
    const sci = imageHdu({ width: 20, height: 12, data: plane(1, 0, 20, 12) }, { header: { EXTNAME: 'SCI' } });
    const cube = cubeHdu(
      8,
      6,
      [0, 1, 2].map((p) => plane(2, p, 8, 6)),
      { header: { EXTNAME: 'CUBE', BUNIT: 'adu' } },
    );
    const table = {
      kind: 'bintable' as const,
      header: new FitsHeader([
        { key: 'BITPIX', value: 8 },
        { key: 'NAXIS', value: 2 },
        { key: 'NAXIS1', value: 4 },
        { key: 'NAXIS2', value: 1 },
        { key: 'TFIELDS', value: 1 },
        { key: 'TFORM1', value: 'E' },
        { key: 'EXTNAME', value: 'TAB' },
      ]),
      data: new Uint8Array(4),
    };
    writeFileSync(row.path, encodeFits([empty, sci, cube, table]));
    services = openWorkspace(dir, { pollChanges: false });
    handlers = createHandlers(services);
  });
  after(() => {
    services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the image HDUs with their sizes and planes; by default shows the first', async () => {
    const d = await handlers['owb:frames.get']({ frameId });
    assert.deepEqual(d.images, {
      hdu: 1,
      list: [
        { hdu: 1, name: 'SCI', width: 20, height: 12, planes: 1 },
        { hdu: 2, name: 'CUBE', width: 8, height: 6, planes: 3 },
      ],
    });
    const p = await handlers['owb:frames.pixels']({ frameId });
    assert.equal(p.width, 20);
    assert.equal(p.data[5 * 20 + 7], truth(1, 0, 7, 5));
  });

  it('gives the header and every plane of the cube HDU asked for', async () => {
    const d = await handlers['owb:frames.get']({ frameId, hdu: 2 });
    assert.equal(d.images?.hdu, 2);
    assert.equal(d.header.find((c) => c.key === 'EXTNAME')?.value, 'CUBE');
    assert.equal(d.header.find((c) => c.key === 'NAXIS3')?.value, 3);
    for (const p of [0, 1, 2]) {
      const px = await handlers['owb:frames.pixels']({ frameId, hdu: 2, plane: p });
      assert.deepEqual([px.width, px.height, px.binning], [8, 6, 1]);
      for (let y = 0; y < 6; y++)
        for (let x = 0; x < 8; x++) assert.equal(px.data[y * 8 + x], truth(2, p, x, y), `plane ${p} (${x}, ${y})`);
    }
    // Binned planes are block averages of that plane, not of the first.
    const binned = await handlers['owb:frames.pixels']({ frameId, hdu: 2, plane: 2, binning: 2 });
    const mean = (truth(2, 2, 2, 0) + truth(2, 2, 3, 0) + truth(2, 2, 2, 1) + truth(2, 2, 3, 1)) / 4;
    assert.equal(binned.data[1], mean);
  });

  it('refuses an HDU without an image and a plane beyond the cube, naming the file and the range', async () => {
    await assert.rejects(async () => handlers['owb:frames.pixels']({ frameId, hdu: 3 }), {
      code: 'BAD_PARAMETER',
      message: 'm51_001.fits: HDU 3 holds no 2-D image (images are in HDU 1, 2)',
    });
    await assert.rejects(async () => handlers['owb:frames.get']({ frameId, hdu: 0 }), { code: 'BAD_PARAMETER' });
    await assert.rejects(async () => handlers['owb:frames.pixels']({ frameId, hdu: 2, plane: 3 }), {
      code: 'BAD_PARAMETER',
      message: 'm51_001.fits: plane 3 is outside 0..2',
    });
    await assert.rejects(async () => handlers['owb:frames.pixels']({ frameId, hdu: 1, plane: 1 }), {
      message: 'm51_001.fits: plane 1 is outside 0..0',
    });
  });

  it('guards hdu and plane as non-negative integers', () => {
    const guard = PAYLOAD_GUARDS['owb:frames.pixels'];
    assert.equal(guard({ frameId: 1, hdu: 2, plane: 0 }), null);
    assert.equal(guard({ frameId: 1, hdu: -1 }), "'hdu' must be in [0, 9999], got -1");
    assert.equal(guard({ frameId: 1, plane: 1.5 }), "'plane' must be an integer");
    assert.equal(PAYLOAD_GUARDS['owb:frames.get']({ frameId: 1, hdu: 'SCI' }), "'hdu' must be a finite number");
    assert.equal(PAYLOAD_GUARDS['owb:frames.get']({ frameId: 1, plane: 1 }), "unexpected field 'plane'");
  });
});
