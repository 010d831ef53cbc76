// `owb masters` reads each flat once when all flats fit one combine band (its median taken inside the
// combine) and twice otherwise (a median pass, then the band-by-band combine): both paths must write
// the same masters bit for bit, and both must reject a flat whose median is not positive after the
// bias/dark correction with BAD_FLAT naming the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildMasters } from '../../../../src-main/node/calibrate/masters.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { writeCalibrationSet, type CalibrationSet } from './calibration-set.js';

describe('buildMasters: one-band and streamed flats agree', () => {
  let dir: string;
  let set: CalibrationSet;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-masters-one-band-'));
    set = await writeCalibrationSet(join(dir, 'raw'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes identical masters with the whole frames in one band and in many small bands', async () => {
    const run = async (out: string, memoryBudgetBytes?: number): Promise<Float32Array[]> => {
      const written = await buildMasters({
        bias: set.bias,
        darks: set.darks,
        flats: set.flats,
        outDir: out,
        memoryBudgetBytes,
      });
      return Promise.all(written.map(async (w) => (await readFitsImage(w.path)).image.data));
    };
    const whole = await run(join(dir, 'whole'));
    const banded = await run(join(dir, 'banded'), 7 * 64 * 4 * 5);
    assert.equal(whole.length, 3);
    whole.forEach((data, i) => assert.deepEqual(data, banded[i], `master ${i}`));
  });

  it('rejects a flat with a non-positive median (BAD_FLAT, naming it) on both paths', async () => {
    const { image } = await readFitsImage(set.bias[0]);
    // A "flat" that is just a bias frame: after bias subtraction its median is about zero or below.
    const bad = join(dir, 'bad_flat.fits');
    await writeFitsImage(
      bad,
      { ...image, data: Float32Array.from(image.data, (v) => v - 50) },
      { header: { FILTER: 'R', EXPTIME: 1 } },
    );
    for (const memoryBudgetBytes of [undefined, 7 * 64 * 4 * 5]) {
      await assert.rejects(
        buildMasters({
          bias: set.bias,
          flats: [...set.flats, bad],
          darks: [],
          outDir: join(dir, 'bad'),
          memoryBudgetBytes,
        }),
        (e: Error & { code?: string }) => e.code === 'BAD_FLAT' && /bad_flat\.fits/.test(e.message),
      );
    }
  });
});
