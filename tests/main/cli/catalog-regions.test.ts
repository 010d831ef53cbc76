import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../src-main/node/catalog/index.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-regions-'));
const db = join(root, 'cat.sqlite');
after(() => rmSync(root, { recursive: true, force: true }));

const PYTHON = '/usr/bin/python3';
const hasRegions = spawnSync(PYTHON, ['-c', 'import regions, astropy.wcs']).status === 0;

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

/** An orthographic (SIN) frame in galactic coordinates: a WCS the old TAN-only reader refused. */
const HEADER = {
  NAXIS: 2,
  NAXIS1: 200,
  NAXIS2: 150,
  CTYPE1: 'GLON-SIN',
  CTYPE2: 'GLAT-SIN',
  CRPIX1: 90.5,
  CRPIX2: 70.25,
  CRVAL1: 30.2,
  CRVAL2: -2.5,
  CD1_1: -0.0011,
  CD1_2: 0.0003,
  CD2_1: 0.00025,
  CD2_2: 0.00105,
};
const X = [10.25, 100, 180.5];
const Y = [5.5, 75, 140.75];

before(() => {
  const catalog = Catalog.open(db);
  const { frameId } = new FrameStore(catalog.db).ingest({
    contentHash: 'sin',
    path: '/night/sin.fits',
    fileName: 'sin.fits',
    sizeBytes: 1,
    mtimeMs: 1,
    meta: { frameType: 'light', filter: 'R', mjd: 60100, header: HEADER },
    job: { kind: 'process-frame', profile: 'default', maxAttempts: 3 },
  });
  catalog.db.transaction(() =>
    new FrameResultWriter(catalog.db).write(frameId, {
      width: 200,
      height: 150,
      quality: { medianAdu: 10 },
      ran: [],
      skipped: [],
      sources: {
        count: 3,
        x: Float64Array.from(X),
        y: Float64Array.from(Y),
        flux: Float64Array.from([1, 2, 3]),
        a: Float64Array.from([3, 2, 4]),
        b: Float64Array.from([2, 1.5, 1]),
        theta: Float64Array.from([10, -45, 80]),
      },
    }),
  )();
  catalog.close();
});

describe('owb catalog sources --format ds9*', () => {
  it(
    'writes image regions that astropy-regions reads at the sources (1-based in the file)',
    { skip: !hasRegions && 'needs python3-regions' },
    () => {
      const out = join(root, 'img.reg');
      const r = owb(['catalog', 'sources', '--db', db, '--format', 'ds9', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /owb: 3 regions written to/);
      const py = spawnSync(
        PYTHON,
        [
          '-c',
          `import regions,json;print(json.dumps([[r.center.x,r.center.y] for r in regions.Regions.read(${JSON.stringify(out)},format='ds9')]))`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(py.status, 0, py.stderr);
      const centres = JSON.parse(py.stdout) as Array<[number, number]>;
      // astropy-regions keeps DS9's 1-based pixel convention minus one: its centres are 0-based like ours.
      centres.forEach(([x, y], i) => {
        assert.ok(Math.abs(x - X[i]) < 1e-3 && Math.abs(y - Y[i]) < 1e-3, `${x},${y} vs ${X[i]},${Y[i]}`);
      });
    },
  );

  for (const system of ['icrs', 'fk5'] as const) {
    it(
      `writes ${system} regions through a galactic SIN WCS, where astropy's WCS puts the sources (≤ 5 mas)`,
      { skip: !hasRegions && 'needs python3-regions' },
      () => {
        const out = join(root, `${system}.reg`);
        const r = owb(['catalog', 'sources', '--db', db, '--frame', '1', '--format', `ds9-${system}`, '--out', out]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(readFileSync(out, 'utf8'), new RegExp(`^${system}$`, 'm'));
        const script = join(root, `check-${system}.py`);
        writeFileSync(
          script,
          [
            'import json, sys, regions',
            'from astropy.io import fits',
            'from astropy.wcs import WCS',
            `h = fits.Header(); [h.set(k, v) for k, v in json.loads(${JSON.stringify(JSON.stringify(HEADER))}).items()]`,
            `w = WCS(h); sky = w.pixel_to_world(${JSON.stringify(X)}, ${JSON.stringify(Y)}).transform_to('${system}')`,
            `got = [r.center.transform_to('${system}') for r in regions.Regions.read(sys.argv[1], format='ds9')]`,
            'print(json.dumps([g.separation(s).arcsec for g, s in zip(got, sky)]))',
          ].join('\n'),
        );
        const py = spawnSync(PYTHON, [script, out], { encoding: 'utf8' });
        assert.equal(py.status, 0, py.stderr);
        const sep = JSON.parse(py.stdout) as number[];
        assert.equal(sep.length, 3);
        for (const s of sep) assert.ok(s < 0.005, `separation ${s}″`);
      },
    );
  }

  it('names what is missing: sky regions without --frame, regions of another table (exit 2)', () => {
    const noFrame = owb(['catalog', 'sources', '--db', db, '--format', 'ds9-icrs']);
    assert.equal(noFrame.status, 2);
    assert.match(noFrame.stderr, /^owb: .*choose a frame \(--frame ID\)/m);
    const objects = owb(['catalog', 'objects', '--db', db, '--format', 'ds9']);
    assert.equal(objects.status, 2);
    assert.match(objects.stderr, /regions are written for 'catalog sources' only/);
  });
});
