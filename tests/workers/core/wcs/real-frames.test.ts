// The general WCS on the real frames in ../shared/data/real and on astropy's DSS plate, against astropy:
// pixel → world (header frame) via all_pix2world, and world → ICRS via SkyCoord with the frame astropy
// derives from the header (wcs_to_celestial_frame). Tolerances: 1 mas plain, 10 mas with a distortion
// (the bar); world → pixel 1e-3 px of astropy's all_world2pix. GLIMPSE (GLON-CAR) must put its
// image centre at ICRS (275.8°, −13.0°), not at CRVAL.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { ASTROPY_WCS_DATA, astropyMissing, headerFromText, python, sepDeg } from './wcs-oracle.js';

const REAL = '/work/shared/data/real';
const files = [
  `${REAL}/dss_poss1_m67_M6707HH.fits`,
  `${REAL}/spitzer_irac_glimpse_example.fits`,
  `${ASTROPY_WCS_DATA}/dss.14.29.56-62.41.05.fits.gz`,
  `${ASTROPY_WCS_DATA}/sip.fits`,
  `${ASTROPY_WCS_DATA}/sip2.fits`,
].filter((f) => existsSync(f));
const skip = astropyMissing() ?? (files.length < 3 ? 'real frames are absent' : undefined);

interface Out {
  header: string;
  xs: number[];
  ys: number[];
  lon: number[];
  lat: number[];
  ra: number[];
  dec: number[];
  x: number[];
  y: number[];
}

const oracle: Out[] = skip
  ? []
  : python<Out[]>(
      `import json, sys, warnings, numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs.utils import wcs_to_celestial_frame
from astropy.coordinates import SkyCoord
import astropy.units as u
warnings.simplefilter('ignore')
out = []
for f in json.load(sys.stdin):
    with fits.open(f) as hl:
        hdu = next(h for h in hl if 'CTYPE1' in h.header or 'PLTRAH' in h.header)
        h = hdu.header
    w = WCS(h).celestial
    n1 = h.get('ZNAXIS1', h.get('NAXIS1', 1000)); n2 = h.get('ZNAXIS2', h.get('NAXIS2', 1000))
    g = np.linspace(0, 1, 7)
    xs = np.repeat(g * (n1 - 1), 7); ys = np.tile(g * (n2 - 1), 7)
    lon, lat = w.all_pix2world(xs, ys, 0)
    x, y = w.all_world2pix(lon, lat, 0, tolerance=1e-10, maxiter=100)
    c = SkyCoord(lon * u.deg, lat * u.deg, frame=wcs_to_celestial_frame(w)).icrs
    out.append(dict(header=h.tostring(), xs=list(xs), ys=list(ys), lon=list(lon), lat=list(lat), ra=list(c.ra.deg), dec=list(c.dec.deg), x=list(x), y=list(y)))
print(json.dumps(out))`,
      files,
    );

describe('real frames vs astropy', { skip }, () => {
  files.forEach((file, k) =>
    it(file.replace(/.*\//, ''), () => {
      const o = oracle[k];
      const r = parseCelestialWcs(headerFromText(o.header));
      assert.ok('wcs' in r, 'reason' in r ? r.reason : '');
      const tolMas = r.wcs.distortion === 'none' ? 1 : 10;
      let worstWorld = 0;
      let worstIcrs = 0;
      let worstPix = 0;
      for (let i = 0; i < o.xs.length; i++) {
        const [lon, lat] = r.wcs.pixelToWorld(o.xs[i], o.ys[i]);
        worstWorld = Math.max(worstWorld, sepDeg(lon, lat, o.lon[i], o.lat[i]) * 3.6e6);
        const [ra, dec] = r.wcs.pixelToSky(o.xs[i], o.ys[i]);
        worstIcrs = Math.max(worstIcrs, sepDeg(ra, dec, o.ra[i], o.dec[i]) * 3.6e6);
        const [x, y] = r.wcs.worldToPixel(o.lon[i], o.lat[i]);
        worstPix = Math.max(worstPix, Math.hypot(x - o.x[i], y - o.y[i]));
      }
      assert.ok(worstWorld < tolMas, `${file}: world ${worstWorld.toFixed(4)} mas from astropy`);
      assert.ok(worstIcrs < tolMas, `${file}: ICRS ${worstIcrs.toFixed(4)} mas from astropy`);
      assert.ok(worstPix < 1e-3, `${file}: pixel ${worstPix} from astropy's inverse`);
    }),
  );

  it('GLIMPSE centre is the image centre in ICRS, not CRVAL', () => {
    const k = files.findIndex((f) => f.includes('glimpse'));
    assert.ok(k >= 0);
    const r = parseCelestialWcs(headerFromText(oracle[k].header));
    assert.ok('wcs' in r);
    assert.equal(r.wcs.frame.system, 'GALACTIC');
    const [ra, dec] = r.wcs.centreSky();
    assert.ok(Math.abs(ra - 275.8) < 0.1 && Math.abs(dec + 13.0) < 0.1, `centre ${ra}, ${dec}`);
  });
});
