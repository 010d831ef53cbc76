// owb wcs on the real frames (DSS M67 plate solution in FK5, GLIMPSE GLON-CAR) against astropy.wcs
// (WCSLIB) + astropy.coordinates as the oracle: summary centre and footprint corners and --pix within 10 mas
// (distortions and frame changes, the issue's bar), --sky within 1e-3 px of astropy's all_world2pix, pixel
// scale within 0.1 %, the centre in the header's own frame (centreNative) within 10 mas; rotation and parity against the orientation astropy's own positions give. Bad headers
// exit 2 with one owb: line naming the file, the HDU and the keyword.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeFits, imageHdu } from '../../../src-workers/core/fits/index.js';
import { astropyMissing, python } from '../../workers/core/wcs/wcs-oracle.js';

const repo = resolve(import.meta.dirname, '../../..');
const REAL = [resolve(repo, '../shared/data/real'), resolve(repo, '../../shared/data/real')].find(existsSync) ?? '';
const skip = astropyMissing() ?? (REAL ? undefined : '../shared/data/real is absent');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-wcs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const owb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'wcs', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });

const PY = `import json, sys, warnings
import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs.utils import wcs_to_celestial_frame
from astropy.coordinates import SkyCoord
import astropy.units as u
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
h = fits.getheader(d['path'])
w = WCS(h)
frame = wcs_to_celestial_frame(w)
def sky(x, y):
    lon, lat = w.all_pix2world(np.array(x, float), np.array(y, float), 0)
    c = SkyCoord(lon * u.deg, lat * u.deg, frame=frame).icrs
    return c.ra.deg.tolist(), c.dec.deg.tolist()
ra, dec = sky(d['x'], d['y'])
c = SkyCoord(np.array(d['ra']) * u.deg, np.array(d['dec']) * u.deg, frame='icrs').transform_to(frame)
sph = c.represent_as('unitspherical')
px, py = w.all_world2pix(sph.lon.deg, sph.lat.deg, 0, tolerance=1e-10, maxiter=200)
n1, n2 = h['NAXIS1'], h['NAXIS2']
cx, cy = (n1 - 1) / 2, (n2 - 1) / 2
ex = [cx - 0.5, cx + 0.5, cx, cx]
ey = [cy, cy, cy - 0.5, cy + 0.5]
era, edec = sky(ex, ey)
cosd = np.cos(np.radians(edec[0]))
east = lambda a, b: ((era[b] - era[a] + 540) % 360 - 180) * cosd
eX, nX = east(0, 1), edec[1] - edec[0]
eY, nY = east(2, 3), edec[3] - edec[2]
nlon, nlat = w.all_pix2world(cx, cy, 0)
print(json.dumps({'native': [float(nlon), float(nlat)], 'ra': ra, 'dec': dec, 'px': px.tolist(), 'py': py.tolist(),
  'rotation': float(np.degrees(np.arctan2(eY, nY)) % 360), 'parity': 'normal' if eX * nY - eY * nX < 0 else 'flipped',
  'scale': float(np.sqrt(abs(eX * nY - eY * nX)) * 3600), 'n': [n1, n2]}))`;

const mas = (ra1: number, dec1: number, ra2: number, dec2: number): number => {
  const d = Math.PI / 180;
  const dra = ((((ra1 - ra2 + 540) % 360) + 360) % 360) - 180;
  return Math.hypot(dra * Math.cos(dec2 * d), dec1 - dec2) * 3.6e6;
};

interface Summary {
  file: string;
  hdu: number;
  projection: string;
  frame: { system: string };
  distortion: string;
  centre: { x: number; y: number; ra: number; dec: number };
  centreNative?: { lon: number; lat: number };
  corners: Array<{ x: number; y: number; ra: number; dec: number }>;
  pixelScaleArcsec: number;
  rotationDeg: number;
  parity: string;
}

for (const [name, projection, system, distortion] of [
  ['dss_poss1_m67_M6707HH.fits', 'TAN', 'FK5', 'DSS'],
  ['spitzer_irac_glimpse_example.fits', 'CAR', 'GALACTIC', 'none'],
] as const) {
  describe(`owb wcs ${name} vs astropy.wcs`, { skip }, () => {
    const path = join(REAL, name);
    const summary = JSON.parse(owb(path, '--json').stdout || '{}') as Summary;
    const n = [summary.corners[2]?.x + 0.5, summary.corners[2]?.y + 0.5];
    const xs = [0, n[0] - 1, 17.25, n[0] / 3, -0.5, ...summary.corners.map((c) => c.x), summary.centre.x];
    const ys = [0, n[1] - 1, 400.75, n[1] / 2, -0.5, ...summary.corners.map((c) => c.y), summary.centre.y];
    const skyIn = xs.map((x, i) => [
      summary.centre.ra + ((i % 3) - 1) * 0.02,
      summary.centre.dec + ((i % 4) - 1.5) * 0.01,
    ]);
    const oracle = skip
      ? undefined
      : python<{
          ra: number[];
          dec: number[];
          px: number[];
          py: number[];
          rotation: number;
          parity: string;
          scale: number;
          n: [number, number];
          native: [number, number];
        }>(PY, { path, x: xs, y: ys, ra: skyIn.map((p) => p[0]), dec: skyIn.map((p) => p[1]) });

    it('--json: projection, frame, distortion, centre and corners within 10 mas, scale, rotation, parity', () => {
      assert.equal(summary.projection, projection);
      assert.equal(summary.frame.system, system);
      assert.equal(summary.distortion, distortion);
      assert.deepEqual(n, oracle!.n);
      const k = xs.length - 5;
      [...summary.corners, summary.centre].forEach((c, i) => {
        const e = mas(c.ra, c.dec, oracle!.ra[k + i], oracle!.dec[k + i]);
        assert.ok(e < 10, `${i < 4 ? `corner ${i + 1}` : 'centre'}: ${e.toFixed(3)} mas from astropy`);
      });
      assert.ok(Math.abs(summary.pixelScaleArcsec / oracle!.scale - 1) < 1e-3, `scale ${summary.pixelScaleArcsec}`);
      assert.ok(Math.abs(summary.rotationDeg - oracle!.rotation) < 0.01, `rotation ${summary.rotationDeg}`);
      assert.equal(summary.parity, oracle!.parity);
      // Not ICRS: the centre in the header's own frame too (galactic l, b; FK5 J2000), as astropy's all_pix2world.
      assert.ok(summary.centreNative, 'no centreNative');
      const e = mas(summary.centreNative.lon, summary.centreNative.lat, oracle!.native[0], oracle!.native[1]);
      assert.ok(e < 10, `native centre ${e.toFixed(3)} mas from astropy`);
    });

    it('--pix-file: pixel → ICRS within 10 mas; --sky: ICRS → pixel within 1e-3 px of all_world2pix', () => {
      const pixCsv = join(root, `${name}.pix.csv`);
      writeFileSync(pixCsv, `x,y\n${xs.map((x, i) => `${x},${ys[i]}`).join('\n')}\n`);
      const out = join(root, `${name}.sky.csv`);
      const r = owb(path, '--pix-file', pixCsv, '--out', out);
      assert.equal(r.status, 0, r.stderr);
      const rows = readFileSync(out, 'utf8').trim().split('\n');
      assert.equal(rows[0], 'x,y,ra,dec');
      rows.slice(1).forEach((line, i) => {
        const [x, y, ra, dec] = line.split(',').map(Number);
        assert.deepEqual([x, y], [xs[i], ys[i]]);
        const e = mas(ra, dec, oracle!.ra[i], oracle!.dec[i]);
        assert.ok(e < 10, `(${x}, ${y}): ${e.toFixed(3)} mas from astropy`);
      });
      const json = owb(path, ...skyIn.map((p) => `--sky=${p[0]},${p[1]}`), '--out', join(root, 'pix.json'));
      assert.equal(json.status, 0, json.stderr);
      const pix = JSON.parse(readFileSync(join(root, 'pix.json'), 'utf8')) as Array<{ x: number; y: number }>;
      pix.forEach((p, i) => {
        const e = Math.hypot(p.x - oracle!.px[i], p.y - oracle!.py[i]);
        assert.ok(e < 1e-3, `sky point ${i}: ${e.toExponential(2)} px from astropy`);
      });
    });
  });
}

describe('owb wcs: bad input', () => {
  const base = {
    CTYPE1: 'RA---TAN',
    CTYPE2: 'DEC--TAN',
    CRVAL1: 10,
    CRVAL2: 20,
    CRPIX1: 5,
    CRPIX2: 5,
    CD1_1: -0.001,
    CD1_2: 0,
    CD2_1: 0,
    CD2_2: 0.001,
  };
  const cases: [string, Record<string, string | number>, RegExp][] = [
    [
      'unknown',
      { CTYPE1: 'RA---XYZ', CTYPE2: 'DEC--XYZ' },
      /unknown\.fits: HDU 0: CTYPE1 'RA---XYZ': projection 'XYZ' is unknown/,
    ],
    ['speed', { CUNIT1: 'm/s' }, /speed\.fits: HDU 0: CUNIT1 'M\/S': not an angle unit/],
    ['singular', { CD1_2: 0.001, CD2_1: 0.001, CD1_1: 0.001, CD2_2: 0.001 }, /singular\.fits: HDU 0: .*singular/],
    [
      'mixed',
      { CTYPE2: 'GLAT-TAN' },
      /mixed\.fits: HDU 0: CTYPE1\/CTYPE2 'RA---TAN'\/'GLAT-TAN': axis types do not match/,
    ],
    ['none', { CTYPE1: '', CTYPE2: '' }, /none\.fits: HDU 0: no CTYPE1\/CTYPE2/],
  ];
  for (const [name, extra, message] of cases)
    it(`${name}: exit 2, one owb: line`, () => {
      const path = join(root, `${name}.fits`);
      const header = Object.fromEntries(Object.entries({ ...base, ...extra }).filter(([, v]) => v !== ''));
      writeFileSync(path, encodeFits([imageHdu({ width: 10, height: 10, data: new Float32Array(100) }, { header })]));
      const r = owb(path, '--json');
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^owb: .+\n$/);
      assert.match(r.stderr, message);
    });

  it('bad options: exit 2', () => {
    const path = join(root, 'ok.fits');
    writeFileSync(
      path,
      encodeFits([imageHdu({ width: 10, height: 10, data: new Float32Array(100) }, { header: base })]),
    );
    for (const args of [
      ['--pix', '1'],
      ['--hdu', '3'],
      ['--pix', '1,2', '--sky', '3,4'],
      ['--pix-file', join(root, 'missing.csv')],
    ]) {
      const r = owb(path, ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^owb: .+\n$/);
    }
  });
});
