import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  annulusBackground,
  circleRectOverlap,
  circularApertureSum,
  forcedPhotometry,
} from '../../../../src-workers/core/photometry/index.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';

const PYTHON = '/usr/bin/python3';

test('exact overlap weights of a circle over a pixel grid sum to πr² (1e-9 relative)', () => {
  for (const [cx, cy, r] of [
    [0.3, -0.2, 2.7],
    [0, 0, 0.4],
    [0.5, 0.5, 5],
    [-0.13, 0.41, 11.3],
  ]) {
    let area = 0;
    const R = Math.ceil(r) + 2;
    for (let y = -R; y <= R; y++)
      for (let x = -R; x <= R; x++)
        area += circleRectOverlap(x - 0.5 - cx, y - 0.5 - cy, x + 0.5 - cx, y + 0.5 - cy, r);
    assert.ok(Math.abs(area / (Math.PI * r * r) - 1) < 1e-9, `r=${r}: ${area}`);
  }
});

test('aperture sums and annulus medians match photutils (exact method) within 1e-6, far inside 0.1 %', () => {
  const width = 64;
  const height = 48;
  const rng = createRng(99);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 100 + 10 * rng.normal() + (i % 97 === 0 ? 500 : 0);
  const positions: [number, number][] = [];
  for (let k = 0; k < 25; k++) positions.push([rng.uniform(10, 54), rng.uniform(10, 38)]);
  positions.push([1.2, 3.7]); // partly off the frame
  const radii = [0.7, 2.5, 4.0];
  const dir = mkdtempSync(join(tmpdir(), 'owb-aper-'));
  try {
    const raw = join(dir, 'img.f32');
    writeFileSync(raw, Buffer.from(data.buffer));
    const script = `
import json, sys, numpy as np
from photutils.aperture import CircularAperture, CircularAnnulus, aperture_photometry, ApertureStats
from astropy.stats import SigmaClip
d = np.fromfile(sys.argv[1], dtype='<f4').reshape(${height}, ${width}).astype(float)
pos = json.loads(sys.argv[2]); radii = json.loads(sys.argv[3])
out = {'sums': [], 'annulus': []}
for r in radii:
    t = aperture_photometry(d, CircularAperture(pos, r=r), method='exact')
    out['sums'].append([float(v) for v in t['aperture_sum']])
st = ApertureStats(d, CircularAnnulus(pos, r_in=5, r_out=9), sigma_clip=SigmaClip(sigma=3, maxiters=10))
out['annulus'] = [float(v) for v in st.median]
print(json.dumps(out))
`;
    const py = spawnSync(PYTHON, ['-c', script, raw, JSON.stringify(positions), JSON.stringify(radii)], {
      encoding: 'utf8',
    });
    assert.equal(py.status, 0, py.stderr);
    const ref = JSON.parse(py.stdout) as { sums: number[][]; annulus: number[] };
    const image = { width, height, data };
    radii.forEach((r, k) => {
      positions.forEach(([x, y], i) => {
        const ours = circularApertureSum(image, x, y, r).sum;
        const theirs = ref.sums[k][i];
        assert.ok(
          Math.abs(ours - theirs) <= 1e-6 * Math.abs(theirs) + 1e-9,
          `r=${r} (${x},${y}): ${ours} vs ${theirs}`,
        );
      });
    });
    positions.forEach(([x, y], i) => {
      const ours = annulusBackground(image, x, y, 5, 9).median;
      assert.ok(
        Math.abs(ours - ref.annulus[i]) <= 1e-6 * Math.abs(ref.annulus[i]),
        `annulus (${x},${y}): ${ours} vs ${ref.annulus[i]}`,
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forced photometry recovers a known flat-topped flux and flags apertures off the frame', () => {
  const width = 40;
  const height = 40;
  const data = new Float32Array(width * height).fill(50);
  // A uniform 5×5 block of +100 inside a r = 6 aperture: flux = 2500 exactly.
  for (let y = 18; y <= 22; y++) for (let x = 18; x <= 22; x++) data[y * width + x] += 100;
  const res = forcedPhotometry({ width, height, data }, [20, 0.5], [20, 20], {
    radiusPx: 6,
    annulusPx: [10, 14],
    gainEPerAdu: 2,
  });
  assert.ok(Math.abs(res.flux[0] - 2500) < 1e-6, `flux ${res.flux[0]}`);
  assert.equal(res.background[0], 50);
  // σ² = F/g with a noiseless background: √(2500/2) = 35.36.
  assert.ok(Math.abs(res.fluxErr[0] - Math.sqrt(1250)) < 1e-6, `err ${res.fluxErr[0]}`);
  assert.ok(res.flags[1] !== 0, 'off-frame aperture flagged');
});
