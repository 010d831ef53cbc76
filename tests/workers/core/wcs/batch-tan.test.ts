// The TAN(-SIP) batch path of CelestialWcs.pixelsToSky (batch-tan.ts) against the per-point path, which the
// astropy tests of this folder hold to 1e-8°: equal within 1e-10° (0.4 µas) on astropy's irac_sip and
// siponly headers, the TAN projection map, a latitude-first header and TAN in galactic, FK5 J1980 and
// ecliptic frames; FK4 (E-terms, not a rotation) keeps the general path and gives the same numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FitsHeader } from '../../../../src-workers/core/fits/index.js';
import { parseCelestialWcs } from '../../../../src-workers/core/wcs/index.js';
import { ASTROPY_WCS_DATA, astropyMissing, headerFromFile } from './wcs-oracle.js';

const skip = astropyMissing();

const tan = (cards: Record<string, string | number>): FitsHeader =>
  FitsHeader.from({
    NAXIS: 2,
    NAXIS1: 300,
    NAXIS2: 200,
    CTYPE1: 'RA---TAN',
    CTYPE2: 'DEC--TAN',
    CRVAL1: 201.3,
    CRVAL2: -43.1,
    CRPIX1: 120.5,
    CRPIX2: 80.25,
    CD1_1: -2.1e-4,
    CD1_2: 3.0e-5,
    CD2_1: 2.5e-5,
    CD2_2: 2.0e-4,
    ...cards,
  });

describe('pixelsToSky batch TAN path = per-point path', { skip }, () => {
  const cases: [string, () => FitsHeader][] = [
    ['irac_sip.hdr', () => headerFromFile(`${ASTROPY_WCS_DATA}/irac_sip.hdr`)],
    ['siponly.hdr', () => headerFromFile(`${ASTROPY_WCS_DATA}/siponly.hdr`)],
    ['1904-66_TAN.hdr', () => headerFromFile(`${ASTROPY_WCS_DATA}/maps/1904-66_TAN.hdr`)],
    ['latitude first', () => tan({ CTYPE1: 'DEC--TAN', CTYPE2: 'RA---TAN', CRVAL1: -43.1, CRVAL2: 201.3 })],
    ['galactic', () => tan({ CTYPE1: 'GLON-TAN', CTYPE2: 'GLAT-TAN' })],
    ['FK5 J1980', () => tan({ RADESYS: 'FK5', EQUINOX: 1980 })],
    ['ecliptic', () => tan({ CTYPE1: 'ELON-TAN', CTYPE2: 'ELAT-TAN' })],
    ['FK4 B1950 (general path)', () => tan({ RADESYS: 'FK4', EQUINOX: 1950 })],
    ['near the pole', () => tan({ CRVAL2: 89.99 })],
  ];
  for (const [name, make] of cases)
    it(name, () => {
      const parsed = parseCelestialWcs(make());
      assert.ok('wcs' in parsed, JSON.stringify(parsed));
      const wcs = parsed.wcs;
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < 400; i++) {
        xs.push(((i * 0.618034) % 1) * 320 - 10);
        ys.push(((i * 0.754878) % 1) * 220 - 10);
      }
      const batch = wcs.pixelsToSky(xs, ys);
      xs.forEach((x, i) => {
        const [ra, dec] = wcs.pixelToSky(x, ys[i]);
        const dra = Math.abs(((((batch.ra[i] - ra + 540) % 360) + 360) % 360) - 180) * Math.cos((dec * Math.PI) / 180);
        assert.ok(
          dra < 1e-10 && Math.abs(batch.dec[i] - dec) < 1e-10,
          `${name} (${x}, ${ys[i]}): ${dra}, ${batch.dec[i] - dec}`,
        );
      });
    });
});
