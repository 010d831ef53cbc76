import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outputColumns } from '../../../../src-workers/core/catalog/index.js';
import { detectSources, parseConvKernel } from '../../../../src-workers/core/detect/index.js';
import { detectFrame, startDetectPool } from '../../../../src-main/node/detect/detect-frame.js';
import { WorkerPool } from '../../../../src-main/node/pool/worker-pool.js';
import { gridStars, makeField } from '../../../workers/core/detect/synthetic-field.js';

function field() {
  const stars = gridStars(256, 400, 23, 1500, 200000, 31);
  // Extended objects and a tight pair straddling the strip borders (rows 96, 192, 288 with 96-row strips).
  stars.push({ x: 128, y: 190, flux: 3e6 }, { x: 60.5, y: 95.2, flux: 30000 }, { x: 64.1, y: 97.9, flux: 22000 });
  const img = makeField({ width: 256, height: 400, seed: 32, sky: 300, gain: 1.5, readNoise: 5, fwhm: 3, stars });
  // A big diffuse blob (σ = 25 px) across two strips: its footprint is far larger than the strip margin.
  for (let y = 0; y < 400; y++) {
    for (let x = 0; x < 256; x++) {
      img.data[y * 256 + x] += 60 * Math.exp(-((x - 200) ** 2 + (y - 290) ** 2) / (2 * 25 * 25));
    }
  }
  return img;
}

function columnsOf(cat: Parameters<typeof outputColumns>[0]) {
  return Object.fromEntries(outputColumns(cat).map((c) => [c.name, Array.from(c.data)]));
}

test('the catalog is identical (bit for bit) in one thread and on 2 workers with different strip sizes', async () => {
  const img = field();
  const options = { gainEPerAdu: 1.5, apertureRadiusPx: 5 };
  const single = await detectFrame(img, { ...options, workers: 1 });
  assert.ok(single.catalog.count > 150, `count ${single.catalog.count}`);
  const reference = columnsOf(single.catalog);
  assert.deepEqual(columnsOf(detectSources(img, options)), reference);
  // One pool (worker start-up under tsx is slow); the strip size changes how the frame is cut.
  const pool = new WorkerPool({ threads: 2 });
  try {
    for (const stripRows of [96, 150]) {
      const tiled = await detectFrame(img, { ...options, pool, stripRows });
      assert.deepEqual(columnsOf(tiled.catalog), reference, `strips of ${stripRows} rows`);
      // The background meshes were estimated in the workers, rows split between them: the same model.
      assert.deepEqual(tiled.model, single.model);
    }
  } finally {
    await pool.destroy();
  }
});

test('a user kernel reaches the strip workers: the same catalog in one thread and on 2 workers', async () => {
  const img = field();
  const options = {
    gainEPerAdu: 1.5,
    apertureRadiusPx: 5,
    filterKernel: parseConvKernel('CONV NORM\n1 2 1\n2 4 2\n1 2 1\n'),
  };
  const single = await detectFrame(img, { ...options, workers: 1 });
  // The kernel is really used: its catalog differs from the default Gaussian's.
  assert.notDeepEqual(
    columnsOf(single.catalog),
    columnsOf(detectSources(img, { gainEPerAdu: 1.5, apertureRadiusPx: 5 })),
  );
  const pool = new WorkerPool({ threads: 2 });
  try {
    const tiled = await detectFrame(img, { ...options, pool, stripRows: 96 });
    assert.deepEqual(columnsOf(tiled.catalog), columnsOf(single.catalog));
  } finally {
    await pool.destroy();
  }
});

test('a mask and a saturation level reach the background workers: the same model and catalog', async () => {
  const img = field();
  const mask = new Uint8Array(img.data.length);
  for (let y = 40; y < 120; y++) mask.fill(1, y * img.width + 30, y * img.width + 200);
  const options = { gainEPerAdu: 1.5, apertureRadiusPx: 5, mask, saturationLevel: 5000 };
  const single = await detectFrame(img, { ...options, workers: 1 });
  const pool = new WorkerPool({ threads: 2 });
  try {
    const tiled = await detectFrame(img, { ...options, pool, stripRows: 96 });
    assert.deepEqual(tiled.model, single.model);
    assert.deepEqual(columnsOf(tiled.catalog), columnsOf(single.catalog));
    // The mask changed the model (so the comparison above saw it travel).
    assert.notDeepEqual(single.model, (await detectFrame(img, { gainEPerAdu: 1.5, workers: 1 })).model);
  } finally {
    await pool.destroy();
  }
});

test('a pool started before the read is used only for large frames: small ones run in this thread and close it', async () => {
  assert.equal(startDetectPool(64 * 1024 * 1024, 1), undefined, 'one worker: no pool');
  assert.equal(startDetectPool(4 * 1024 * 1024, 2), undefined, 'a file too small for 8 Mpx: no pool');
  const img = field();
  const options = { gainEPerAdu: 1.5, apertureRadiusPx: 5 };
  const single = await detectFrame(img, { ...options, workers: 1 });
  const warmPool = new (class extends WorkerPool {
    destroyed = false;
    override async destroy(): Promise<void> {
      this.destroyed = true;
      await super.destroy();
    }
  })({ threads: 2 });
  const warm = await detectFrame(img, { ...options, workers: 2, warmPool });
  assert.deepEqual(columnsOf(warm.catalog), columnsOf(single.catalog));
  // The frame is under 8 Mpx, so it ran in this thread and the pool was shut down (no threads left behind).
  assert.equal(warmPool.destroyed, true);
});
