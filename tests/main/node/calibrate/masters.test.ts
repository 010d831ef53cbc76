import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calibrateFiles, loadMasters } from '../../../../src-main/node/calibrate/calibrate-lights.js';
import { buildMasters } from '../../../../src-main/node/calibrate/masters.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { writeCalibrationSet, type CalibrationSet } from './calibration-set.js';

function rms(a: Float32Array, b: ArrayLike<number>, skip?: Set<number>): number {
  let s = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (skip?.has(i)) continue;
    s += (a[i] - b[i]) ** 2;
    m++;
  }
  return Math.sqrt(s / m);
}

describe('buildMasters + calibrateFiles on a synthetic set with truth', () => {
  let dir: string;
  let set: CalibrationSet;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owb-masters-'));
    set = await writeCalibrationSet(join(dir, 'raw'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes masters close to the truth (within 1.5× the expected noise of a 7-frame median)', async () => {
    // A tiny band budget forces many row bands, exercising the streaming path.
    const written = await buildMasters({
      bias: set.bias,
      darks: set.darks,
      flats: set.flats,
      outDir: dir,
      method: 'median',
      memoryBudgetBytes: 7 * 64 * 4 * 5,
    });
    assert.deepEqual(
      written.map((w) => w.kind),
      ['bias', 'dark', 'flat'],
    );
    assert.equal(written[2].path, join(dir, 'master_flat_R.fits'));
    const noiseOfMedian = set.readNoiseAdu * Math.sqrt(Math.PI / 2 / 7);
    const bias = (await readFitsImage(join(dir, 'master_bias.fits'))).image;
    assert.ok(rms(bias.data, set.truth.bias) < 1.5 * noiseOfMedian, `bias rms ${rms(bias.data, set.truth.bias)}`);
    const darkRead = await readFitsImage(join(dir, 'master_dark.fits'));
    assert.equal(darkRead.header.getNumber('EXPTIME'), 60);
    assert.equal(darkRead.header.getNumber('NCOMBINE'), 7);
    const darkTruth = Float32Array.from(set.truth.darkPerSec, (d) => d * 60);
    // bias-subtracted dark carries the dark's and the master bias's noise; Poisson noise is absent here.
    assert.ok(
      rms(darkRead.image.data, darkTruth) < 1.5 * Math.SQRT2 * noiseOfMedian * 1.5,
      `dark rms ${rms(darkRead.image.data, darkTruth)}`,
    );
    const flatRead = await readFitsImage(join(dir, 'master_flat_R.fits'));
    const sorted = Float32Array.from(flatRead.image.data).sort();
    const n = sorted.length;
    assert.ok(Math.abs(0.5 * (sorted[n / 2 - 1] + sorted[n / 2]) - 1) < 1e-6, 'flat median is not 1');
    assert.ok(rms(flatRead.image.data, set.truth.flat) < 0.002, `flat rms ${rms(flatRead.image.data, set.truth.flat)}`);
    assert.ok(
      flatRead.header.cards.some((c) => c.key === 'HISTORY' && /flat_3\.fits/.test(c.comment ?? '')),
      'inputs in HISTORY',
    );
  });

  it('calibrates lights to the true sky (mean within 0.5 ADU, rms within 2× read noise) and fixes hot pixels', async () => {
    const masters = await loadMasters(dir);
    const results = await calibrateFiles(set.lights, masters, join(dir, 'cal'));
    assert.equal(results.filter((r) => r.output).length, 3);
    const { image } = await readFitsImage(results[0].output as string);
    let sum = 0;
    for (const v of image.data) sum += v;
    const mean = sum / image.data.length;
    assert.ok(Math.abs(mean - set.truth.sky) < 0.5, `mean ${mean}`);
    const sky = new Float32Array(image.data.length).fill(set.truth.sky);
    assert.ok(rms(image.data, sky) < 2 * set.readNoiseAdu, `rms ${rms(image.data, sky)}`);
    for (const i of [100, 1500, 2222])
      assert.ok(Math.abs(image.data[i] - set.truth.sky) < 4 * set.readNoiseAdu, `hot pixel ${i}: ${image.data[i]}`);
  });

  it('skips a light of the wrong size and a corrupt file with reasons, and calibrates the rest', async () => {
    const masters = await loadMasters(dir);
    const small = join(dir, 'small.fits');
    await writeFitsImage(
      small,
      { width: 10, height: 10, data: new Float32Array(100) },
      { header: { IMAGETYP: 'Light' } },
    );
    const corrupt = join(dir, 'corrupt.fits');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(corrupt, 'SIMPLE  =                    T' + ' '.repeat(50) + 'garbage');
    const results = await calibrateFiles([set.lights[0], small, corrupt], masters, join(dir, 'cal2'));
    assert.ok(results[0].output);
    assert.match(results[1].skipped ?? '', /small\.fits: 10×10 does not match the masters \(64×48\)/);
    assert.match(results[2].skipped ?? '', /corrupt\.fits/);
  });

  it('gives bit-identical calibrated frames with 1 and 2 worker threads (cosmic on)', async () => {
    const masters = await loadMasters(dir);
    const one = await calibrateFiles(set.lights, masters, join(dir, 'w1'), { cosmic: true, threads: 1 });
    const two = await calibrateFiles(set.lights, masters, join(dir, 'w2'), { cosmic: true, threads: 2 });
    for (let k = 0; k < set.lights.length; k++) {
      const a = (await readFitsImage(one[k].output as string)).image.data;
      const b = (await readFitsImage(two[k].output as string)).image.data;
      assert.deepEqual(a, b, `light ${k}`);
    }
  });

  it('scales darks of different exposures to 1 s (EXPTIME 1) after bias subtraction, within 0.08 ADU/s rms (median of 5 frames with 0.05–0.14 ADU/s noise)', async () => {
    const { createRng } = await import('../../../../src-workers/core/random/index.js');
    const rng = createRng(44);
    const darks: string[] = [];
    for (const [k, t] of [30, 60, 90, 30, 60].entries()) {
      const p = join(dir, `mixed_dark_${k}.fits`);
      const data = Float32Array.from(set.truth.bias, (b, i) =>
        Math.round(b + set.truth.darkPerSec[i] * t + set.readNoiseAdu * rng.normal()),
      );
      await writeFitsImage(
        p,
        { width: set.width, height: set.height, data },
        { bitpix: 16, header: { IMAGETYP: 'Dark Frame', EXPTIME: t } },
      );
      darks.push(p);
    }
    const out = join(dir, 'mixed');
    const written = await buildMasters({ bias: set.bias, darks, flats: [], outDir: out, method: 'median' });
    assert.equal(written.find((w) => w.path.endsWith('master_dark.fits'))?.exposureSec, 1);
    assert.deepEqual(
      written.filter((w) => /master_dark_/.test(w.path)).map((w) => [w.exposureSec, w.frames]),
      [
        [30, 2],
        [60, 2],
        [90, 1],
      ],
    );
    const { image, header } = await readFitsImage(join(out, 'master_dark.fits'));
    assert.equal(header.getNumber('EXPTIME'), 1);
    const hot = new Set([100, 1500, 2222]);
    assert.ok(rms(image.data, set.truth.darkPerSec, hot) < 0.08, `rms ${rms(image.data, set.truth.darkPerSec, hot)}`);
    // A 60 s light uses the matched 60 s dark unscaled; a 120 s light the per-second dark × 120.
    const masters = await loadMasters(out);
    assert.deepEqual(
      masters.matchedDarks?.map((d) => d.exposureSec),
      [30, 60, 90],
    );
    const light60 = join(dir, 'light60.fits');
    await writeFitsImage(
      light60,
      {
        width: set.width,
        height: set.height,
        data: Float32Array.from(set.truth.bias, (b, i) => b + 200 + set.truth.darkPerSec[i] * 60),
      },
      { header: { IMAGETYP: 'Light', EXPTIME: 60 } },
    );
    const [r] = await calibrateFiles([light60], masters, join(dir, 'cal60'), { threads: 1 });
    const cal = await readFitsImage(r.output as string);
    assert.ok(
      cal.header.cards.some(
        (c) => c.key === 'HISTORY' && /master dark at 60 s \(matched exposure\)/.test(c.comment ?? ''),
      ),
    );
    let sum = 0;
    for (const v of cal.image.data) sum += v;
    assert.ok(Math.abs(sum / cal.image.data.length - 200) < 1, `mean ${sum / cal.image.data.length}`);
  });

  it('refuses to combine frames of different sizes, naming the file', async () => {
    const odd = join(dir, 'odd_bias.fits');
    await writeFitsImage(
      odd,
      { width: 63, height: 48, data: new Float32Array(63 * 48) },
      { header: { IMAGETYP: 'Bias' } },
    );
    await assert.rejects(
      buildMasters({ bias: [...set.bias, odd], darks: [], flats: [], outDir: dir }),
      /odd_bias\.fits: size 63×48 does not match bias_0\.fits \(64×48\)/,
    );
  });
});
