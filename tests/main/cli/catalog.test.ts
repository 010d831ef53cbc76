import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { Catalog, FrameResultWriter, FrameStore } from '../../../src-main/node/catalog/index.js';

const repo = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'owb-cli-catalog-'));
const db = join(root, 'cat.sqlite');
after(() => rmSync(root, { recursive: true, force: true }));

function owb(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

/** Three frames of the same three stars near RA 0 (one across the 0/360 seam), with known fluxes. */
before(() => {
  const catalog = Catalog.open(db);
  const store = new FrameStore(catalog.db);
  const writer = new FrameResultWriter(catalog.db);
  const ra = Float64Array.from([359.9999, 0.0002, 10]);
  const dec = Float64Array.from([-1, -1, 45]);
  for (let f = 0; f < 3; f++) {
    const { frameId } = store.ingest({
      contentHash: `h${f}`,
      path: `/night/f${f}.fits`,
      fileName: `f${f}.fits`,
      sizeBytes: 1,
      mtimeMs: 1,
      meta: { frameType: 'light', filter: 'R', mjd: 60100 + f },
      job: { kind: 'process-frame', profile: 'default', maxAttempts: 3 },
    });
    catalog.db.transaction(() =>
      writer.write(frameId, {
        width: 100,
        height: 100,
        quality: { medianAdu: 10 },
        ran: [],
        skipped: [],
        sources: {
          count: 3,
          x: Float64Array.from([1.5, 2.5, 3.5]),
          y: Float64Array.from([4, 5, 6]),
          ra,
          dec,
          flux: Float64Array.from([100 + f, 200, 300]),
        },
      }),
    )();
  }
  catalog.addCandidate({ kind: 'variable', objectId: 1, score: 0.8 });
  catalog.close();
});

describe('owb catalog', () => {
  it(
    'exports sources as VOTable that astropy reads with units and UCDs',
    {
      skip: spawnSync('/usr/bin/python3', ['-c', 'import astropy.io.votable']).status === 0 ? false : 'needs astropy',
    },
    () => {
      const out = join(root, 'src.vot');
      const r = owb(['catalog', 'sources', '--db', db, '--frame', '2', '--format', 'votable', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      const py = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          [
            'import sys, json',
            'from astropy.io.votable import parse',
            "t = parse(sys.argv[1], verify='exception').get_first_table()",
            "print(json.dumps({f.name: [str(f.unit), f.ucd] for f in t.fields} | {'_n': len(t.array), '_flux': [float(v) for v in t.array['flux']]}))",
          ].join('\n'),
          out,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(py.status, 0, py.stderr);
      const got = JSON.parse(py.stdout);
      assert.deepEqual(got.ra, ['deg', 'pos.eq.ra;meta.main']);
      assert.deepEqual(got.dec, ['deg', 'pos.eq.dec;meta.main']);
      assert.deepEqual(got.x, ['pix', 'pos.cartesian.x;instr.det']);
      assert.equal(got._n, 3);
      assert.deepEqual(got._flux, [101, 200, 300]);
    },
  );

  it("lists frames and one frame's sources as JSON and CSV", () => {
    const frames = owb(['catalog', 'frames', '--db', db, '--format', 'json', '--sort', 'file_name', '--desc']);
    assert.equal(frames.status, 0, frames.stderr);
    assert.deepEqual(
      (JSON.parse(frames.stdout) as Array<{ fileName: string }>).map((f) => f.fileName),
      ['f2.fits', 'f1.fits', 'f0.fits'],
    );
    const csv = owb(['catalog', 'sources', '--db', db, '--frame', '2', '--format', 'csv']);
    assert.equal(csv.status, 0, csv.stderr);
    // The # lines say each column's unit and UCD; the rest is plain RFC 4180 CSV.
    assert.match(csv.stdout, /^# flux \[adu\] \(phot\.flux\): /m);
    const lines = csv.stdout
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^id,frameId,idx,x,y,/);
    assert.match(lines[1], /^4,2,0,1\.5,4,/);
  });

  it('exports every row unless --limit says otherwise, prints the count, and labels fluxes with BUNIT', () => {
    const big = join(root, 'big.sqlite');
    const catalog = Catalog.open(big);
    const store = new FrameStore(catalog.db);
    const writer = new FrameResultWriter(catalog.db);
    const n = 2500;
    const { frameId } = store.ingest({
      contentHash: 'big',
      path: '/night/glimpse.fits',
      fileName: 'glimpse.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: { frameType: 'light', mjd: 60200.5, header: { BUNIT: 'MJy/sr' } },
      job: { kind: 'process-frame', profile: 'default', maxAttempts: 3 },
    });
    catalog.db.transaction(() =>
      writer.write(frameId, {
        width: 100,
        height: 100,
        quality: {},
        ran: [],
        skipped: [],
        sources: {
          count: n,
          x: Float64Array.from({ length: n }, (_, i) => i % 100),
          y: Float64Array.from({ length: n }, (_, i) => Math.floor(i / 100)),
          flux: Float64Array.from({ length: n }, (_, i) => i + 0.5),
        },
      }),
    )();
    catalog.close();
    // Before: a silent 1000-row default cut this export to 1000 of 2500 rows.
    const all = owb(['catalog', 'sources', '--db', big, '--format', 'json']);
    assert.equal(all.status, 0, all.stderr);
    const rows = JSON.parse(all.stdout) as Array<{ flux: number }>;
    assert.equal(rows.length, n);
    assert.equal(rows[n - 1].flux, n - 0.5);
    assert.match(all.stderr, /owb: 2500 rows/);
    const some = owb(['catalog', 'sources', '--db', big, '--format', 'json', '--limit', '10', '--offset', '2495']);
    assert.equal(some.status, 0, some.stderr);
    assert.deepEqual(
      (JSON.parse(some.stdout) as Array<{ flux: number }>).map((r) => r.flux),
      [2495.5, 2496.5, 2497.5, 2498.5, 2499.5],
    );
    assert.match(some.stderr, /owb: 5 rows/);
    const ecsv = owb(['catalog', 'sources', '--db', big, '--format', 'ecsv', '--limit', '3']);
    assert.equal(ecsv.status, 0, ecsv.stderr);
    assert.match(ecsv.stdout, /# - \{name: "flux", unit: "MJy\/sr", datatype: float64/);
  });

  it('finds objects in a cone across RA 0/360 and gives their light curve', () => {
    const cone = owb([
      'catalog',
      'cone',
      '--db',
      db,
      '--ra',
      '0',
      '--dec=-1',
      '--radius-arcsec',
      '1',
      '--format',
      'json',
    ]);
    assert.equal(cone.status, 0, cone.stderr);
    const hits = JSON.parse(cone.stdout) as Array<{ id: number; distanceArcsec: number; nObs: number }>;
    assert.deepEqual(
      hits.map((h) => h.id),
      [1, 2],
    ); // 0.36" and 0.72" away, on either side of the seam
    assert.equal(hits[0].nObs, 3);
    const curve = owb(['catalog', 'lightcurve', '--db', db, '--object', '1', '--format', 'json']);
    assert.deepEqual(
      (JSON.parse(curve.stdout) as Array<{ flux: number; mjd: number }>).map((m) => [m.mjd, m.flux]),
      [
        [60100, 100],
        [60101, 101],
        [60102, 102],
      ],
    );
  });

  it('writes sources as a FITS table with 1-based X_IMAGE/Y_IMAGE', async () => {
    const out = join(root, 'sources.fits');
    const r = owb(['catalog', 'sources', '--db', db, '--format', 'fits', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const { hdus } = await readFitsStructure(out);
    assert.equal(hdus[1].header.get('NAXIS2'), 9);
    const names = hdus[1].header.cards.filter((c) => c.key.startsWith('TTYPE')).map((c) => c.value);
    assert.ok(names.includes('X_IMAGE') && names.includes('RA') && names.includes('FLUX'), names.join(','));
  });

  it('labels a candidate, undoes it, and keeps the history', () => {
    const catalog = Catalog.open(db);
    catalog.addLabel(1, 'real', { who: 'ann' });
    catalog.close();
    assert.equal(
      owb(['catalog', 'label', '--db', db, '--candidate', '1', '--label', 'bogus', '--who', 'bob']).status,
      0,
    );
    const undone = owb(['catalog', 'unlabel', '--db', db, '--candidate', '1', '--format', 'json']);
    assert.equal(undone.status, 0, undone.stderr);
    assert.equal((JSON.parse(undone.stdout) as Array<{ label: string }>)[0].label, 'bogus');
    const history = JSON.parse(
      owb(['catalog', 'history', '--db', db, '--candidate', '1', '--format', 'json']).stdout,
    ) as Array<{ label: string; undoneAt: number | null }>;
    assert.deepEqual(
      history.map((h) => [h.label, h.undoneAt === null]),
      [
        ['real', true],
        ['bogus', false],
      ],
    );
  });

  it('names bad input (exit 2)', () => {
    for (const [args, message] of [
      [
        ['catalog', 'cone', '--db', db, '--ra', '0', '--dec', '95', '--radius-arcsec', '5'],
        /--dec must be in \[-90, 90\]/,
      ],
      [['catalog', 'sources', '--db', db, '--format', 'fits'], /--format fits needs --out FILE/],
      [['catalog', 'stars', '--db', db], /expected one of frames, sources/],
    ] as const) {
      const r = owb([...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
