// The general WCS behind detect/photometry (frameWcs), the API's reference stamps (wcsOf) and the catalog's
// frame record (frameMetaFromHeader), on the real GLIMPSE (GLON-CAR) and DSS M67 frames: ICRS ra/dec from
// astropy (SkyCoord(...).icrs of all_pix2world) within 10 mas, the frame centre at the image centre in ICRS
// (GLIMPSE 275.8°, −13.0°, not CRVAL 18°, 0°), and a header without usable WCS warns with file and reason.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readFitsHeader } from '../../../../src-workers/io/fits-file.js';
import { recordSource } from '../../../../src-workers/core/wcs/index.js';
import { frameWcs } from '../../../../src-main/node/detect/calibration.js';
import { wcsOf } from '../../../../src-main/node/api/reference-stamps.js';
import { frameMetaFromHeader } from '../../../../src-main/node/pipeline/frame-meta.js';
import { astropyMissing, python, sepDeg } from '../../../workers/core/wcs/wcs-oracle.js';

const GLIMPSE = '/work/shared/data/real/spitzer_irac_glimpse_example.fits';
const DSS = '/work/shared/data/real/dss_poss1_m67_M6707HH.fits';
const skip = astropyMissing() ?? (existsSync(GLIMPSE) && existsSync(DSS) ? undefined : 'real frames are absent');

const pts = { xs: [0, 100.5, 400, 512], ys: [0, 700.25, 20, 1024] };
const icrs = (file: string): { ra: number[]; dec: number[] } =>
  python(
    `import json, sys, warnings
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs.utils import wcs_to_celestial_frame
from astropy.coordinates import SkyCoord
import astropy.units as u
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
w = WCS(fits.getheader(d['f']))
lon, lat = w.all_pix2world(d['xs'], d['ys'], 0)
c = SkyCoord(lon * u.deg, lat * u.deg, frame=wcs_to_celestial_frame(w)).icrs
print(json.dumps({'ra': list(c.ra.deg), 'dec': list(c.dec.deg)}))`,
    { f: file, ...pts },
  );

describe('sky WCS wiring', { skip }, () => {
  for (const file of [GLIMPSE, DSS])
    it(`frameWcs and wcsOf give ICRS ra/dec on ${file.replace(/.*\//, '')}`, async () => {
      const header = await readFitsHeader(file);
      const want = icrs(file);
      for (const wcs of [frameWcs(header, file), wcsOf(header)]) {
        assert.ok(wcs, 'a WCS');
        const { ra, dec } = wcs.pixelsToSky(pts.xs, pts.ys);
        for (let i = 0; i < pts.xs.length; i++) {
          const mas = sepDeg(ra[i], dec[i], want.ra[i], want.dec[i]) * 3.6e6;
          assert.ok(mas < 10, `${file} point ${i}: ${mas} mas from astropy ICRS`);
        }
      }
    });

  it('the catalog frame centre is the image centre in ICRS (GLIMPSE 275.8, -13.0)', async () => {
    const meta = frameMetaFromHeader(await readFitsHeader(GLIMPSE));
    assert.ok(Math.abs((meta.raCenter ?? 0) - 275.8) < 0.1, `raCenter ${meta.raCenter}`);
    assert.ok(Math.abs((meta.decCenter ?? 0) + 13.0) < 0.1, `decCenter ${meta.decCenter}`);
    // Galactic header: the centre's native l, b kept beside the ICRS position (the same point; owb wcs's test
    // holds summary.centreNative to 10 mas of astropy). GLIMPSE's field lies on the plane near l = 18°.
    const [l, b] = (meta.wcs as { centreNative: [number, number] }).centreNative;
    assert.ok(Math.abs(l - 18) < 1 && Math.abs(b) < 1, `centreNative ${l}, ${b}`);
  });
});

describe('no usable WCS is never silent', () => {
  it('frameWcs warns once, naming the file and the keyword', () => {
    const warnings: string[] = [];
    const h = recordSource({ CTYPE1: 'RA---XYZ', CTYPE2: 'DEC--XYZ', CRPIX1: 1, CRPIX2: 1, CDELT1: 1, CDELT2: 1 });
    assert.equal(
      frameWcs(h, 'm31.fits', (m) => warnings.push(m)),
      undefined,
    );
    assert.deepEqual(warnings, [
      "m31.fits: no sky coordinates: CTYPE1 'RA---XYZ': projection 'XYZ' is unknown or not implemented",
    ]);
  });
});
