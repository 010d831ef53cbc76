import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { validateSynthConfig, type SynthConfig } from '../../../../src-workers/core/synth/config.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { parseCsv } from '../../../../src-main/node/synth/csv.js';
import { runInjection, validateInjection } from '../../../../src-main/node/synth/run-injection.js';

const root = mkdtempSync(join(tmpdir(), 'owb-inject-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Two 160×120 frames: sky 100 ADU with Gaussian noise σ 5 and one bright galaxy-like blob each. */
async function makeFrames(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [k, name] of ['night-a.fits', 'night-b.fits'].entries()) {
    const rng = createRng(100 + k);
    const data = new Float32Array(160 * 120);
    for (let i = 0; i < data.length; i++) {
      const x = i % 160;
      const y = Math.floor(i / 160);
      data[i] = 100 + 5 * rng.normal() + 400 * Math.exp(-((x - 80) ** 2 + (y - 60) ** 2) / 50);
    }
    await writeFitsImage(join(dir, name), { width: 160, height: 120, data }, { header: { OBJECT: `field ${k}` } });
  }
}

function configOf(framesDir: string, injection: Record<string, unknown> = {}): SynthConfig {
  const { config, errors } = validateSynthConfig({
    General: { mode: 'injection', seed: 5 },
    Injection: {
      frames_dir: framesDir,
      sources_per_frame: 12,
      bogus_stamps_per_frame: 4,
      stamp_size: 16,
      psf_fwhm_px: 2.5,
      ...injection,
    },
  });
  assert.deepEqual(errors, []);
  return config;
}

describe('injection mode', () => {
  it('injects sources whose measured fluxes match the truth catalog', async () => {
    const frames = join(root, 'frames');
    await makeFrames(frames);
    const config = configOf(frames, { gain_e_per_adu: 0, mag_min: 14, mag_max: 17 });
    const out = join(root, 'out');
    const summary = await runInjection({ config, outDir: out, toolVersion: 'test' });
    assert.deepEqual([summary.total, summary.written], [2, 2]);
    const truth = parseCsv(readFileSync(join(out, 'truth.csv'), 'utf8'));
    assert.equal(truth.length - 1, 24);
    const col = (name: string): number => truth[0].indexOf(name);
    assert.ok(
      truth.slice(1).some((r) => r[col('kind')] === 'transient'),
      'no transient drawn',
    );
    for (const name of ['night-a', 'night-b']) {
      const before = (await readFitsImage(join(frames, `${name}.fits`))).image;
      const after = await readFitsImage(join(out, 'frames', `${name}.fits`));
      assert.equal(after.header.get('OBJECT'), name === 'night-a' ? 'field 0' : 'field 1');
      assert.equal(after.header.get('INJNUM'), 12);
      // The difference holds only the injected light: its total equals the catalog's total flux.
      let diffSum = 0;
      for (let i = 0; i < before.data.length; i++) diffSum += after.image.data[i] - before.data[i];
      const rows = truth.slice(1).filter((r) => r[col('frame')] === `${name}.fits`);
      const total = rows.reduce((s, r) => s + Number(r[col('flux_adu')]), 0);
      // Sources sit ≥ 10 px (4 FWHM) inside the edges, so no light is cut; float32 rounding only.
      assert.ok(Math.abs(diffSum / total - 1) < 1e-3, `${name}: injected ${diffSum} ADU, truth ${total}`);
      // Each isolated source: light within 3 FWHM of its position ≈ its flux (Moffat β = 3 keeps ≈ 96 %).
      for (const r of rows) {
        const x = Number(r[col('x')]);
        const y = Number(r[col('y')]);
        assert.equal(Number(r[col('x_fits')]), Number((x + 1).toFixed(4)));
        let inside = 0;
        for (let py = Math.floor(y - 8); py <= Math.ceil(y + 8); py++)
          for (let px = Math.floor(x - 8); px <= Math.ceil(x + 8); px++) {
            if (Math.hypot(px - x, py - y) <= 7.5)
              inside += after.image.data[py * 160 + px] - before.data[py * 160 + px];
          }
        assert.ok(
          inside > 0.93 * Number(r[col('flux_adu')]),
          `source ${r[col('id')]}: ${inside} of ${r[col('flux_adu')]} within 3 FWHM`,
        );
      }
    }
    const stamps = parseCsv(readFileSync(join(out, 'stamps.csv'), 'utf8'));
    assert.equal(stamps.length - 1, 2 * (12 + 4));
    // The stamp of the brightest injection (its peak outshines the sky and the galaxy).
    const brightest = truth.slice(1).reduce((a, b) => (Number(b[col('mag')]) < Number(a[col('mag')]) ? b : a));
    const real = stamps
      .slice(1)
      .find(
        (r) => r[1] === '1' && r[2] === brightest[col('frame')] && r[0].endsWith(`_s${brightest[col('id')]}.fits`),
      )!;
    const stamp = await readFitsImage(join(out, real[0]));
    assert.deepEqual([stamp.image.width, stamp.image.height], [16, 16]);
    // The brightest stamp pixel is the injected source near the recorded centre.
    let best = 0;
    stamp.image.data.forEach((v, i) => {
      if (v > stamp.image.data[best]) best = i;
    });
    const sx = Number(stamp.header.get('SRC_X'));
    const sy = Number(stamp.header.get('SRC_Y'));
    assert.ok(
      Math.hypot((best % 16) - sx, Math.floor(best / 16) - sy) <= 1,
      `peak at ${best % 16},${Math.floor(best / 16)}, centre ${sx},${sy}`,
    );
    assert.deepEqual(validateInjection(config, out).problems, []);
  });

  it('adds Poisson noise to the injected light and reproduces a frame from its seed', async () => {
    const frames = join(root, 'frames');
    const config = configOf(frames, { gain_e_per_adu: 2, mag_min: 12, mag_max: 12, transient_fraction: 0 });
    const one = join(root, 'noisy-1');
    const two = join(root, 'noisy-2');
    await runInjection({ config, outDir: one, toolVersion: 'test' });
    await runInjection({ config, outDir: two, toolVersion: 'test' });
    const a = readFileSync(join(one, 'frames', 'night-a.fits'));
    assert.ok(
      a.equals(readFileSync(join(two, 'frames', 'night-a.fits'))),
      'same config and seed must give the same frame',
    );
    const again = await runInjection({ config, outDir: one, toolVersion: 'test' });
    assert.deepEqual([again.written, again.reused], [0, 2]);
    const noiseless = join(root, 'noiseless');
    await runInjection({
      config: configOf(frames, { gain_e_per_adu: 0, mag_min: 12, mag_max: 12, transient_fraction: 0 }),
      outDir: noiseless,
      toolVersion: 'test',
    });
    const noisy = (await readFitsImage(join(one, 'frames', 'night-a.fits'))).image.data;
    const clean = (await readFitsImage(join(noiseless, 'frames', 'night-a.fits'))).image.data;
    // Injected signal: 10^(−0.4·(12 − 25)) ≈ 158 489 ADU per source; the extra variance is signal / gain.
    let variance = 0;
    let signal = 0;
    const base = (await readFitsImage(join(frames, 'night-a.fits'))).image.data;
    for (let i = 0; i < noisy.length; i++) {
      variance += (noisy[i] - clean[i]) ** 2;
      signal += clean[i] - base[i];
    }
    assert.ok(Math.abs(variance / (signal / 2) - 1) < 0.1, `noise variance ${variance}, expected ${signal / 2}`);
  });

  it('rejects a missing or empty frames folder with the key in the message', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await assert.rejects(
      runInjection({ config: configOf(empty), outDir: join(root, 'x'), toolVersion: 'test' }),
      /Injection\.frames_dir .* holds no FITS frames/,
    );
    await assert.rejects(
      runInjection({ config: configOf(join(root, 'nope')), outDir: join(root, 'x'), toolVersion: 'test' }),
      /Injection\.frames_dir .* does not exist/,
    );
  });
});
