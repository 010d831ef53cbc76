// DS9 region export checked with astropy-regions (Debian python3-regions): sky ellipses (icrs, fk5) read back and
// projected through astropy's WCS land on the pixel ellipses within 1e-3 px, 1e-4 relative size and 0.01°,
// image ellipses keep their position angle, and ICRS→FK5 matches astropy's SkyCoord within 0.1 mas.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ds9Regions, icrsToFk5, type RegionSource } from '../../../../src-workers/core/regions/index.js';
import { TanWcs } from '../../../../src-workers/core/wcs/index.js';

const PY = '/usr/bin/python3';
const hasRegions = existsSync(PY) && spawnSync(PY, ['-c', 'import regions, astropy'], { stdio: 'ignore' }).status === 0;
const skip = hasRegions ? false : 'needs /usr/bin/python3 with python3-regions';
const dir = mkdtempSync(join(tmpdir(), 'owb-regions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// 0.5"/px, rotated 30° and flipped (east to +x), near the pole-ward side so that north turns across the field.
const c = Math.cos((30 * Math.PI) / 180);
const s = Math.sin((30 * Math.PI) / 180);
const k = 0.5 / 3600;
const wcs = new TanWcs({
  crpix: [512, 512],
  crval: [150.25, 62.5],
  cd: [
    [k * c, -k * s],
    [k * s, k * c],
  ],
});
const sources: RegionSource[] = [];
for (let i = 0; i < 40; i++)
  sources.push({
    id: i + 1,
    x: (i * 97) % 1000,
    y: (i * 53) % 1000,
    a: 1 + (i % 5),
    b: 0.5 + (i % 3) * 0.2,
    theta: -80 + i * 4,
  });

/** astropy-regions' pixel view of a region file: centre (0-based), full width/height and angle per region. */
function regionsToPixel(path: string): Array<[number, number, number, number, number]> {
  const script = `
import json, sys
from astropy.wcs import WCS
from regions import Regions, PixelRegion
w = WCS(json.loads(sys.argv[2]))
out = []
for r in Regions.read(sys.argv[1], format='ds9'):
    p = r if isinstance(r, PixelRegion) else r.to_pixel(w)
    out.append([float(p.center.x), float(p.center.y), float(p.width), float(p.height), float(p.angle.to('deg').value)])
print(json.dumps(out))`;
  return JSON.parse(execFileSync(PY, ['-c', script, path, JSON.stringify(wcs.toHeader())]).toString());
}

const angleDiff = (p: number, q: number) => Math.abs(((((p - q) % 180) + 270) % 180) - 90);

describe('DS9 region export', () => {
  for (const system of ['icrs', 'fk5', 'image'] as const) {
    it(`${system} ellipses land on the pixel ellipses in astropy-regions`, { skip }, () => {
      const path = join(dir, `${system}.reg`);
      writeFileSync(path, ds9Regions(sources, { system, pixelToSky: (x, y) => wcs.pixelToSky(x, y) }));
      const got = regionsToPixel(path);
      assert.equal(got.length, sources.length);
      got.forEach(([x, y, w, h, angle], i) => {
        const src = sources[i];
        // fk5 differs from ICRS by tens of mas, i.e. up to ~0.1 px here: astropy's WCS is ICRS.
        const tol = system === 'fk5' ? 0.2 : 1e-3;
        assert.ok(Math.abs(x - src.x) < tol && Math.abs(y - src.y) < tol, `centre of ${src.id}: ${x},${y}`);
        assert.ok(Math.abs(w / 2 - 3 * (src.a as number)) < 1e-4 * w, `width of ${src.id}: ${w}`);
        assert.ok(Math.abs(h / 2 - 3 * (src.b as number)) < 1e-4 * h, `height of ${src.id}: ${h}`);
        assert.ok(angleDiff(angle, src.theta as number) < 0.01, `angle of ${src.id}: ${angle} vs ${src.theta}`);
      });
    });
  }

  it('ICRS → FK5 J2000 matches astropy SkyCoord within 0.1 mas', { skip }, () => {
    const pts = [
      [0, 0],
      [150.25, 62.5],
      [359.9, -89.2],
      [83.6, 22.0],
      [266.4, -29.0],
    ];
    const want = JSON.parse(
      execFileSync(PY, [
        '-c',
        `import json, sys
from astropy.coordinates import SkyCoord
import astropy.units as u
p = json.loads(sys.argv[1])
c = SkyCoord([a for a, _ in p] * u.deg, [d for _, d in p] * u.deg, frame='icrs').transform_to('fk5')
print(json.dumps([[float(a), float(d)] for a, d in zip(c.ra.deg, c.dec.deg)]))`,
        JSON.stringify(pts),
      ]).toString(),
    ) as number[][];
    pts.forEach(([ra, dec], i) => {
      const [r, d] = icrsToFk5(ra, dec);
      let dr = r - want[i][0];
      if (dr > 180) dr -= 360;
      if (dr < -180) dr += 360;
      const sep = Math.hypot(dr * Math.cos((d * Math.PI) / 180), d - want[i][1]) * 3.6e6;
      assert.ok(sep < 0.1, `(${ra}, ${dec}): ${sep} mas`);
    });
  });

  it('refuses sky coordinates without a WCS', () => {
    assert.throws(() => ds9Regions(sources, { system: 'icrs' }), /need a frame with a WCS/);
  });
});
