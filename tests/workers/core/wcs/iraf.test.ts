// IRAF TNX and ZPX distortions (iraf.ts). Oracles:
// - TNX: WCSTools' xy2sky (Debian wcstools 3.9.7, an independent implementation of IRAF's TNX), on the
//   published WAT strings of an MMT/MMIRS ccmap solution (power series, half cross terms; base keywords
//   written here) and on headers written here for Chebyshev full, Legendre none and an asymmetric
//   (2 × 4) half surface. Tolerance 1e-8 deg (the issue asks 10 mas with distortions).
// - ZPX: astropy.wcs has no ZPX and xy2sky 3.9.7 crashes on ZPX with correction surfaces, so: ZPX
//   without surfaces = astropy's ZPN with the same coefficients, and ZPX with surfaces = astropy's ZPN at the
//   pixel whose intermediate coordinates are (ξ + lngcor, η + latcor), the surfaces computed by hand from
//   their definition (Legendre P0..P1, Valdes' TNX/ZPX notes). Tolerance 1e-8 deg.
// - Round trips sky → pixel → sky through the Newton inverse to 1e-6 px; malformed surfaces give a reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FitsHeader, encodeFits, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { parseCelestialWcs, parseSurface } from '../../../../src-workers/core/wcs/index.js';
import { astropyMissing, python, sepDeg } from './wcs-oracle.js';

const noXy2sky = spawnSync('xy2sky', [], { encoding: 'utf8' }).error ? 'xy2sky is absent (Debian wcstools)' : undefined;
const noAstropy = astropyMissing();
const dir = mkdtempSync(join(tmpdir(), 'owb-iraf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Cards = Record<string, string | number>;

/** WATn_nnn cards of `text` in IRAF's 68-character pieces. */
function wat(axis: number, text: string): Cards {
  const out: Cards = {};
  for (let i = 0, n = 1; i < text.length; i += 68, n++)
    out[`WAT${axis}_${String(n).padStart(3, '0')}`] = text.slice(i, i + 68);
  return out;
}

const surface = (vals: number[]): string => vals.map((v) => (Number.isInteger(v) ? `${v}.` : String(v))).join(' ');

const MMIRS_LNG =
  '3. 4. 4. 2. -0.08078770871202606 0.07807957656086426 -0.07723307309820749 0.08164053570655277 ' +
  '-2.686524069384972E-6 -8.121054526384903E-4 0.01014393940325073 0.3722186344513359 2.360195228674920E-4 ' +
  '5.001808549237395E-4 -0.7035825742463017 -0.006139017761099392 0.3323574770047805 0.03786685758120669';
const MMIRS_LAT =
  '3. 4. 4. 2. -0.08078770871202606 0.07807957656086426 -0.07723307309820749 0.08164053570655277 ' +
  '-4.412230560109198E-6 1.020477159783315E-4 -0.001623611247485439 -0.1155805328578736 -0.001787914383662314 ' +
  '0.00591838599589976 0.4698673160370906 0.002964492811835905 0.3360926419983717 0.7822291841773272';

function tnx(base: Cards, lng: string, lat: string): Cards {
  return {
    CTYPE1: 'RA---TNX',
    CTYPE2: 'DEC--TNX',
    WAT0_001: 'system=image',
    ...base,
    // A blank before the closing quote, as IRAF writes it (xy2sky drops a last coefficient glued to the quote).
    ...wat(1, `wtype=tnx axtype=ra lngcor = "${lng} "`),
    ...wat(2, `wtype=tnx axtype=dec latcor = "${lat} "`),
  };
}

const mmirsBase: Cards = {
  CRVAL1: 150.11,
  CRVAL2: 2.21,
  CRPIX1: 852.49,
  CRPIX2: 851.59,
  CD1_1: -0.202 / 3600,
  CD1_2: 0,
  CD2_1: 0,
  CD2_2: 0.202 / 3600,
  RADESYS: 'ICRS',
};
const rotatedBase: Cards = {
  CRVAL1: 310.08,
  CRVAL2: -40.66,
  CRPIX1: 1024.3,
  CRPIX2: 990.7,
  CD1_1: -1.2e-6,
  CD1_2: 7.3e-5,
  CD2_1: 7.37e-5,
  CD2_2: 1.1e-6,
  RADESYS: 'ICRS',
};

const tnxCases: Record<string, Cards> = {
  'MMIRS ccmap solution (power series, half)': tnx(mmirsBase, MMIRS_LNG, MMIRS_LAT),
  'Chebyshev 3 × 4, full cross terms, rotated': tnx(
    rotatedBase,
    surface([
      1, 3, 4, 1, -0.09, 0.08, -0.085, 0.075, 2e-5, -1e-4, 3e-5, 4e-5, 2e-5, -1e-5, 5e-6, 3e-5, -2e-5, 1e-5, 4e-6,
      -3e-6,
    ]),
    surface([
      1, 3, 4, 1, -0.09, 0.08, -0.085, 0.075, -1e-5, 2e-5, -4e-5, 1.5e-4, -2e-5, 1e-5, 6e-6, -3e-5, 2e-5, 1e-5, -4e-6,
      3e-6,
    ]),
  ),
  'Legendre 4 × 3, no cross terms': tnx(
    rotatedBase,
    surface([2, 4, 3, 0, -0.09, 0.08, -0.085, 0.075, 1e-5, 8e-5, -3e-5, 2e-5, 4e-5, -5e-5]),
    surface([2, 4, 3, 0, -0.09, 0.08, -0.085, 0.075, -2e-5, 3e-5, 1e-5, -1e-5, 9e-5, 2e-5]),
  ),
  'power series 2 × 4, half cross terms': tnx(
    mmirsBase,
    surface([3, 2, 4, 2, -0.1, 0.1, -0.1, 0.1, 1e-6, 2e-3, -1e-3, 0.05, 0.2, 3, -0.4]),
    surface([3, 2, 4, 2, -0.1, 0.1, -0.1, 0.1, -2e-6, 1e-3, 3e-3, -0.1, 0.3, -2, 0.6]),
  ),
};

const pixels: [number, number][] = [];
for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) pixels.push([-50 + i * 350.3, -80 + j * 340.7]);

function header(cards: Cards): FitsHeader {
  return FitsHeader.from({ NAXIS: 2, NAXIS1: 8, NAXIS2: 8, ...cards });
}

describe('TNX vs WCSTools xy2sky', { skip: noXy2sky }, () => {
  for (const [name, cards] of Object.entries(tnxCases))
    it(name, () => {
      const file = join(dir, `${name.replace(/\W+/g, '_')}.fits`);
      writeFileSync(
        file,
        encodeFits([imageHdu({ width: 8, height: 8, data: new Float32Array(64) }, { header: cards })]),
      );
      const r = spawnSync(
        'xy2sky',
        ['-d', '-n', '12', file, ...pixels.flatMap(([x, y]) => [String(x + 1), String(y + 1)])],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const ref = r.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).slice(0, 2).map(Number));
      assert.equal(ref.length, pixels.length);
      const parsed = parseCelestialWcs(header(cards));
      assert.ok('wcs' in parsed, JSON.stringify(parsed));
      assert.equal(parsed.wcs.distortion, 'TNX');
      let worst = 0;
      let worstBack = 0;
      pixels.forEach(([x, y], i) => {
        const [ra, dec] = parsed.wcs.pixelToSky(x, y);
        worst = Math.max(worst, sepDeg(ra, dec, ref[i][0], ref[i][1]));
        const [bx, by] = parsed.wcs.skyToPixel(ra, dec);
        worstBack = Math.max(worstBack, Math.hypot(bx - x, by - y));
      });
      assert.ok(worst < 1e-8, `${name}: ${worst * 3.6e6} mas from xy2sky`);
      assert.ok(worstBack < 1e-6, `${name}: round trip ${worstBack} px`);
      // The surfaces matter: without them the positions move (by far more than the tolerance).
      const plain = parseCelestialWcs(header({ ...cards, CTYPE1: 'RA---TAN', CTYPE2: 'DEC--TAN' }));
      assert.ok('wcs' in plain);
      const [ra0, dec0] = plain.wcs.pixelToSky(...pixels[0]);
      assert.ok(sepDeg(ra0, dec0, ref[0][0], ref[0][1]) > 1e-6, `${name}: the surfaces change nothing`);
    });
});

const zpnBase: Cards = {
  CRVAL1: 30.5,
  CRVAL2: -20.2,
  CRPIX1: 1000.5,
  CRPIX2: 1100.5,
  CD1_1: -2e-4,
  CD1_2: 1e-5,
  CD2_1: 1.2e-5,
  CD2_2: 2e-4,
  RADESYS: 'ICRS',
};
const cd = [
  [-2e-4, 1e-5],
  [1.2e-5, 2e-4],
];
// Legendre 2 × 2 full on [−0.3, 0.3]²: c00 + c10 x̂ + c01 ŷ + c11 x̂ŷ with x̂ = ξ/0.3, ŷ = η/0.3.
const LNG = [1e-4, 2e-4, -3e-4, 5e-4];
const LAT = [-2e-4, 1e-4, 4e-4, -6e-4];
const legendre = (c: number[]): string => surface([2, 2, 2, 1, -0.3, 0.3, -0.3, 0.3, ...c]);
const zpxCards: Cards = {
  CTYPE1: 'RA---ZPX',
  CTYPE2: 'DEC--ZPX',
  ...zpnBase,
  WAT0_001: 'system=image',
  ...wat(1, `wtype=zpx axtype=ra projp1=1. projp3=50. lngcor = "${legendre(LNG)}"`),
  ...wat(2, `wtype=zpx axtype=dec projp1=1. projp3=50. latcor = "${legendre(LAT)}"`),
};

describe('ZPX vs astropy ZPN and hand-computed surfaces', { skip: noAstropy }, () => {
  const hand = pixels.map(([x, y]) => {
    const u = x + 1 - 1000.5;
    const v = y + 1 - 1100.5;
    const xi = cd[0][0] * u + cd[0][1] * v;
    const eta = cd[1][0] * u + cd[1][1] * v;
    const [a, b] = [xi / 0.3, eta / 0.3];
    const f = (c: number[]): number => c[0] + c[1] * a + c[2] * b + c[3] * a * b;
    const [xi2, eta2] = [xi + f(LNG), eta + f(LAT)];
    // The pixel whose plain intermediate coordinates are (ξ', η'): CD⁻¹ (ξ', η') + CRPIX (0-based).
    const det = cd[0][0] * cd[1][1] - cd[0][1] * cd[1][0];
    const pu = (cd[1][1] * xi2 - cd[0][1] * eta2) / det;
    const pv = (-cd[1][0] * xi2 + cd[0][0] * eta2) / det;
    return [pu + 1000.5 - 1, pv + 1100.5 - 1];
  });
  const ref = noAstropy
    ? { plain: [], shifted: [] }
    : python<{ plain: number[][]; shifted: number[][] }>(
        `import json, sys, numpy as np
from astropy.wcs import WCS
from astropy.io import fits
inp = json.load(sys.stdin)
h = fits.Header(inp['cards'])
w = WCS(h)
f = lambda p: np.array(w.wcs_pix2world(np.array(p, dtype=float), 0)).tolist()
print(json.dumps({'plain': f(inp['pixels']), 'shifted': f(inp['hand'])}))`,
        {
          cards: {
            NAXIS: 2,
            NAXIS1: 8,
            NAXIS2: 8,
            ...zpnBase,
            CTYPE1: 'RA---ZPN',
            CTYPE2: 'DEC--ZPN',
            PV2_1: 1,
            PV2_3: 50,
          },
          pixels,
          hand,
        },
      );

  it('without surfaces is ZPN with projp1/projp3 as PV2_1/PV2_3', () => {
    const cards = {
      ...zpxCards,
      ...wat(1, 'wtype=zpx axtype=ra projp1=1. projp3=50.'),
      ...wat(2, 'wtype=zpx axtype=dec'),
    };
    const parsed = parseCelestialWcs(header(cards));
    assert.ok('wcs' in parsed, JSON.stringify(parsed));
    assert.equal(parsed.wcs.distortion, 'none');
    pixels.forEach(([x, y], i) => {
      const [ra, dec] = parsed.wcs.pixelToWorld(x, y);
      assert.ok(sepDeg(ra, dec, ref.plain[i][0], ref.plain[i][1]) < 1e-8, `(${x}, ${y})`);
    });
  });

  it('with surfaces: ZPN of (ξ + lngcor, η + latcor), and round trips', () => {
    const parsed = parseCelestialWcs(header(zpxCards));
    assert.ok('wcs' in parsed, JSON.stringify(parsed));
    assert.equal(parsed.wcs.distortion, 'ZPX');
    pixels.forEach(([x, y], i) => {
      const [ra, dec] = parsed.wcs.pixelToWorld(x, y);
      assert.ok(sepDeg(ra, dec, ref.shifted[i][0], ref.shifted[i][1]) < 1e-8, `(${x}, ${y})`);
      const [bx, by] = parsed.wcs.worldToPixel(ra, dec);
      assert.ok(Math.hypot(bx - x, by - y) < 1e-6, `round trip (${x}, ${y}) → (${bx}, ${by})`);
    });
  });
});

describe('malformed TNX surfaces', () => {
  const bad = (lng: string): string => {
    const parsed = parseCelestialWcs(header(tnx(mmirsBase, lng, MMIRS_LAT)));
    assert.ok('reason' in parsed, 'expected a reason');
    return parsed.reason;
  };
  it('names the keyword and the problem', () => {
    assert.match(bad('3. 4. 4. 2. -0.1 0.1 -0.1 0.1 1 2 3'), /WAT1 lngcor: 3 coefficients where the orders need 10/);
    assert.match(bad('7. 2. 2. 1. -0.1 0.1 -0.1 0.1 1 2 3 4'), /WAT1 lngcor: surface type 7/);
    assert.match(bad('1. 2. 2. 1. 0.1 0.1 -0.1 0.1 1 2 3 4'), /WAT1 lngcor: empty normalisation range/);
    assert.match(bad('3. 2. x 1.'), /WAT1 lngcor: not a list of numbers/);
  });
  it('counts the terms of each cross-term kind as gsurfit does', () => {
    const n = (xo: number, yo: number, xt: number): number => {
      for (let k = 0; k < 60; k++) {
        const s = parseSurface(surface([3, xo, yo, xt, -1, 1, -1, 1, ...Array<number>(k).fill(0.5)]), 't');
        if (typeof s !== 'string') return k;
      }
      return -1;
    };
    // none: xorder + yorder − 1; full: xorder·yorder; half: xorder·yorder − m(m − 1)/2, m = min(xorder, yorder).
    assert.deepEqual([n(4, 4, 0), n(4, 4, 1), n(4, 4, 2), n(2, 4, 2), n(4, 2, 2), n(5, 3, 2)], [7, 16, 10, 7, 7, 12]);
  });
});
