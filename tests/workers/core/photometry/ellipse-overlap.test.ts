import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  circleRectOverlap,
  ellipsePixelOverlap,
  ellipticalApertureSum,
} from '../../../../src-workers/core/photometry/index.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';

const PYTHON = '/usr/bin/python3';

test('exact ellipse overlaps over a pixel grid sum to πab (1e-9 relative)', () => {
  for (const [cx, cy, a, b, thetaDeg] of [
    [0.3, -0.2, 4.1, 1.7, 30],
    [0, 0, 0.6, 0.3, 0],
    [0.5, 0.5, 9, 2, 135],
    [-0.13, 0.41, 3, 3, 77],
  ]) {
    let area = 0;
    const R = Math.ceil(a) + 2;
    for (let y = -R; y <= R; y++)
      for (let x = -R; x <= R; x++) area += ellipsePixelOverlap(x - cx, y - cy, a, b, (thetaDeg * Math.PI) / 180);
    assert.ok(Math.abs(area / (Math.PI * a * b) - 1) < 1e-9, `a=${a} b=${b}: ${area}`);
  }
});

test('a circular ellipse has the same per-pixel overlap as the independent circle–rectangle formula', () => {
  const rng = createRng(3);
  for (let k = 0; k < 500; k++) {
    const dx = rng.uniform(-4, 4);
    const dy = rng.uniform(-4, 4);
    const r = rng.uniform(0.3, 4);
    const ellipse = ellipsePixelOverlap(dx, dy, r, r, rng.uniform(0, Math.PI));
    const circle = circleRectOverlap(dx - 0.5, dy - 0.5, dx + 0.5, dy + 0.5, r);
    assert.ok(Math.abs(ellipse - circle) < 1e-12, `(${dx}, ${dy}) r=${r}: ${ellipse} vs ${circle}`);
  }
});

test('elliptical aperture sums match photutils EllipticalAperture (exact) within 1e-9 relative', () => {
  const width = 48;
  const height = 40;
  const rng = createRng(17);
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 50 + 8 * rng.normal() + (i % 53 === 0 ? 300 : 0);
  const apertures: Array<[number, number, number, number, number]> = [];
  for (let k = 0; k < 30; k++) {
    const a = rng.uniform(0.8, 7);
    apertures.push([rng.uniform(8, 40), rng.uniform(8, 32), a, a * rng.uniform(0.2, 1), rng.uniform(0, 180)]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'owb-ellipse-'));
  try {
    const raw = join(dir, 'img.f32');
    writeFileSync(raw, Buffer.from(data.buffer));
    const script = `
import json, sys, numpy as np
from photutils.aperture import EllipticalAperture, aperture_photometry
d = np.fromfile(sys.argv[1], dtype='<f4').reshape(${height}, ${width}).astype(float)
out = []
for x, y, a, b, t in json.loads(sys.argv[2]):
    ap = EllipticalAperture((x, y), a=a, b=b, theta=np.deg2rad(t))
    out.append(float(aperture_photometry(d, ap, method='exact')['aperture_sum'][0]))
print(json.dumps(out))
`;
    const py = spawnSync(PYTHON, ['-c', script, raw, JSON.stringify(apertures)], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const theirs = JSON.parse(py.stdout) as number[];
    const image = { width, height, data };
    apertures.forEach(([x, y, a, b, t], i) => {
      const ours = ellipticalApertureSum(image, x, y, a, b, t).sum;
      assert.ok(
        Math.abs(ours - theirs[i]) <= 1e-9 * Math.abs(theirs[i]) + 1e-9,
        `aperture ${i}: ${ours} vs ${theirs[i]}`,
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
