// Frame times through the real ingest path (`owb process DIR`, the watch ingester and the catalog writer):
// FITS files with the header forms of issue 18 are ingested and the catalog's mjd (mid-exposure UTC),
// mjd_start, exposure_sec, bjd_tdb and hjd_utc are checked against astropy.time / astropy.coordinates / astropy.wcs
// (under /usr/bin/python3) given the same header facts: MJD within 1 ms, BJD_TDB within 10 ms (astropy's
// builtin ephemeris against our astronomy-engine one; the bar), HJD (UTC) within 10 ms of astropy's
// t.utc + t.light_travel_time(target, kind='heliocentric'). Frames without a time, a sky
// position or a site get NULL and a note saying why, never a guessed value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { encodeFits, FitsHeader, imageHdu } from '../../../../src-workers/core/fits/index.js';
import { astropyMissing, python } from '../../../workers/core/wcs/wcs-oracle.js';

const skip = astropyMissing();
const repo = resolve(import.meta.dirname, '../../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-frame-times-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 24;
type Card = [string, string | number, string?];

/** Each file: its cards and what astropy is told (start time, exposure, target, site), or null for "none". */
interface Case {
  name: string;
  cards: Card[];
  /** astropy expression of the start (UTC Time) and the exposure in seconds. */
  start: string | null;
  exposureS: number;
  /** astropy expression of the ICRS target (SkyCoord), 'WCS' for the image centre, or null. */
  target: string | null;
  /** astropy EarthLocation expression, or null. */
  site: string | null;
  note?: RegExp;
}

const TAN: Card[] = [
  ['CTYPE1', 'RA---TAN'],
  ['CTYPE2', 'DEC--TAN'],
  ['CRVAL1', 83.63],
  ['CRVAL2', 22.01],
  ['CRPIX1', 3.5],
  ['CRPIX2', 40.0],
  ['CD1_1', -0.0008],
  ['CD1_2', 0.0001],
  ['CD2_1', 0.0001],
  ['CD2_2', 0.0008],
];

const cases: Case[] = [
  {
    name: 'dss-1951',
    cards: [
      ['DATE-OBS', '29/11/51', 'UT date of start of observation'],
      ['UT', '12:07:00.00', 'UT time of start of observation'],
      ['EXPOSURE', 50, 'Exposure time   minutes'],
      ['SITELAT', '+33:24:24.00', 'Observatory latitude'],
      ['SITELONG', '-116:51:48.00', 'Observatory longitude'],
      ['OBJCTRA', '08 51 18.000', 'Object Right Ascension (J2000)'],
      ['OBJCTDEC', '+11 48 00.00', 'Object Declination (J2000)'],
      ['EQUINOX', 2000],
    ],
    start: "Time('1951-11-29T12:07:00', scale='utc')",
    exposureS: 3000,
    target: "SkyCoord('08h51m18s', '+11d48m00s', frame='fk5', equinox='J2000').icrs",
    site: 'EarthLocation.from_geodetic(-(116 + 51/60 + 48/3600) * u.deg, (33 + 24/60 + 24/3600) * u.deg, 0 * u.m)',
  },
  {
    name: 'old-1987-fk4',
    cards: [
      ['DATE-OBS', '05/04/87'],
      ['UT', '03:12:00'],
      ['EXPTIME', 120],
      ['LAT-OBS', -30.1697],
      ['LONG-OBS', -70.8065],
      ['ALT-OBS', 2200],
      ['RA', 150.5],
      ['DEC', -20.25],
      ['EQUINOX', 1950],
    ],
    start: "Time('1987-04-05T03:12:00', scale='utc')",
    exposureS: 120,
    target: "SkyCoord(150.5 * u.deg, -20.25 * u.deg, frame='fk4', equinox='B1950').icrs",
    site: 'EarthLocation.from_geodetic(-70.8065 * u.deg, -30.1697 * u.deg, 2200 * u.m)',
  },
  {
    name: 'iso-time-obs-wcs',
    cards: [
      ['DATE-OBS', '2014-07-31'],
      ['TIME-OBS', '04:49:58.673'],
      ['EXPTIME', 60],
      ['OBSGEO-X', -1601185.4],
      ['OBSGEO-Y', -5041977.5],
      ['OBSGEO-Z', 3554875.9],
      ...TAN,
    ],
    start: "Time('2014-07-31T04:49:58.673', scale='utc')",
    exposureS: 60,
    target: 'WCS',
    site: 'EarthLocation.from_geocentric(-1601185.4 * u.m, -5041977.5 * u.m, 3554875.9 * u.m)',
  },
  {
    name: 'timesys-tt-no-site',
    cards: [['TIMESYS', 'TT'], ['DATE-OBS', '2016-06-01T12:00:00.5'], ['EXPTIME', 10], ...TAN],
    start: "Time('2016-06-01T12:00:00.5', scale='tt').utc",
    exposureS: 10,
    target: null,
    site: null,
    note: /no BJD_TDB: no observatory position/,
  },
  {
    name: 'mjd-obs-no-position',
    cards: [
      ['MJD-OBS', 59000.5],
      ['ITIME', 30],
      ['OBSGEO-L', 17.88],
      ['OBSGEO-B', 28.76],
      ['OBSGEO-H', 2396],
    ],
    start: "Time(59000.5, format='mjd', scale='utc')",
    exposureS: 30,
    target: null,
    site: null,
    note: /no BJD_TDB: no sky position/,
  },
  {
    name: 'bad-date',
    cards: [['DATE-OBS', 'yesterday'], ['EXPTIME', 5], ...TAN],
    start: null,
    exposureS: 5,
    target: null,
    site: null,
    note: /DATE-OBS 'yesterday' is not a FITS date; ignored; no observation time/,
  },
];

const PY = `import json, sys, warnings
import numpy as np
import astropy.units as u
from astropy.time import Time
from astropy.coordinates import SkyCoord, EarthLocation, AltAz
from astropy.io import fits
from astropy.wcs import WCS
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
out = []
for c in d['cases']:
    if c['start'] is None:
        out.append(None)
        continue
    mid = eval(c['start']) + c['exposureS'] / 2 * u.s
    r = {'mjd': float(mid.utc.mjd), 'bjd': None}
    if c['target'] and c['site']:
        if c['target'] == 'WCS':
            h = fits.Header()
            for k, v in c['cards']:
                h[k] = v
            h['NAXIS'] = 2; h['NAXIS1'] = d['size']; h['NAXIS2'] = d['size']
            w = WCS(h)
            ra, dec = w.all_pix2world((d['size'] - 1) / 2, (d['size'] - 1) / 2, 0)
            target = SkyCoord(float(ra) * u.deg, float(dec) * u.deg, frame='icrs')
            e = d['size'] - 0.5
            cra, cdec = w.all_pix2world([-0.5, e, e, -0.5], [-0.5, -0.5, e, e], 0)
            r['footprint'] = [[float(a), float(b)] for a, b in zip(cra, cdec)]
        else:
            target = eval(c['target'])
        t = Time(mid.utc.mjd, format='mjd', scale='utc', location=eval(c['site']))
        b = t.tdb + t.light_travel_time(target, kind='barycentric')
        r['bjd'] = [float(b.jd1), float(b.jd2)]
        hj = t.utc + t.light_travel_time(target, kind='heliocentric')
        r['hjd'] = [float(hj.utc.jd1), float(hj.utc.jd2)]
        aa = target.transform_to(AltAz(obstime=t, location=eval(c['site'])))
        r['alt'] = float(aa.alt.deg)
        r['secz'] = float(aa.secz)
    out.append(r)
print(json.dumps(out))`;

describe('frame times through owb process (ingest) vs astropy', { skip }, () => {
  const dir = join(root, 'frames');
  mkdirSync(dir, { recursive: true });
  for (const [i, c] of cases.entries()) {
    const h = new FitsHeader();
    h.set('IMAGETYP', 'Light Frame');
    for (const [k, v, comment] of c.cards) h.set(k, v, comment);
    const data = new Float32Array(SIZE * SIZE).map((_, p) => 100 + ((p * 7919 + i * 104729) % 13));
    writeFileSync(
      join(dir, `${c.name}.fits`),
      encodeFits([imageHdu({ width: SIZE, height: SIZE, data }, { header: h })]),
    );
  }
  const db = join(root, 'catalog.db');
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/cli/main.ts',
      'process',
      dir,
      '--db',
      db,
      '--since',
      '1900-01-01',
      '--until',
      '2100-01-01',
    ],
    { cwd: repo, encoding: 'utf8' },
  );
  const oracle = python<
    Array<{
      mjd: number;
      bjd: [number, number] | null;
      hjd?: [number, number];
      footprint?: [number, number][];
      alt?: number;
      secz?: number;
    } | null>
  >(PY, {
    size: SIZE,
    cases: cases.map((c) => ({ ...c, note: undefined })),
  });
  const rows = new Map<string, Record<string, number | string | null>>();
  const conn = new Database(db, { readonly: true });
  for (const r of conn
    .prepare(
      'SELECT file_name, mjd, mjd_start, exposure_sec, bjd_tdb, hjd_utc, time_source, time_note, wcs_json, airmass FROM frames',
    )
    .all() as Array<Record<string, number | string | null>>)
    rows.set(String(r.file_name).replace('.fits', ''), r);
  conn.close();

  it('ingests every file', () => {
    assert.ok(run.status === 0 || run.status === 3, run.stderr);
    assert.deepEqual([...rows.keys()].sort(), cases.map((c) => c.name).sort());
  });

  cases.forEach((c, i) =>
    it(c.name, () => {
      const row = rows.get(c.name)!;
      const want = oracle[i];
      assert.equal(row.exposure_sec, c.exposureS);
      if (!want) {
        assert.equal(row.mjd, null);
        assert.equal(row.bjd_tdb, null);
      } else {
        const ms = Math.abs((row.mjd as number) - want.mjd) * 86400e3;
        assert.ok(ms < 1, `${c.name}: mid-exposure MJD ${ms.toFixed(4)} ms from astropy`);
        const startMs = Math.abs((row.mjd_start as number) + c.exposureS / 2 / 86400 - want.mjd) * 86400e3;
        assert.ok(startMs < 1, `${c.name}: start ${startMs.toFixed(4)} ms off`);
        if (want.bjd) {
          assert.equal(typeof row.bjd_tdb, 'number', `${c.name}: no BJD_TDB (${String(row.time_note)})`);
          const bms = Math.abs((row.bjd_tdb as number) - 2400000.5 - (want.bjd[0] - 2400000.5 + want.bjd[1])) * 86400e3;
          process.stdout.write(`# ${c.name}: BJD_TDB ${bms.toFixed(3)} ms from astropy (${String(row.time_source)})\n`);
          assert.ok(bms < 10, `${c.name}: BJD_TDB ${bms.toFixed(3)} ms from astropy`);
          assert.equal(typeof row.hjd_utc, 'number', `${c.name}: no HJD`);
          const hms =
            Math.abs((row.hjd_utc as number) - 2400000.5 - (want.hjd![0] - 2400000.5 + want.hjd![1])) * 86400e3;
          process.stdout.write(`# ${c.name}: HJD (UTC) ${hms.toFixed(3)} ms from astropy\n`);
          assert.ok(hms < 10, `${c.name}: HJD (UTC) ${hms.toFixed(3)} ms from astropy`);
          // Airmass: sec z against astropy's AltAz (no refraction) within 0.1 % above 10°; none below the horizon.
          process.stdout.write(
            `# ${c.name}: altitude ${want.alt!.toFixed(1)}°, airmass ${String(row.airmass)} vs astropy ${want.secz!.toFixed(5)}\n`,
          );
          if (want.alt! > 10)
            assert.ok(
              Math.abs((row.airmass as number) / want.secz! - 1) < 1e-3,
              `${c.name}: airmass ${row.airmass} vs ${want.secz}`,
            );
          else if (want.alt! < 0) assert.equal(row.airmass, null);
        } else {
          assert.equal(row.bjd_tdb, null);
          assert.equal(row.hjd_utc, null);
        }
      }
      if (c.note) assert.match(String(row.time_note), c.note);
    }),
  );

  it('stores the footprint polygon (outer pixel edges, ICRS) and pixel scale in wcs_json, within 1 mas of astropy', () => {
    const wcs = JSON.parse(String(rows.get('iso-time-obs-wcs')!.wcs_json)) as {
      footprint: [number, number][];
      pixelScaleArcsec: number;
      projection: string;
    };
    const want = oracle[cases.findIndex((c) => c.name === 'iso-time-obs-wcs')]!.footprint!;
    assert.equal(wcs.projection, 'TAN');
    wcs.footprint.forEach(([ra, dec], i) => {
      const mas = Math.hypot((ra - want[i][0]) * Math.cos((dec * Math.PI) / 180), dec - want[i][1]) * 3.6e6;
      assert.ok(mas < 1, `corner ${i}: ${mas} mas`);
    });
    // |det CD| = 0.0008² + 0.0001² deg² per pixel; TAN's scale at 25 px from CRPIX differs by < 1e-6.
    assert.ok(Math.abs(wcs.pixelScaleArcsec / (Math.sqrt(0.0008 ** 2 + 0.0001 ** 2) * 3600) - 1) < 1e-5);
    assert.equal(rows.get('mjd-obs-no-position')!.wcs_json, null);
  });

  it('names the keywords the times came from', () => {
    assert.match(
      String(rows.get('dss-1951')!.time_source),
      /DATE-OBS\+UT, EXPOSURE \(minutes\); OBJCTRA\/OBJCTDEC \(FK5 J2000\); SITELONG\/SITELAT/,
    );
    assert.match(
      String(rows.get('iso-time-obs-wcs')!.time_source),
      /DATE-OBS\+TIME-OBS, EXPTIME; WCS image centre; OBSGEO-X\/Y\/Z/,
    );
  });

  it('exports bjd_tdb and hjd_utc with unit d and UCD time.epoch;obs (owb catalog frames, VOTable read by astropy)', () => {
    const out = join(root, 'frames.vot');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'catalog', 'frames', '--db', db, '--format', 'votable', '--out', out],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const got = python<{
      fields: Record<string, [string, string]>;
      bjd: Record<string, number | null>;
      hjd: Record<string, number | null>;
    }>(
      `import json, sys, math
from astropy.io.votable import parse
t = parse(json.load(sys.stdin)).get_first_table()
fields = {f.name: [str(f.unit) if f.unit is not None else '', f.ucd or ''] for f in t.fields}
a = t.array
col = lambda k: {str(n): (None if (m or math.isnan(float(v))) else float(v)) for n, v, m in zip(a['fileName'], a[k].data, a[k].mask)}
print(json.dumps({'fields': fields, 'bjd': col('bjdTdb'), 'hjd': col('hjdUtc')}))`,
      out,
    );
    assert.deepEqual(got.fields.bjdTdb, ['d', 'time.epoch;obs']);
    assert.deepEqual(got.fields.mjdStart, ['d', 'time.start;obs.exposure']);
    assert.equal(got.bjd['iso-time-obs-wcs.fits'], rows.get('iso-time-obs-wcs')!.bjd_tdb);
    assert.equal(got.bjd['bad-date.fits'], null);
    assert.deepEqual(got.fields.hjdUtc, ['d', 'time.epoch;obs']);
    assert.equal(got.hjd['iso-time-obs-wcs.fits'], rows.get('iso-time-obs-wcs')!.hjd_utc);
    assert.equal(got.hjd['bad-date.fits'], null);
  });

  it('owb db retime recomputes cleared times from the files, or from the stored header when a file is gone', () => {
    const before = new Database(db);
    before.exec(
      'UPDATE frames SET mjd = NULL, mjd_start = NULL, bjd_tdb = NULL, hjd_utc = NULL, time_source = NULL, time_note = NULL',
    );
    before.close();
    rmSync(join(dir, 'old-1987-fk4.fits'));
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', 'db', 'retime', '--db', db, '--json'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { frames: 6, fromFile: 5, withTime: 5, withBjdTdb: 3, changed: 5 });
    const conn = new Database(db, { readonly: true });
    for (const row of conn
      .prepare('SELECT file_name, mjd, mjd_start, bjd_tdb, hjd_utc, time_note FROM frames')
      .all() as Array<Record<string, number | string | null>>) {
      const was = rows.get(String(row.file_name).replace('.fits', ''))!;
      for (const k of ['mjd', 'mjd_start', 'bjd_tdb', 'hjd_utc'])
        assert.equal(row[k], was[k], `${String(row.file_name)} ${k}`);
      if (row.file_name === 'old-1987-fk4.fits') assert.match(String(row.time_note), /header stored at ingest/);
    }
    conn.close();
  });
});

describe('a profile site serves frames whose headers name no observatory', { skip }, () => {
  it('BJD_TDB from the WCS centre and the profile site, within 10 ms of astropy; header sites still win', () => {
    const dir2 = join(root, 'profile-frames');
    mkdirSync(dir2, { recursive: true });
    const noSite = cases.find((c) => c.name === 'timesys-tt-no-site')!;
    const withSite = cases.find((c) => c.name === 'iso-time-obs-wcs')!;
    for (const c of [noSite, withSite]) {
      const h = new FitsHeader();
      for (const [k, v, comment] of c.cards) h.set(k, v, comment);
      const data = new Float32Array(SIZE * SIZE).map((_, p) => 50 + (p % 7));
      writeFileSync(
        join(dir2, `${c.name}.fits`),
        encodeFits([imageHdu({ width: SIZE, height: SIZE, data }, { header: h })]),
      );
    }
    const profile = join(root, 'site.yaml');
    writeFileSync(profile, 'site:\n  longitudeDeg: -17.88\n  latitudeDeg: 28.76\n  heightM: 2396\n');
    const db2 = join(root, 'profile.db');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/cli/main.ts',
        'process',
        dir2,
        '--db',
        db2,
        '--profile',
        profile,
        '--since',
        '1900-01-01',
        '--until',
        '2100-01-01',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.ok(r.status === 0 || r.status === 3, r.stderr);
    const conn = new Database(db2, { readonly: true });
    const got = new Map(
      (
        conn.prepare('SELECT file_name, bjd_tdb, time_source FROM frames').all() as Array<{
          file_name: string;
          bjd_tdb: number | null;
          time_source: string;
        }>
      ).map((row) => [row.file_name.replace('.fits', ''), row]),
    );
    conn.close();
    const want = python<Array<{ bjd: [number, number] }>>(PY, {
      size: SIZE,
      cases: [
        {
          ...noSite,
          note: undefined,
          target: 'WCS',
          site: 'EarthLocation.from_geodetic(-17.88 * u.deg, 28.76 * u.deg, 2396 * u.m)',
        },
        { ...withSite, note: undefined },
      ],
    });
    [noSite, withSite].forEach((c, i) => {
      const row = got.get(c.name)!;
      assert.equal(typeof row.bjd_tdb, 'number', `${c.name}: no BJD_TDB`);
      const ms = Math.abs(row.bjd_tdb! - 2400000.5 - (want[i].bjd[0] - 2400000.5 + want[i].bjd[1])) * 86400e3;
      assert.ok(ms < 10, `${c.name}: BJD_TDB ${ms.toFixed(3)} ms from astropy`);
    });
    assert.match(got.get(noSite.name)!.time_source, /WCS image centre; profile site$/);
    assert.match(got.get(withSite.name)!.time_source, /OBSGEO-X\/Y\/Z$/);

    // owb db retime honours the profile's site too: without --profile the site-less frame loses its BJD_TDB
    // (and says why); with it the ingest values come back.
    const retime = (...extra: string[]): Map<string, { bjd_tdb: number | null; time_note: string | null }> => {
      const rr = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src-main/cli/main.ts', 'db', 'retime', '--db', db2, '--json', ...extra],
        { cwd: repo, encoding: 'utf8' },
      );
      assert.equal(rr.status, 0, rr.stderr);
      const c2 = new Database(db2, { readonly: true });
      const rows = c2.prepare('SELECT file_name, bjd_tdb, time_note FROM frames').all() as Array<{
        file_name: string;
        bjd_tdb: number | null;
        time_note: string | null;
      }>;
      c2.close();
      return new Map(rows.map((row) => [row.file_name.replace('.fits', ''), row]));
    };
    const bare = retime();
    assert.equal(bare.get(noSite.name)!.bjd_tdb, null);
    assert.match(bare.get(noSite.name)!.time_note ?? '', /no BJD_TDB: no observatory position/);
    assert.equal(bare.get(withSite.name)!.bjd_tdb, got.get(withSite.name)!.bjd_tdb);
    const sited = retime('--profile', profile);
    assert.equal(sited.get(noSite.name)!.bjd_tdb, got.get(noSite.name)!.bjd_tdb);
    assert.equal(sited.get(withSite.name)!.bjd_tdb, got.get(withSite.name)!.bjd_tdb);
  });

  it('a bad site in a profile is refused, naming the field', () => {
    const profile = join(root, 'bad-site.yaml');
    writeFileSync(profile, 'site:\n  longitudeDeg: 200\n  latitudeDeg: 28.76\n');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/cli/main.ts',
        'process',
        join(root, 'profile-frames'),
        '--db',
        join(root, 'x.db'),
        '--profile',
        profile,
        '--since',
        '60000',
        '--until',
        '60001',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /^owb: bad-site\.yaml: site\.longitudeDeg: must be a number of degrees within ±180, got 200\n$/,
    );
  });
});
