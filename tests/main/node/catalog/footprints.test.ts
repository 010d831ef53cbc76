// Frames whose footprint contains a position (footprints.ts, `owb catalog frames-at`) against astropy: for a
// rotated TAN-SIP frame in ICRS, a galactic CAR frame and a plate-solved frame (solution cards in wcs_json),
// astropy's SkyCoord → all_world2pix decides for each probe whether the pixel lies inside the outer edges
// (−½ … N − ½). Probes sit 0.3 px inside and outside edges and corners, so a corner-polygon test would fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../../../src-main/node/catalog/database.js';
import { framesContaining } from '../../../../src-main/node/catalog/footprints.js';
import { parseCelestialWcs, recordSource, summarizeWcs } from '../../../../src-workers/core/wcs/index.js';
import { astropyMissing, python } from '../../../workers/core/wcs/wcs-oracle.js';

const skip = astropyMissing();
const dir = mkdtempSync(join(tmpdir(), 'owb-footprints-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Cards = Record<string, string | number>;
const frames: { name: string; header: Cards; solution?: Cards }[] = [
  {
    name: 'tan-sip',
    header: {
      NAXIS: 2,
      NAXIS1: 100,
      NAXIS2: 80,
      CTYPE1: 'RA---TAN-SIP',
      CTYPE2: 'DEC--TAN-SIP',
      CRVAL1: 150.2,
      CRVAL2: 2.3,
      CRPIX1: 40.5,
      CRPIX2: 35.2,
      CD1_1: -2.5e-4,
      CD1_2: 1.1e-4,
      CD2_1: 1.0e-4,
      CD2_2: 2.4e-4,
      A_ORDER: 2,
      B_ORDER: 2,
      A_2_0: 2e-5,
      A_0_2: -1e-5,
      B_1_1: 3e-5,
    },
  },
  {
    name: 'galactic-car',
    header: {
      NAXIS: 2,
      NAXIS1: 60,
      NAXIS2: 50,
      CTYPE1: 'GLON-CAR',
      CTYPE2: 'GLAT-CAR',
      CRVAL1: 18.0,
      CRVAL2: 0.0,
      CRPIX1: -500.5,
      CRPIX2: 20.5,
      CDELT1: -6e-4,
      CDELT2: 6e-4,
    },
  },
  {
    name: 'solved',
    header: { NAXIS: 2, NAXIS1: 90, NAXIS2: 90, RA: '10:00:48', DEC: '+02:18:00' },
    solution: {
      CTYPE1: 'RA---TAN',
      CTYPE2: 'DEC--TAN',
      CRVAL1: 150.2,
      CRVAL2: 2.3,
      CRPIX1: 45.5,
      CRPIX2: 45.5,
      CD1_1: -3e-4,
      CD1_2: 0,
      CD2_1: 0,
      CD2_2: 3e-4,
    },
  },
];

describe('frames whose footprint contains a position vs astropy', { skip }, () => {
  it('keeps exactly the frames astropy puts the position in, with its pixel', () => {
    const db = openDatabase(join(dir, 'c.db'));
    const probes: [number, number][] = [];
    frames.forEach((f, i) => {
      const wcsCards = { ...f.header, ...(f.solution ?? {}) };
      const parsed = parseCelestialWcs(recordSource(wcsCards));
      assert.ok('wcs' in parsed);
      const s = summarizeWcs(parsed.wcs);
      const summary = { footprint: s.corners.map((c) => [c.ra, c.dec]) };
      db.prepare(
        `INSERT INTO frames (content_hash, path, file_name, size_bytes, header_json, frame_type, width, height,
           ra_center, dec_center, wcs_json, status, created_at) VALUES (?, ?, ?, 0, ?, 'light', ?, ?, ?, ?, ?, 'done', 0)`,
      ).run(
        `h${i}`,
        `/x/${f.name}.fits`,
        `${f.name}.fits`,
        JSON.stringify(f.header),
        f.header.NAXIS1,
        f.header.NAXIS2,
        s.centre.ra,
        s.centre.dec,
        JSON.stringify(f.solution ?? summary),
      );
      if (f.solution) db.prepare("UPDATE frames SET solve_status = 'solved' WHERE id = ?").run(i + 1);
      const [n1, n2] = [Number(f.header.NAXIS1), Number(f.header.NAXIS2)];
      for (const [x, y] of [
        [-0.8, 10],
        [-0.2, 10],
        [n1 - 0.2, n2 / 2],
        [n1 - 0.8, n2 / 2],
        [n1 / 3, -0.8],
        [n1 / 3, -0.2],
        [5, n2 - 0.2],
        [5, n2 - 0.8],
        [-0.2, -0.2],
        [n1 - 0.8, n2 - 0.8],
        [n1 - 0.2, n2 - 0.2],
        [n1 / 2, n2 / 2],
      ])
        probes.push(parsed.wcs.pixelToSky(x, y));
    });
    const ref = python<boolean[][]>(
      `import json, sys, warnings, numpy as np
from astropy.wcs import WCS
from astropy.io import fits
from astropy.coordinates import SkyCoord
import astropy.units as u
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
out = []
for f in d['frames']:
    h = fits.Header({**f['header'], **(f.get('solution') or {})})
    w = WCS(h)
    c = SkyCoord([p[0] for p in d['probes']] * u.deg, [p[1] for p in d['probes']] * u.deg, frame='icrs')
    x, y = w.world_to_pixel(c)
    n1, n2 = h['NAXIS1'], h['NAXIS2']
    out.append([bool(-0.5 <= a <= n1 - 0.5 and -0.5 <= b <= n2 - 0.5) for a, b in zip(x, y)])
print(json.dumps(out))`,
      { frames, probes },
    );
    let inside = 0;
    probes.forEach(([ra, dec], k) => {
      const got = framesContaining(db, ra, dec).map((f) => f.fileName);
      const want = frames.filter((_, i) => ref[i][k]).map((f) => `${f.name}.fits`);
      assert.deepEqual([...got].sort(), want.sort(), `probe ${k} (${ra}, ${dec})`);
      inside += want.length;
    });
    assert.ok(inside > 15 && inside < probes.length * 2, `${inside} hits: the probes do not test both sides`);
    db.close();
  });

  it('owb catalog frames-at prints them as rows (JSON), nearest centre first; a bad --dec exits 2', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', 'catalog', 'frames-at', ...args], {
        cwd: resolve(import.meta.dirname, '../../../..'),
        encoding: 'utf8',
      });
    const r = run('--db', join(dir, 'c.db'), '--ra', '150.2', '--dec', '2.3', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { fileName: string; x: number; y: number }[];
    assert.deepEqual(
      rows.map((f) => f.fileName),
      ['solved.fits', 'tan-sip.fits'],
    );
    assert.ok(Math.abs(rows[1].x - 39.5) < 1e-6 && Math.abs(rows[1].y - 34.2) < 1e-6, JSON.stringify(rows[1]));
    const bad = run('--db', join(dir, 'c.db'), '--ra', '150', '--dec', '95');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^owb: .*--dec must be in \[-90, 90\]/m);
  });
});
