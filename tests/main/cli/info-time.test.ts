// owb info --json: each image HDU's "time" (issue 18) on the real frames of ../shared/data/real, checked
// against astropy.time given the same header facts (start from DATE-OBS + UT/TIME-OBS, mid = start +
// exposure/2): MJD within 1 ms. The DSS plate (29/11/51, EXPOSURE in minutes, SITELAT/SITELONG, DSS plate
// solution) also gets BJD_TDB, against astropy with the WCS centre from astropy.wcs: within 10 ms. A
// DATE-OBS that cannot be parsed still reads, with a warning on stderr and "time": null.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeFits, imageHdu } from '../../../src-workers/core/fits/index.js';
import { astropyMissing, python } from '../../workers/core/wcs/wcs-oracle.js';

const repo = resolve(import.meta.dirname, '../../..');
// ../shared beside the main checkout; a worktree one level deeper finds it one level up.
const REAL = [resolve(repo, '../shared/data/real'), resolve(repo, '../../shared/data/real')].find(existsSync) ?? '';
const skip = astropyMissing() ?? (REAL ? undefined : '../shared/data/real is absent');
const root = mkdtempSync(join(tmpdir(), 'owb-info-time-'));
after(() => rmSync(root, { recursive: true, force: true }));

const owb = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'info', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });

interface HduTime {
  mjdStartUtc: number;
  mjdMidUtc: number;
  exposureS: number | null;
  bjdTdbMid: number | null;
  hjdUtcMid: number | null;
  source: string;
}

// [file, HDU, astropy start, exposure s]
const FRAMES: [string, number, string, number][] = [
  ['kpno_m51_B_600s_iraf_pix.fits', 0, "Time('1987-04-05T09:27:27', scale='utc')", 600],
  ['saao_1m_ste3_a8280271_raw.fits', 0, "Time('2013-07-13T00:57:33', scale='utc')", 150.04],
  ['gemini_gmos_s_ltt7379_cr.fits', 1, "Time('2019-08-08T00:42:27.4', scale='utc')", 90],
  ['dss_poss1_m67_M6707HH.fits', 0, "Time('1951-11-29T12:07:00', scale='utc')", 3000],
];

const PY = `import json, sys, warnings
import astropy.units as u
from astropy.time import Time
from astropy.coordinates import SkyCoord, EarthLocation
from astropy.io import fits
from astropy.wcs import WCS
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
mids = [float((eval(e) + x / 2 * u.s).mjd) for e, x in d['starts']]
h = fits.getheader(d['dss'])
w = WCS(h)
ra, dec = w.all_pix2world((h['NAXIS1'] - 1) / 2, (h['NAXIS2'] - 1) / 2, 0)
loc = EarthLocation.from_geodetic(-(116 + 51/60 + 48/3600) * u.deg, (33 + 24/60 + 24/3600) * u.deg, 0 * u.m)
t = Time(mids[-1], format='mjd', scale='utc', location=loc)
b = t.tdb + t.light_travel_time(SkyCoord(float(ra) * u.deg, float(dec) * u.deg), kind='barycentric')
hl = t.utc + t.light_travel_time(SkyCoord(float(ra) * u.deg, float(dec) * u.deg), kind='heliocentric')
# Frames that name their observatory (OBSERVAT) and point with RA/DEC (FK5 J2000): BJD_TDB for the site's
# position as in our table (SAAO Sutherland 20°48.7′ E, 32°22.7′ S, 1798 m; Gemini-South 70°44′12.1″ W,
# 30°14′26.7″ S, 2722 m) and the pointing converted by astropy.
named = []
for (i, lon, lat, hm, rs, ds) in [(0, 20 + 48.7 / 60, -(32 + 22.7 / 60), 1798, '22:04:08 hours', '-00:55:31 deg'),
                                    (1, -(70 + 44 / 60 + 12.1 / 3600), -(30 + 14 / 60 + 26.7 / 3600), 2722, '279.108125 deg', '-44.31025 deg')]:
    loc = EarthLocation.from_geodetic(lon * u.deg, lat * u.deg, hm * u.m)
    c = SkyCoord(rs, ds, frame='fk5', equinox='J2000').icrs
    tn = Time(mids[1 + i], format='mjd', scale='utc', location=loc)
    bn = tn.tdb + tn.light_travel_time(c, kind='barycentric')
    named.append([float(bn.jd1), float(bn.jd2)])
print(json.dumps({'mids': mids, 'bjd': [float(b.jd1), float(b.jd2)], 'hjd': [float(hl.jd1), float(hl.jd2)],
  'centre': [float(ra), float(dec)], 'named': named}))`;

describe('owb info --json: observation times', { skip }, () => {
  const oracle = skip
    ? undefined
    : python<{
        mids: number[];
        bjd: [number, number];
        hjd: [number, number];
        centre: [number, number];
        named: [number, number][];
      }>(PY, {
        starts: FRAMES.map((f) => [f[2], f[3]]),
        dss: join(REAL, 'dss_poss1_m67_M6707HH.fits'),
      });
  FRAMES.forEach(([file, hdu, , exposure], i) =>
    it(`${file}: mid-exposure MJD within 1 ms of astropy`, () => {
      const r = owb(join(REAL, file), '--json');
      assert.equal(r.status, 0, r.stderr);
      const time = (JSON.parse(r.stdout) as { hdus: Array<{ time?: HduTime | null }> }).hdus[hdu].time;
      assert.ok(time, `${file}: no time`);
      const ms = Math.abs(time.mjdMidUtc - oracle!.mids[i]) * 86400e3;
      assert.ok(ms < 1, `${file}: ${ms.toFixed(4)} ms from astropy`);
      assert.equal(time.exposureS, exposure);
      if (file.startsWith('dss')) {
        assert.ok(time.bjdTdbMid !== null, 'DSS plate: no BJD_TDB');
        const bms = Math.abs(time.bjdTdbMid - 2400000.5 - (oracle!.bjd[0] - 2400000.5 + oracle!.bjd[1])) * 86400e3;
        process.stdout.write(`# DSS M67 BJD_TDB ${bms.toFixed(3)} ms from astropy\n`);
        assert.ok(bms < 10, `BJD_TDB ${bms} ms from astropy`);
        assert.ok(time.hjdUtcMid !== null, 'DSS plate: no HJD');
        const hms = Math.abs(time.hjdUtcMid - 2400000.5 - (oracle!.hjd[0] - 2400000.5 + oracle!.hjd[1])) * 86400e3;
        process.stdout.write(`# DSS M67 HJD ${hms.toFixed(3)} ms from astropy\n`);
        assert.ok(hms < 10, `HJD ${hms} ms from astropy`);
        assert.match(time.source, /DATE-OBS\+UT, EXPOSURE \(minutes\); WCS image centre; SITELONG\/SITELAT/);
        // The sky summary: the DSS plate's image centre. astropy gives it in the header's FK5 J2000, ours is
        // ICRS: the two differ by the frame bias (~20 mas), hence 0.1″.
        const sky = (JSON.parse(r.stdout) as { hdus: Array<{ sky?: Record<string, unknown> }> }).hdus[0].sky!;
        assert.equal(sky.distortion, 'DSS');
        const [ra, dec] = oracle!.centre;
        const sep = Math.hypot(
          ((sky.raCenterDeg as number) - ra) * Math.cos((dec * Math.PI) / 180),
          (sky.decCenterDeg as number) - dec,
        );
        assert.ok(sep * 3600 < 0.1, `DSS centre ${sep * 3600}″ from astropy`);
      } else if (file.startsWith('saao') || file.startsWith('gemini')) {
        // No site coordinates in the header, but OBSERVAT names a known observatory.
        assert.ok(time.bjdTdbMid !== null, `${file}: no BJD_TDB`);
        const [j1, j2] = oracle!.named[file.startsWith('saao') ? 0 : 1];
        const bms = Math.abs(time.bjdTdbMid - 2400000.5 - (j1 - 2400000.5 + j2)) * 86400e3;
        process.stdout.write(`# ${file} BJD_TDB ${bms.toFixed(3)} ms from astropy\n`);
        assert.ok(bms < 10, `${file}: BJD_TDB ${bms} ms from astropy`);
        assert.match(time.source, /RA\/DEC \(FK5 J2000\); OBSERVAT '(SAAO|Gemini-South)' \(known observatory\)$/);
      } else {
        assert.equal(time.bjdTdbMid, null);
        assert.equal(time.hjdUtcMid, null);
      }
    }),
  );

  it('an unparseable DATE-OBS: exit 0, one warning naming the file, HDU and keyword, "time": null', () => {
    const path = join(root, 'bad-date.fits');
    const data = new Float32Array(16).fill(1);
    writeFileSync(
      path,
      encodeFits([imageHdu({ width: 4, height: 4, data }, { header: { 'DATE-OBS': '31/02/2021', EXPTIME: 5 } })]),
    );
    const r = owb(path, '--json');
    assert.equal(r.status, 0, r.stderr);
    const hdu0 = (JSON.parse(r.stdout) as { hdus: Array<{ time: unknown; timeNote?: string; sky?: unknown }> }).hdus[0];
    assert.equal(hdu0.time, null);
    assert.match(hdu0.timeNote ?? '', /DATE-OBS '31\/02\/2021' is not a FITS date/);
    assert.deepEqual(hdu0.sky, { reason: 'no CTYPE1/CTYPE2 keywords (and no DSS plate solution)' });
    assert.match(r.stderr, /owb info: warning: bad-date\.fits: HDU 0: DATE-OBS '31\/02\/2021' is not a FITS date/);
  });
});
