// Every projection against astropy.wcs (WCSLIB 7) on astropy's own 28 projection test headers
// (wcs/tests/data/maps/1904-66_*.hdr, 192 × 192 pixels, the south celestial pole in view): pixel → world on a
// 25 × 25 grid that runs past the image edges, and world → pixel of astropy's world coordinates.
// Tolerances: 1e-8 deg (~0.04 mas) on the sky, 1e-6 px back (CSC: 1e-5 deg, 1e-4 px, as WCSLIB computes it in float); astropy's NaN (outside the projection) must be ours too.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { ASTROPY_WCS_DATA, astropyMissing, headerFromFile, python, sepDeg } from './wcs-oracle.js';

const skip = astropyMissing();
const maps = skip
  ? []
  : readdirSync(`${ASTROPY_WCS_DATA}/maps`)
      .filter((f) => /^1904-66_\w+\.hdr$/.test(f))
      .sort();

const xs: number[] = [];
const ys: number[] = [];
for (let i = 0; i < 25; i++)
  for (let j = 0; j < 25; j++) {
    xs.push(-20 + i * 9.6);
    ys.push(-20 + j * 9.6 + 0.3);
  }

interface Oracle {
  [file: string]: { lon: (number | null)[]; lat: (number | null)[]; x: (number | null)[]; y: (number | null)[] };
}

const oracle: Oracle = skip
  ? {}
  : python<Oracle>(
      `import json, sys, warnings, numpy as np
from astropy.wcs import WCS
from astropy.io import fits
warnings.simplefilter('ignore')
inp = json.load(sys.stdin)
out = {}
nan = lambda a: [None if not np.isfinite(v) else float(v) for v in a]
for f in inp['files']:
    h = fits.Header.fromstring(open(inp['dir'] + '/' + f, 'rb').read().decode('latin1'))
    w = WCS(h)
    lon, lat = w.wcs_pix2world(np.array(inp['xs']), np.array(inp['ys']), 0)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x = np.full(lon.shape, np.nan); y = np.full(lon.shape, np.nan)
    x[ok], y[ok] = w.wcs_world2pix(lon[ok], lat[ok], 0)
    out[f] = {'lon': nan(lon), 'lat': nan(lat), 'x': nan(x), 'y': nan(y)}
print(json.dumps(out))`,
      { files: maps, dir: `${ASTROPY_WCS_DATA}/maps`, xs, ys },
    );

describe('projections vs astropy.wcs on the 1904-66 maps', { skip }, () => {
  it('finds the 28 headers', () => assert.equal(maps.length, 28));
  for (const file of maps) {
    it(file, () => {
      const parsed = parseCelestialWcs(headerFromFile(`${ASTROPY_WCS_DATA}/maps/${file}`));
      assert.ok('wcs' in parsed, `${file}: ${'reason' in parsed ? parsed.reason : ''}`);
      const wcs = parsed.wcs;
      const o = oracle[file];
      let worstSky = 0;
      let worstPix = 0;
      let valid = 0;
      for (let i = 0; i < xs.length; i++) {
        const [lon, lat] = wcs.pixelToWorld(xs[i], ys[i]);
        const aLon = o.lon[i];
        const aLat = o.lat[i];
        if (aLon === null || aLat === null) {
          assert.ok(Number.isNaN(lon), `${file} (${xs[i]}, ${ys[i]}): astropy has no world, we give ${lon}, ${lat}`);
          continue;
        }
        assert.ok(Number.isFinite(lon), `${file} (${xs[i]}, ${ys[i]}): astropy gives ${aLon}, ${aLat}, we give NaN`);
        valid++;
        worstSky = Math.max(worstSky, sepDeg(lon, lat, aLon, aLat));
        const [x, y] = wcs.worldToPixel(aLon, aLat);
        const ax = o.x[i] as number;
        const ay = o.y[i] as number;
        worstPix = Math.max(worstPix, Math.hypot(x - ax, y - ay));
      }
      assert.ok(valid > 100, `${file}: only ${valid} valid points`);
      // WCSLIB's CSC works in single precision (float), ~3e-6 deg at 45° per face; everything else in double.
      const skyTol = file.includes('_CSC') ? 1e-5 : 1e-8;
      const pixTol = file.includes('_CSC') ? 1e-4 : 1e-6;
      assert.ok(worstSky < skyTol, `${file}: pixel → world off by ${worstSky} deg`);
      assert.ok(worstPix < pixTol, `${file}: world → pixel off by ${worstPix} px`);
    });
  }
});
