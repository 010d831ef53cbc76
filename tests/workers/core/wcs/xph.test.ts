// XPH (HEALPix polar "butterfly", Calabretta & Lowe 2013) against astropy.wcs (WCSLIB 7.12, which has XPH):
// pixel → world on a grid that covers the whole butterfly and runs past it (astropy's NaN outside the
// projection must be ours too), and world → pixel of astropy's world coordinates. Two headers: the north pole
// at the reference pixel (CRVAL 0, 90) and an oblique one (CRVAL 120, 30, LONPOLE 150, galactic).
// Tolerances: 1e-8 deg on the sky (1 mas is the goal), 1e-6 px back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FitsHeader } from '../../../../src-workers/core/fits/index.js';
import { makeProjection, parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { astropyMissing, python, sepDeg } from './wcs-oracle.js';

const skip = astropyMissing();

const headers: Record<string, Record<string, string | number>> = {
  north: {
    NAXIS: 2,
    NAXIS1: 360,
    NAXIS2: 360,
    CTYPE1: 'RA---XPH',
    CTYPE2: 'DEC--XPH',
    CRVAL1: 0,
    CRVAL2: 90,
    CRPIX1: 180.5,
    CRPIX2: 180.5,
    CDELT1: -1,
    CDELT2: 1,
  },
  oblique: {
    NAXIS: 2,
    NAXIS1: 300,
    NAXIS2: 300,
    CTYPE1: 'GLON-XPH',
    CTYPE2: 'GLAT-XPH',
    CRVAL1: 120,
    CRVAL2: 30,
    LONPOLE: 150,
    CRPIX1: 140.25,
    CRPIX2: 160.5,
    PC1_1: 0.9,
    PC1_2: 0.3,
    PC2_1: -0.25,
    PC2_2: 0.95,
    CDELT1: -1.2,
    CDELT2: 1.2,
  },
};

const xs: number[] = [];
const ys: number[] = [];
for (let i = 0; i < 41; i++)
  for (let j = 0; j < 41; j++) {
    xs.push(-30 + i * 10.1);
    ys.push(-30 + j * 10.1 + 0.37);
  }

type Out = Record<
  string,
  { lon: (number | null)[]; lat: (number | null)[]; x: (number | null)[]; y: (number | null)[] }
>;

const oracle: Out = skip
  ? {}
  : python<Out>(
      `import json, sys, warnings, numpy as np
from astropy.wcs import WCS
from astropy.io import fits
warnings.simplefilter('ignore')
inp = json.load(sys.stdin)
nan = lambda a: [None if not np.isfinite(v) else float(v) for v in a]
out = {}
for name, cards in inp['headers'].items():
    w = WCS(fits.Header(cards))
    lon, lat = w.wcs_pix2world(np.array(inp['xs']), np.array(inp['ys']), 0)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x = np.full(lon.shape, np.nan); y = np.full(lon.shape, np.nan)
    x[ok], y[ok] = w.wcs_world2pix(lon[ok], lat[ok], 0)
    out[name] = {'lon': nan(lon), 'lat': nan(lat), 'x': nan(x), 'y': nan(y)}
print(json.dumps(out))`,
      { headers, xs, ys },
    );

describe('XPH vs astropy.wcs', { skip }, () => {
  for (const [name, cards] of Object.entries(headers))
    it(name, () => {
      const parsed = parseCelestialWcs(FitsHeader.from(cards));
      assert.ok('wcs' in parsed, JSON.stringify(parsed));
      const wcs = parsed.wcs;
      const o = oracle[name];
      let worstSky = 0;
      let worstPix = 0;
      let valid = 0;
      for (let i = 0; i < xs.length; i++) {
        const [lon, lat] = wcs.pixelToWorld(xs[i], ys[i]);
        const aLon = o.lon[i];
        const aLat = o.lat[i];
        if (aLon === null || aLat === null) {
          assert.ok(Number.isNaN(lon), `${name} (${xs[i]}, ${ys[i]}): astropy has no world, we give ${lon}, ${lat}`);
          continue;
        }
        assert.ok(Number.isFinite(lon), `${name} (${xs[i]}, ${ys[i]}): astropy gives ${aLon}, ${aLat}, we give NaN`);
        valid++;
        worstSky = Math.max(worstSky, sepDeg(lon, lat, aLon, aLat));
        const [x, y] = wcs.worldToPixel(aLon, aLat);
        worstPix = Math.max(worstPix, Math.hypot(x - (o.x[i] as number), y - (o.y[i] as number)));
      }
      assert.ok(valid > 300, `${name}: only ${valid} valid points`);
      assert.ok(worstSky < 1e-8, `${name}: pixel → world off by ${worstSky} deg`);
      assert.ok(worstPix < 1e-6, `${name}: world → pixel off by ${worstPix} px`);
    });
});

describe('XPH by hand (Calabretta & Lowe 2013)', () => {
  const p = makeProjection('XPH')!;
  it('puts the north pole at the origin and the south pole at the four outer corners', () => {
    const [x0, y0] = p.fromNative(0, 90)!;
    assert.ok(Math.hypot(x0, y0) < 1e-12, `${x0}, ${y0}`);
    // θ = −90°: ϖ = −90°, χ = 45° → (x, y) = (180°/√2, 180°/√2) in quadrant 1, rotated for the others.
    const c = 180 / Math.SQRT2;
    for (const [phi, ex, ey] of [
      [135, c, c],
      [-135, -c, c],
      [-45, -c, -c],
      [45, c, -c],
    ]) {
      const [x, y] = p.fromNative(phi, -90)!;
      assert.ok(Math.abs(x - ex) < 1e-12 && Math.abs(y - ey) < 1e-12, `φ ${phi}: ${x}, ${y}`);
    }
  });
  it('maps the equator of quadrant 1 (φ = 120°) to ((90° + 15°)/√2, (90° − 15°)/√2)', () => {
    const [x, y] = p.fromNative(120, 0)!;
    assert.ok(Math.abs(x - 105 / Math.SQRT2) < 1e-12 && Math.abs(y - 75 / Math.SQRT2) < 1e-12, `${x}, ${y}`);
  });
  it('round-trips native coordinates near the pole to 1e-9 deg', () => {
    for (const theta of [89.9999999, 89.99, 60, 41.81, 41.82, 0, -41.82, -75, -89.999])
      for (const phi of [-179.9, -91, -45, -0.5, 0.5, 44, 90.5, 179.5]) {
        const [x, y] = p.fromNative(phi, theta)!;
        const [phi2, theta2] = p.toNative(x, y)!;
        assert.ok(sepDeg(phi, theta, phi2, theta2) < 1e-9, `(${phi}, ${theta}) → (${phi2}, ${theta2})`);
      }
  });
});
