// TAN(-SIP) against astropy.wcs (all_pix2world / all_world2pix, origin 0) on real headers shipped with
// Debian's astropy (Spitzer IRAC TAN-SIP, an HST-style PC+SIP header) and on CD, PC+CDELT and
// CDELT+CROTA2 variants. Tolerances: sky 1e-9 deg against astropy; pixel → sky → pixel < 1e-8 deg.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseCard, FitsHeader } from '../../../../src-workers/core/fits/index.js';
import {
  parseTanWcs,
  recordSource,
  wcsFromHeader,
  type KeywordSource,
} from '../../../../src-workers/core/wcs/index.js';

const ASTROPY_DATA = '/usr/lib/python3/dist-packages/astropy/wcs/tests/data';

/** Header cards of `path` as astropy reads them (text of 80-character cards). */
function headerText(pyOpen: string): string {
  const r = spawnSync('/usr/bin/python3', ['-c', `from astropy.io import fits\nh = ${pyOpen}\nprint(h.tostring())`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\n$/, '');
}

function toHeader(text: string): FitsHeader {
  const h = new FitsHeader();
  for (let i = 0; i + 80 <= text.length; i += 80) {
    const card = parseCard(text.slice(i, i + 80));
    if (card === 'END') break;
    h.append(card);
  }
  return h;
}

function astropy(pyOpen: string, xs: number[], ys: number[]): { sky: number[][]; back: number[][] } {
  const code = `import json, numpy as np\nfrom astropy.io import fits\nfrom astropy.wcs import WCS\nh = ${pyOpen}\nw = WCS(h)\nxs = np.array(${JSON.stringify(xs)}); ys = np.array(${JSON.stringify(ys)})\nra, dec = w.all_pix2world(xs, ys, 0)\nx2, y2 = w.all_world2pix(ra, dec, 0, tolerance=1e-12, maxiter=100)\nprint(json.dumps({'sky': [list(map(float, ra)), list(map(float, dec))], 'back': [list(map(float, x2)), list(map(float, y2))]}))`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const grid = (n: number, size: number): { xs: number[]; ys: number[] } => {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      xs.push((i / (n - 1)) * size - 0.5);
      ys.push((j / (n - 1)) * size + 0.25);
    }
  return { xs, ys };
};

function angularSepDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d = Math.PI / 180;
  const s =
    Math.sin(((dec2 - dec1) * d) / 2) ** 2 +
    Math.cos(dec1 * d) * Math.cos(dec2 * d) * Math.sin(((ra2 - ra1) * d) / 2) ** 2;
  return (2 * Math.asin(Math.sqrt(s))) / d;
}

function check(name: string, pyOpen: string, header: KeywordSource, size: number): void {
  it(`${name}: matches astropy and round-trips`, () => {
    const wcs = wcsFromHeader(header, name);
    const { xs, ys } = grid(7, size);
    const ref = astropy(pyOpen, xs, ys);
    let worstSky = 0;
    let worstTrip = 0;
    xs.forEach((x, i) => {
      const [ra, dec] = wcs.pixelToSky(x, ys[i]);
      worstSky = Math.max(worstSky, angularSepDeg(ra, dec, ref.sky[0][i], ref.sky[1][i]));
      const [x2, y2] = wcs.skyToPixel(ra, dec);
      const [ra2, dec2] = wcs.pixelToSky(x2, y2);
      worstTrip = Math.max(worstTrip, angularSepDeg(ra, dec, ra2, dec2));
      assert.ok(
        Math.abs(x2 - x) < 1e-6 && Math.abs(y2 - ys[i]) < 1e-6,
        `${name}: pixel round trip (${x}, ${ys[i]}) → (${x2}, ${y2})`,
      );
      assert.ok(
        Math.abs(x2 - ref.back[0][i]) < 1e-6 && Math.abs(y2 - ref.back[1][i]) < 1e-6,
        `${name}: world2pix differs from astropy`,
      );
    });
    assert.ok(worstSky < 1e-9, `${name}: worst difference from astropy ${worstSky} deg`);
    assert.ok(worstTrip < 1e-8, `${name}: worst round trip ${worstTrip} deg`);
  });
}

describe('TAN WCS against astropy.wcs', () => {
  const irac = `fits.Header.fromstring(open('${ASTROPY_DATA}/irac_sip.hdr').read())`;
  check('Spitzer IRAC TAN-SIP (CD)', irac, toHeader(headerText(irac)), 256);
  const sip = `fits.getheader('${ASTROPY_DATA}/sip.fits')`;
  check('sip.fits (PC+CDELT, SIP with AP/BP)', sip, toHeader(headerText(sip)), 200);

  const base = { CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN', CRPIX1: 512.5, CRPIX2: 300.25, CRVAL1: 359.9, CRVAL2: 62.5 };
  const variants: Record<string, Record<string, number | string>> = {
    'CD matrix near RA=0': { ...base, CD1_1: -7.1e-5, CD1_2: 1.2e-5, CD2_1: 1.1e-5, CD2_2: 7.0e-5 },
    'PC + CDELT': { ...base, CDELT1: -2.8e-4, CDELT2: 2.8e-4, PC1_1: 0.96, PC1_2: -0.27, PC2_1: 0.27, PC2_2: 0.96 },
    'CDELT + CROTA2': { ...base, CDELT1: -2.8e-4, CDELT2: 2.8e-4, CROTA2: 23.5 },
    'near the pole': { ...base, CRVAL2: -89.99, CD1_1: -1e-3, CD1_2: 0, CD2_1: 0, CD2_2: 1e-3 },
  };
  for (const [name, rec] of Object.entries(variants)) {
    const py = `fits.Header(${JSON.stringify(rec).replace(/"/g, "'")})`;
    check(name, py, recordSource(rec), 1024);
  }

  it('says why a header has no usable WCS', () => {
    const r = parseTanWcs(
      recordSource({ CTYPE1: 'GLON-CAR', CTYPE2: 'GLAT-CAR', CRPIX1: 1, CRPIX2: 1, CRVAL1: 0, CRVAL2: 0 }),
    );
    assert.ok('reason' in r && /not supported/.test(r.reason));
    assert.throws(() => wcsFromHeader(recordSource({}), 'x.fits'), /x\.fits: no usable WCS: no CTYPE1/);
  });
});
