import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stackFiles } from '../../../../src-main/node/calibrate/stack-files.js';
import { createRng } from '../../../../src-workers/core/random/index.js';
import { readFitsImage, writeFitsImage } from '../../../../src-workers/io/fits-file.js';
import { aboutCentre, render, scene } from '../../../workers/core/register/synthetic.js';

const W = 200;
const H = 160;
const NOISE = 5;

function rmsAgainst(a: Float32Array, truth: Float32Array, border: number): number {
  let ss = 0;
  let n = 0;
  for (let y = border; y < H - border; y++) {
    for (let x = border; x < W - border; x++) {
      const d = a[y * W + x] - truth[y * W + x];
      ss += d * d;
      n++;
    }
  }
  return Math.sqrt(ss / n);
}

describe('stacking', () => {
  let dir: string;
  const sc = scene(31, W, H, 90);
  const truth = render(sc, aboutCentre(W, H, 0, 0, 0), W, H, 0, 0).data;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'owb-stack-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('improves the noise by √N (±5 %) on aligned frames, and sigma rejection removes injected cosmic rays', async () => {
    const files: string[] = [];
    const n = 16;
    for (let k = 0; k < n; k++) {
      const img = render(sc, aboutCentre(W, H, 0, 0, 0), W, H, 500 + k, NOISE);
      // 20 cosmic-ray pixels in every fourth frame, never two in the same pixel.
      if (k % 4 === 1) for (let j = 0; j < 20; j++) img.data[k * 1000 + 37 * j] += 4000;
      const p = join(dir, `aligned_${k}.fits`);
      await writeFitsImage(p, img, { header: { IMAGETYP: 'Light Frame' } });
      files.push(p);
    }
    const single = rmsAgainst((await readFitsImage(files[0])).image.data, truth, 0);
    const none = await stackFiles({
      files: files.filter((_, k) => k % 4 !== 1),
      out: join(dir, 'none.fits'),
      reject: 'none',
    });
    const gain = single / rmsAgainst((await readFitsImage(none.out)).image.data, truth, 0);
    assert.ok(Math.abs(gain / Math.sqrt(12) - 1) < 0.05, `gain ${gain} vs √12`);
    const sigma = await stackFiles({ files, out: join(dir, 'sigma.fits'), reject: 'sigma', kappa: 3 });
    const stacked = (await readFitsImage(sigma.out)).image.data;
    const gainSigma = single / rmsAgainst(stacked, truth, 0);
    assert.ok(gainSigma > 0.9 * Math.sqrt(n), `sigma-clipped gain ${gainSigma} < 0.9 √${n}`);
    const rejected = (await readFitsImage(sigma.rejection)).image.data;
    for (const k of [1, 5, 9, 13]) assert.ok(rejected[k * 1000 + 37 * 7] >= 1, `cosmic ray of frame ${k} not rejected`);
    const coverage = (await readFitsImage(sigma.coverage)).image.data;
    assert.equal(coverage[W * 80 + 100] + rejected[W * 80 + 100], n);
  });

  it('addscale brings frames through cloud onto the reference photometrically and noise weights follow their S/N', async () => {
    // Transparency, noise and a background offset per frame; the first is the reference.
    const setup = [
      { t: 1, noise: NOISE, sky: 0 },
      { t: 0.5, noise: NOISE, sky: 40 },
      { t: 0.8, noise: 2 * NOISE, sky: -20 },
      { t: 1, noise: 1.5 * NOISE, sky: 10 },
    ];
    const files: string[] = [];
    for (const [k, f] of setup.entries()) {
      const img = render(
        { ...sc, flux: sc.flux.map((v) => v * f.t) },
        aboutCentre(W, H, 0, 0, 0),
        W,
        H,
        60 + k,
        f.noise,
      );
      for (let i = 0; i < img.data.length; i++) img.data[i] += f.sky;
      const p = join(dir, `cloudy_${k}.fits`);
      await writeFitsImage(p, img, {});
      files.push(p);
    }
    const scaled = await stackFiles({
      files,
      out: join(dir, 'addscale.fits'),
      normalise: 'addscale',
      weight: 'noise',
      reject: 'none',
    });
    // Scales within 2 % of 1/t; weights ∝ (t/σ)² within 10 % (σ measured, scale measured).
    const snr2 = setup.map((f) => (f.t / f.noise) ** 2);
    const meanSnr2 = snr2.reduce((a, b) => a + b, 0) / snr2.length;
    scaled.frames.forEach((frame, k) => {
      assert.ok(Math.abs((frame.scale ?? Number.NaN) * setup[k].t - 1) < 0.02, `frame ${k}: scale ${frame.scale}`);
      const want = snr2[k] / meanSnr2;
      assert.ok(
        Math.abs((frame.weight ?? Number.NaN) / want - 1) < 0.1,
        `frame ${k}: weight ${frame.weight} vs ${want}`,
      );
    });
    // Against the noise-free reference field, the addscale stack leaves no star residuals; matching the
    // backgrounds alone leaves the dimmed stars' flux deficit in the stack.
    const additive = await stackFiles({
      files,
      out: join(dir, 'additive.fits'),
      normalise: 'additive',
      reject: 'none',
    });
    const rmsScaled = rmsAgainst((await readFitsImage(scaled.out)).image.data, truth, 0);
    const rmsAdditive = rmsAgainst((await readFitsImage(additive.out)).image.data, truth, 0);
    const ideal = 1 / Math.sqrt(snr2.reduce((a, b) => a + b, 0));
    assert.ok(rmsScaled < 1.15 * ideal, `addscale stack rms ${rmsScaled} vs ideal ${ideal}`);
    assert.ok(rmsAdditive > 2 * rmsScaled, `additive ${rmsAdditive} vs addscale ${rmsScaled}`);
  });

  it('owb stack --register finishes a batch with a corrupt, a wrong-size and a star-less frame skipped and explained', async () => {
    const files: string[] = [];
    const shifts: Array<[number, number, number]> = [
      [0, 0, 0],
      [3.3, -2.2, 0.2],
      [-4.1, 1.7, -0.3],
      [1.2, 4.4, 0.1],
      [-2.6, -3.9, -0.15],
      [5.05, 0.35, 0.25],
    ];
    for (const [k, [dx, dy, deg]] of shifts.entries()) {
      const p = join(dir, `light_${k}.fits`);
      await writeFitsImage(p, render(sc, aboutCentre(W, H, dx, dy, deg), W, H, 900 + k, NOISE), {
        header: { IMAGETYP: 'Light Frame', EXPTIME: 30 },
      });
      files.push(p);
    }
    const corrupt = join(dir, 'corrupt.fits');
    writeFileSync(corrupt, 'this is not a FITS file at all');
    const small = join(dir, 'small.fits');
    await writeFitsImage(small, render(sc, aboutCentre(W, H, 0, 0, 0), 120, 100, 3, NOISE), {});
    const empty = join(dir, 'empty.fits');
    const rng = createRng(77);
    await writeFitsImage(
      empty,
      { width: W, height: H, data: Float32Array.from({ length: W * H }, () => 100 + NOISE * rng.normal()) },
      {},
    );
    const out = join(dir, 'stack.fits');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/cli/main.ts',
        'stack',
        files[0],
        corrupt,
        files[1],
        small,
        files[2],
        empty,
        ...files.slice(3),
        '--register',
        '--out',
        out,
        '--weight',
        'noise',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /skipped .*corrupt\.fits: .*corrupt\.fits/);
    assert.match(r.stdout, /skipped .*small\.fits: small\.fits: size 120×100 differs from the reference \(200×160\)/);
    assert.match(r.stdout, /skipped .*empty\.fits: empty\.fits: too few stars \(0 found/);
    assert.match(r.stdout, /6 of 9 frames → /);
    const { image, header } = await readFitsImage(out);
    assert.equal(header.getNumber('NCOMBINE'), 6);
    assert.equal(header.getString('STACKMTH'), 'sigma');
    const history = header.cards.filter((c) => c.key === 'HISTORY').map((c) => c.comment ?? '');
    for (let k = 0; k < 6; k++)
      assert.ok(
        history.some((h) => h.includes(`light_${k}.fits`)),
        `light_${k} missing from HISTORY`,
      );
    // Registered and stacked: within the interior the stack matches the noise-free truth better than one
    // frame does (resampling costs a little, so ask for 60 % of the ideal √6 gain).
    const single = rmsAgainst((await readFitsImage(files[0])).image.data, truth, 12);
    const stacked = rmsAgainst(image.data, truth, 12);
    assert.ok(single / stacked > 0.6 * Math.sqrt(6), `gain ${single / stacked}`);
  });
});
