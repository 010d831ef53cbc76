import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { laCosmic } from '../../../../src-workers/core/cosmic/index.js';
import type { Image } from '../../../../src-workers/core/image/index.js';
import { createRng } from '../../../../src-workers/core/random/index.js';

/** Sky + Gaussian stars (FWHM 3 px) + Poisson-like noise, with cosmic-ray hits and tracks whose pixels are returned. */
function field(
  seed: number,
  w = 160,
  h = 120,
): { image: Image; crPixels: Set<number>; starCentres: Array<[number, number]> } {
  const rng = createRng(seed);
  const data = new Float32Array(w * h);
  const sky = 200;
  const sigma = 3 / 2.3548;
  const starCentres: Array<[number, number]> = [];
  for (let k = 0; k < 25; k++) {
    const cx = 8 + rng.next() * (w - 16);
    const cy = 8 + rng.next() * (h - 16);
    const flux = 2000 + 40000 * rng.next();
    starCentres.push([cx, cy]);
    for (let y = Math.max(0, Math.floor(cy - 8)); y < Math.min(h, cy + 8); y++) {
      for (let x = Math.max(0, Math.floor(cx - 8)); x < Math.min(w, cx + 8); x++) {
        data[y * w + x] +=
          (flux / (2 * Math.PI * sigma * sigma)) * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      }
    }
  }
  for (let i = 0; i < data.length; i++) data[i] += sky + Math.sqrt(sky + data[i] + 25) * rng.normal();
  const crPixels = new Set<number>();
  for (let k = 0; k < 30; k++) {
    let x = 6 + rng.int(w - 12);
    let y = 6 + rng.int(h - 12);
    const len = 1 + rng.int(4);
    const dx = rng.int(3) - 1;
    const dy = rng.int(2);
    for (let j = 0; j < len; j++) {
      const i = y * w + x;
      data[i] += 500 + 3000 * rng.next();
      crPixels.add(i);
      x += dx;
      y += dy || (dx === 0 ? 1 : 0);
    }
  }
  return { image: { width: w, height: h, data }, crPixels, starCentres };
}

describe('laCosmic', () => {
  it('finds ≥ 95 % of injected cosmic-ray pixels and flags no star core', () => {
    const { image, crPixels, starCentres } = field(7);
    const r = laCosmic(image, { gainEPerAdu: 1, readNoiseE: 5 });
    let hit = 0;
    for (const i of crPixels) hit += r.mask[i];
    assert.ok(hit / crPixels.size >= 0.95, `recall ${hit}/${crPixels.size}`);
    for (const [cx, cy] of starCentres) {
      const i = Math.round(cy) * image.width + Math.round(cx);
      if (!crPixels.has(i)) assert.equal(r.mask[i], 0, `star core at (${cx.toFixed(1)}, ${cy.toFixed(1)}) flagged`);
    }
    // Cleaned CR pixels come back to the sky level: mean |error| within 2σ of the 15-ADU sky noise
    // (a few lie on star wings, hence mean rather than maximum).
    let sum = 0;
    let m = 0;
    for (const i of crPixels) {
      if (!r.mask[i]) continue;
      sum += Math.abs(r.clean.data[i] - 200);
      m++;
    }
    assert.ok(sum / m < 30, `cleaned values off by ${sum / m} ADU on average`);
    assert.equal(
      r.count,
      r.mask.reduce((s, v) => s + v, 0),
    );
  });

  it('does not modify its input and returns the same mask on every run', () => {
    const { image } = field(8, 64, 64);
    const copy = Float32Array.from(image.data);
    const a = laCosmic(image);
    const b = laCosmic(image);
    assert.deepEqual(image.data, copy);
    assert.deepEqual(a.mask, b.mask);
  });

  it('rejects invalid parameters by name', () => {
    const { image } = field(9, 32, 32);
    assert.throws(() => laCosmic(image, { sigclip: -1 }), /'sigclip' must be a positive finite number/);
  });

  const python = '/usr/bin/python3';
  const haveScrappy =
    existsSync(python) && spawnSync(python, ['-c', 'import astroscrappy'], { encoding: 'utf8' }).status === 0;
  it(
    'agrees with astroscrappy 1.x (sepmed, meanmask) to within 1 % of its cosmic-ray pixels',
    { skip: !haveScrappy && 'astroscrappy not installed' },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'owb-lacos-'));
      try {
        const { image } = field(21, 200, 150);
        writeFileSync(join(dir, 'in.f32'), Buffer.from(image.data.buffer));
        const script = `
import numpy as np, astroscrappy, sys
d = np.fromfile(sys.argv[1], dtype=np.float32).reshape(150, 200)
m, c = astroscrappy.detect_cosmics(d, gain=1.3, readnoise=5.0, sigclip=4.5, sigfrac=0.3, objlim=5.0, niter=4)
m.astype(np.uint8).tofile(sys.argv[2]); c.astype(np.float32).tofile(sys.argv[3])
`;
        const run = spawnSync(python, ['-c', script, join(dir, 'in.f32'), join(dir, 'm.u8'), join(dir, 'c.f32')], {
          encoding: 'utf8',
        });
        assert.equal(run.status, 0, run.stderr);
        const theirs = new Uint8Array(readFileSync(join(dir, 'm.u8')));
        const theirClean = new Float32Array(new Uint8Array(readFileSync(join(dir, 'c.f32'))).buffer);
        const ours = laCosmic(image, { gainEPerAdu: 1.3, readNoiseE: 5 });
        let total = 0;
        let differ = 0;
        for (let i = 0; i < theirs.length; i++) {
          total += theirs[i];
          if (theirs[i] !== ours.mask[i]) differ++;
        }
        assert.ok(total > 30, `astroscrappy found only ${total} pixels`);
        assert.ok(differ <= 0.01 * total, `${differ} of ${total} pixels differ`);
        let maxDiff = 0;
        for (let i = 0; i < theirs.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs(theirClean[i] - ours.clean.data[i]));
        assert.ok(maxDiff < 1e-2, `cleaned images differ by up to ${maxDiff} ADU`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
