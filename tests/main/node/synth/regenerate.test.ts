import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { validateSynthConfig } from '../../../../src-workers/core/synth/config.js';
import { decodePngGray8 } from '../../../../src-workers/core/synth/png.js';
import { generateFromSeed, toGray8 } from '../../../../src-workers/core/synth/sample.js';
import { parseCsv } from '../../../../src-main/node/synth/csv.js';
import { runSynth } from '../../../../src-main/node/synth/run-synth.js';

const root = mkdtempSync(join(tmpdir(), 'owb-synth-regen-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('single-image regeneration', () => {
  it('rebuilds any image, pixel for pixel, from the seed and label recorded in metadata.csv', async () => {
    const { config } = validateSynthConfig({
      General: { n_train: 20, n_test: 6, seed: 99 },
      Output: { include_metadata: true },
    });
    await runSynth({ config, outDir: root, workers: 1, toolVersion: 'test' });
    const rows = parseCsv(readFileSync(join(root, 'metadata.csv'), 'utf8'));
    const col = (name: string): number => rows[0].indexOf(name);
    for (const row of [rows[4], rows[13], rows[26]]) {
      const seed = Number(row[col('seed')]);
      const label = Number(row[col('label')]) as 0 | 1;
      const { params, pixels } = generateFromSeed(config, seed, label);
      assert.ok(params.kind === 'parity');
      const file = decodePngGray8(readFileSync(join(root, row[col('filepath')])), (b) => inflateSync(b));
      assert.deepEqual(
        file.pixels,
        toGray8(pixels, config.Output.png_pedestal),
        `${row[0]} differs from its regeneration`,
      );
      assert.equal(params.galaxy.sigmaPx.toFixed(6), row[col('gal_sigma_px')]);
      assert.equal(params.einsteinRadiusPx.toFixed(6), row[col('einstein_radius_px')]);
    }
    // A wrong seed does not reproduce the image (the check above can fail).
    const row = rows[4];
    const other = generateFromSeed(config, Number(row[col('seed')]) + 1, Number(row[col('label')]) as 0 | 1);
    const file = decodePngGray8(readFileSync(join(root, row[col('filepath')])), (b) => inflateSync(b));
    assert.notDeepEqual(file.pixels, toGray8(other.pixels, config.Output.png_pedestal));
  });
});
