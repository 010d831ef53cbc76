// The viewer's interactive aperture against photutils on the real KPNO M51 frame: the exact-overlap sum,
// the sigma-clipped annulus median (ApertureStats, SigmaClip(3, maxiters=10)) and the net flux agree to
// 1e-6 relative at several stars and radii; bad radii are refused by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { wrapImage } from '../../../../src-workers/core/image/image.js';
import { apertureReadout } from '../../../../src-workers/core/viewer/index.js';

const PYTHON = '/usr/bin/python3';
const M51 = '/work/shared/data/real/kpno_m51_B_600s_iraf_pix.fits.0.astropy.f32';
const photutils = spawnSync(PYTHON, ['-c', 'import photutils.aperture'], { encoding: 'utf8' }).status === 0;
const CASES = [
  { x: 255.3, y: 260.8, r: 4, ri: 10, ro: 16 },
  { x: 100.0, y: 400.5, r: 6.5, ri: 9, ro: 14 },
  { x: 410.7, y: 88.2, r: 3, ri: 3, ro: 8 },
  { x: 2.5, y: 300, r: 5, ri: 8, ro: 12 },
];

describe('interactive aperture vs photutils', () => {
  it(
    'KPNO M51: sum, annulus median and net flux',
    {
      skip: !photutils ? 'photutils not importable by /usr/bin/python3' : existsSync(M51) ? false : `${M51} absent`,
    },
    () => {
      const data = new Float32Array(readFileSync(M51).buffer.slice(0));
      const image = wrapImage(512, 512, data);
      const script = `
import sys, json, numpy as np
from astropy.stats import SigmaClip
from photutils.aperture import CircularAperture, CircularAnnulus, ApertureStats, aperture_photometry
d = json.load(sys.stdin)
z = np.fromfile(d['file'], dtype='<f4').reshape(512, 512).astype(np.float64)
out = []
for c in d['cases']:
    ap = CircularAperture((c['x'], c['y']), r=c['r'])
    an = CircularAnnulus((c['x'], c['y']), r_in=c['ri'], r_out=c['ro'])
    s = float(aperture_photometry(z, ap, method='exact')['aperture_sum'][0])
    st = ApertureStats(z, an, sigma_clip=SigmaClip(sigma=3, maxiters=10))
    area = ap.area_overlap(z, method='exact')
    out.append(dict(sum=s, median=float(st.median), net=s - float(st.median) * float(area)))
print(json.dumps(out))`;
      const r = spawnSync(PYTHON, ['-c', script], {
        input: JSON.stringify({ file: M51, cases: CASES }),
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const want = JSON.parse(r.stdout) as Array<{ sum: number; median: number; net: number }>;
      CASES.forEach((c, i) => {
        const got = apertureReadout(image, c.x, c.y, { radiusPx: c.r, annulusInnerPx: c.ri, annulusOuterPx: c.ro });
        const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));
        assert.ok(rel(got.rawSum, want[i].sum) < 1e-6, `case ${i}: sum ${got.rawSum} vs ${want[i].sum}`);
        assert.ok(rel(got.skyAdu, want[i].median) < 1e-6, `case ${i}: sky ${got.skyAdu} vs ${want[i].median}`);
        assert.ok(rel(got.netFlux, want[i].net) < 1e-6, `case ${i}: net ${got.netFlux} vs ${want[i].net}`);
      });
    },
  );

  it('refuses bad radii by name', () => {
    const image = wrapImage(4, 4, new Float32Array(16));
    assert.throws(
      () => apertureReadout(image, 1, 1, { radiusPx: 0, annulusInnerPx: 2, annulusOuterPx: 3 }),
      /'radiusPx' must be a positive finite number, got 0/,
    );
    assert.throws(
      () => apertureReadout(image, 1, 1, { radiusPx: 1, annulusInnerPx: 3, annulusOuterPx: 3 }),
      /'annulusOuterPx' \(3\) must exceed 'annulusInnerPx' \(3\)/,
    );
  });

  it('on a flat sky gives the point source exactly, with a Poisson-only error', () => {
    const w = 64;
    const data = new Float32Array(w * w).fill(100);
    data[32 * w + 32] += 1000;
    const image = wrapImage(w, w, data);
    const got = apertureReadout(image, 32, 32, { radiusPx: 3, annulusInnerPx: 8, annulusOuterPx: 14, gainEPerAdu: 2 });
    assert.equal(got.skyAdu, 100);
    assert.ok(Math.abs(got.netFlux - 1000) < 1e-6, `net ${got.netFlux}`);
    assert.ok(Math.abs(got.netFluxErr - Math.sqrt(500)) < 1e-6, `err ${got.netFluxErr}`);
    assert.ok(Math.abs(got.magInst - (25 - 7.5)) < 1e-9);
  });
});
