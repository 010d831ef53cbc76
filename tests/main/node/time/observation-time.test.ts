// Observation times against astropy.time: every header form of the start time (MJD within 1 ms, the
// issue's bar), TT through the leap-second table, and BJD_TDB at mid-exposure with the observatory's
// position against astropy's Time(..., location).tdb + light_travel_time(kind='barycentric') (builtin
// ephemeris, ERFA epv00). Our Earth ephemeris is astronomy-engine's (≤ 2.2e-5 AU from epv00), so BJD_TDB
// is held to 12 ms worst case and 5 ms rms over 1951–2026; the measured numbers are printed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FitsHeader } from '../../../../src-workers/core/fits/index.js';
import {
  barycentricTime,
  geodeticToItrs,
  heliocentricTime,
  readObservationTime,
  readSite,
  utcToTt,
  type TimeKeywordSource,
} from '../../../../src-workers/core/time/index.js';
import { earthBarycentricAu, earthHeliocentricAu } from '../../../../src-main/node/time/earth-ephemeris.js';
import { astropyMissing, python } from '../../../workers/core/wcs/wcs-oracle.js';

const skip = astropyMissing();

const header = (cards: Record<string, string | number>, comments: Record<string, string> = {}): TimeKeywordSource => {
  const h = new FitsHeader();
  for (const [k, v] of Object.entries(cards)) h.set(k, v, comments[k]);
  return h;
};

// [name, cards, astropy expression of the start (UTC), exposure s]
const forms: [string, Record<string, string | number>, string, number | undefined][] = [
  [
    'ISO date and time',
    { 'DATE-OBS': '2014-07-31T04:49:58.673', EXPTIME: 60 },
    "Time('2014-07-31T04:49:58.673', scale='utc')",
    60,
  ],
  [
    'ISO date + TIME-OBS',
    { 'DATE-OBS': '2003-02-28', 'TIME-OBS': '23:59:59.5', EXPOSURE: 30 },
    "Time('2003-02-28T23:59:59.5', scale='utc')",
    30,
  ],
  ['old DD/MM/YY', { 'DATE-OBS': '05/04/87', UT: '03:12:00' }, "Time('1987-04-05T03:12:00', scale='utc')", undefined],
  [
    'DSS 29/11/51 + UT, EXPOSURE in minutes',
    { 'DATE-OBS': '29/11/51', UT: '12:07:00.00', EXPOSURE: 50 },
    "Time('1951-11-29T12:07:00', scale='utc')",
    3000,
  ],
  [
    'UTSTART',
    { 'DATE-OBS': '2013-07-13', UTSTART: '21:04:05', ITIME: 150 },
    "Time('2013-07-13T21:04:05', scale='utc')",
    150,
  ],
  [
    'UTC-OBS full ISO',
    { 'DATE-OBS': '2014-07-31', 'UTC-OBS': '2014-07-31T04:49:58.673' },
    "Time('2014-07-31T04:49:58.673', scale='utc')",
    undefined,
  ],
  ['MJD-OBS', { 'MJD-OBS': 59000.123456789, EXPTIME: 10 }, "Time(59000.123456789, format='mjd', scale='utc')", 10],
  ['JD', { JD: 2456869.70137 }, "Time(2456869.70137, format='jd', scale='utc')", undefined],
  [
    'DATE-BEG/DATE-END',
    { 'DATE-BEG': '2020-01-01T00:00:00', 'DATE-END': '2020-01-01T00:10:00' },
    "Time('2020-01-01T00:00:00', scale='utc')",
    undefined,
  ],
  [
    'TIMESYS TT',
    { TIMESYS: 'TT', 'DATE-OBS': '2016-06-01T12:00:00' },
    "Time('2016-06-01T12:00:00', scale='tt').utc",
    undefined,
  ],
  ['TIMESYS TAI', { TIMESYS: 'TAI', 'MJD-OBS': 58000.5 }, "Time(58000.5, format='mjd', scale='tai').utc", undefined],
  [
    'TIMESYS GPS',
    { TIMESYS: 'GPS', 'DATE-OBS': '2019-03-03T03:03:03' },
    "(Time('2019-03-03T03:03:03', scale='tai') + 19 * u.s).utc",
    undefined,
  ],
  [
    'MJD-BEG/MJD-END',
    { 'MJD-BEG': 57000.25, 'MJD-END': 57000.26 },
    "Time(57000.25, format='mjd', scale='utc')",
    undefined,
  ],
];

const PY = `import json, sys, warnings
import astropy.units as u
from astropy.time import Time
from astropy.coordinates import SkyCoord, EarthLocation
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
starts = [float(eval(e).mjd) for e in d['forms']]
tt = [float(Time(m, format='mjd', scale='utc').tt.mjd) for m in d['ttmjd']]
bjd = []
hjd = []
for c in d['bjd']:
    loc = EarthLocation.from_geodetic(c['lon'] * u.deg, c['lat'] * u.deg, c['h'] * u.m)
    t = Time(c['mjd'], format='mjd', scale='utc', location=loc)
    ltt = t.light_travel_time(SkyCoord(c['ra'] * u.deg, c['dec'] * u.deg), kind='barycentric')
    b = t.tdb + ltt
    bjd.append([float(b.jd1), float(b.jd2)])
    hl = t.utc + t.light_travel_time(SkyCoord(c['ra'] * u.deg, c['dec'] * u.deg), kind='heliocentric')
    hjd.append([float(hl.jd1), float(hl.jd2)])
print(json.dumps({'starts': starts, 'tt': tt, 'bjd': bjd, 'hjd': hjd}))`;

const ttMjds = [36934.5, 38000.25, 41316.9, 41317.1, 45000, 50630.5, 57753.99, 57754.01, 61000];
const bjdCases: { mjd: number; ra: number; dec: number; lon: number; lat: number; h: number }[] = [];
for (let i = 0; i < 24; i++)
  bjdCases.push({
    mjd: 33979.5 + i * 1172.37,
    ra: (i * 47.3) % 360,
    dec: -80 + ((i * 29) % 160),
    lon: -116.86 + i * 13,
    lat: 33.4 - i * 3,
    h: 1700,
  });

const oracle = skip
  ? undefined
  : python<{ starts: number[]; tt: number[]; bjd: [number, number][]; hjd: [number, number][] }>(PY, {
      forms: forms.map((f) => f[2]),
      ttmjd: ttMjds,
      bjd: bjdCases,
    });

describe('observation times vs astropy.time', { skip }, () => {
  forms.forEach(([name, cards, , exposure], i) =>
    it(name, () => {
      const comments: Record<string, string> = name.includes('minutes') ? { EXPOSURE: 'Exposure time minutes' } : {};
      const warnings: string[] = [];
      const t = readObservationTime(header(cards, comments), (w) => warnings.push(w));
      assert.ok(t, `no time (${warnings.join('; ')})`);
      const ms = Math.abs(t.mjdStartUtc - oracle!.starts[i]) * 86400e3;
      assert.ok(ms < 1, `${name}: start ${ms.toFixed(3)} ms from astropy`);
      assert.equal(t.exposureS, exposure);
      const want = (exposure ?? 0) / 2 / 86400;
      if (name === 'DATE-BEG/DATE-END') assert.ok(Math.abs(t.mjdMidUtc - t.mjdStartUtc - 300 / 86400) < 1e-9);
      else if (name === 'MJD-BEG/MJD-END') assert.ok(Math.abs(t.mjdMidUtc - 57000.255) < 1e-9);
      else assert.ok(Math.abs(t.mjdMidUtc - t.mjdStartUtc - want) < 1e-9, `${name}: mid-exposure`);
    }),
  );

  it('old DD/MM/YY is day/month/19YY: 05/04/87 is 5 April 1987 (MJD 46890)', () => {
    const t = readObservationTime(header({ 'DATE-OBS': '05/04/87' }));
    assert.equal(t?.mjdStartUtc, 46890);
    assert.equal(readObservationTime(header({ 'DATE-OBS': '29/11/51' }))?.mjdStartUtc, 33979);
  });

  it('an unparseable DATE-OBS warns and gives no time', () => {
    const warnings: string[] = [];
    assert.equal(
      readObservationTime(header({ 'DATE-OBS': '2021-13-45' }), (w) => warnings.push(w)),
      undefined,
    );
    assert.match(warnings[0], /DATE-OBS '2021-13-45' is not a FITS date/);
  });

  it('TT through the leap-second table (1960-2026) within 1 µs', () => {
    ttMjds.forEach((m, i) => {
      const us = Math.abs(utcToTt(m) - oracle!.tt[i]) * 86400e6;
      assert.ok(us < 1, `MJD ${m}: TT ${us.toFixed(3)} µs from astropy`);
    });
  });

  it('BJD_TDB with the site, 1951-2026, all-sky targets', () => {
    let worst = 0;
    let sum2 = 0;
    bjdCases.forEach((c, i) => {
      const r = barycentricTime(c.mjd, c.ra, c.dec, earthBarycentricAu, geodeticToItrs(c.lon, c.lat, c.h));
      const [j1, j2] = oracle!.bjd[i];
      const ms = Math.abs(r.bjdTdb - 2400000.5 - (j1 - 2400000.5 + j2)) * 86400e3;
      worst = Math.max(worst, ms);
      sum2 += ms * ms;
    });
    const rms = Math.sqrt(sum2 / bjdCases.length);
    process.stdout.write(`# BJD_TDB vs astropy: worst ${worst.toFixed(3)} ms, rms ${rms.toFixed(3)} ms\n`);
    assert.ok(worst < 12, `worst ${worst} ms`);
    assert.ok(rms < 5, `rms ${rms} ms`);
  });

  it('HJD (UTC) with the site, 1951-2026, all-sky targets', () => {
    let worst = 0;
    bjdCases.forEach((c, i) => {
      const r = heliocentricTime(c.mjd, c.ra, c.dec, earthHeliocentricAu, geodeticToItrs(c.lon, c.lat, c.h));
      const [j1, j2] = oracle!.hjd[i];
      worst = Math.max(worst, Math.abs(r.hjdUtc - 2400000.5 - (j1 - 2400000.5 + j2)) * 86400e3);
      // HJD and BJD_TDB differ by TDB − UTC (32.184 s + leap seconds) and the Sun's barycentric motion (≤ 8 s).
      const b = barycentricTime(c.mjd, c.ra, c.dec, earthBarycentricAu, geodeticToItrs(c.lon, c.lat, c.h));
      const d = (b.bjdTdb - r.hjdUtc) * 86400;
      assert.ok(d > 32 - 9 && d < 32.2 + 37 + 9, `BJD − HJD = ${d} s`);
    });
    process.stdout.write(`# HJD vs astropy: worst ${worst.toFixed(3)} ms\n`);
    assert.ok(worst < 10, `worst ${worst} ms`);
  });

  it('reads the DSS site (SITELAT/SITELONG sexagesimal, east-positive longitude)', () => {
    const s = readSite(header({ SITELAT: '+33:24:24.00', SITELONG: '-116:51:48.00' }));
    assert.ok(s);
    const want = geodeticToItrs(-116.8633333, 33.4066667, 0);
    assert.ok(Math.hypot(s.itrsM[0] - want[0], s.itrsM[1] - want[1], s.itrsM[2] - want[2]) < 5);
  });
});
