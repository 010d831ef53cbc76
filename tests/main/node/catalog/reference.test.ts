import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalog, FrameResultWriter, FrameStore } from '../../../../src-main/node/catalog/index.js';
import { readReferenceTable, referenceList, sexagesimal } from '../../../../src-main/node/catalog/reference/index.js';

const PYTHON = '/usr/bin/python3';
const hasAstropy = spawnSync(PYTHON, ['-c', 'import astropy.io.votable']).status === 0;
const skip = hasAstropy ? false : 'needs python3-astropy';
const repo = resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-reference-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Truth {
  ra: number[];
  dec: number[];
  mag: number[];
  err: number[];
  ids: string[];
}
let truth: Truth;

before(() => {
  if (!hasAstropy) return;
  const r = spawnSync(PYTHON, [join(import.meta.dirname, 'reference-gen.py'), dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
});

/** Great-circle separation in arcsec. */
function sepArcsec(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const d = Math.PI / 180;
  const s =
    Math.sin(((dec2 - dec1) * d) / 2) ** 2 +
    Math.cos(dec1 * d) * Math.cos(dec2 * d) * Math.sin(((ra2 - ra1) * d) / 2) ** 2;
  return (2 * Math.asin(Math.sqrt(s)) * 180 * 3600) / Math.PI;
}

describe('reference lists people bring', () => {
  // Tolerances: binary formats carry doubles (1 µas); the CSV's sexagesimal text is rounded to 1.5 mas;
  // FK4 B1950 → ICRS goes through our frames against astropy's (agree to 0.1 mas; 1 mas allowed).
  const cases: Array<[string, number, boolean]> = [
    ['ref-tabledata.vot', 0.001, true],
    ['ref-binary2.vot', 0.001, true],
    ['ref-binary.vot', 0.001, true],
    ['ref.ecsv', 0.001, true],
    ['ref.fits', 0.001, false],
    ['ref.csv', 3, false],
    ['ref-fk4.vot', 1, false],
  ];
  for (const [file, tolMas, byUcd] of cases) {
    it(
      `${file}: astropy's positions come back in ICRS within ${tolMas} mas${byUcd ? ', columns found by UCD' : ''}`,
      { skip },
      async () => {
        // astropy writes no TUCDn and these names are no one's convention: the user names the columns.
        const choice = file.endsWith('.fits') ? { ra: 'alpha_x', dec: 'delta_x' } : {};
        const ref = referenceList(await readReferenceTable(join(dir, file)), choice);
        assert.equal(ref.rows, truth.ra.length);
        for (let i = 0; i < ref.rows; i++) {
          const sep = sepArcsec(ref.ra[i], ref.dec[i], truth.ra[i], truth.dec[i]) * 1000;
          assert.ok(sep <= tolMas, `${file} row ${i + 1}: ${sep.toFixed(4)} mas off`);
          assert.ok(ref.ra[i] >= 0 && ref.ra[i] < 360);
        }
        if (byUcd) {
          assert.match(ref.found.join('; '), /ra ← alpha_x \(UCD pos\.eq\.ra;meta\.main/);
          assert.deepEqual(Array.from(ref.mag ?? []), truth.mag);
          assert.deepEqual(Array.from(ref.magErr ?? []), truth.err);
          assert.deepEqual(ref.id, truth.ids);
        }
        if (file === 'ref-fk4.vot') assert.match(ref.found.join('; '), /positions FK4 1950 → ICRS/);
      },
    );
  }

  it('reads sexagesimal forms', () => {
    assert.equal(sexagesimal('12:30:00'), 12.5);
    assert.equal(sexagesimal('-00 30 00'), -0.5);
    assert.equal(sexagesimal('12h34m36s'), 12 + 34 / 60 + 36 / 3600);
    assert.equal(sexagesimal('+10d30m'), 10.5);
    assert.equal(sexagesimal('10:61:00'), undefined);
    assert.equal(sexagesimal('ten'), undefined);
  });

  it('names the file and the problem: no Dec column, a position out of range, a broken VOTable', async () => {
    writeFileSync(join(dir, 'nodec.csv'), 'ra,flux\n10,1\n');
    await assert.rejects(
      async () => referenceList(await readReferenceTable(join(dir, 'nodec.csv'))),
      /nodec\.csv: no Dec column found by UCD .*--ra-col\/--dec-col/,
    );
    writeFileSync(join(dir, 'far.csv'), 'ra,dec\n10,1\n10,95\n');
    await assert.rejects(
      async () => referenceList(await readReferenceTable(join(dir, 'far.csv'))),
      /far\.csv: row 2: \(10, 95\) is not a sky position/,
    );
    writeFileSync(
      join(dir, 'short.vot'),
      '<?xml version="1.0"?><VOTABLE><RESOURCE><TABLE><FIELD name="ra" datatype="double"/><DATA><BINARY2><STREAM encoding="base64">AAAA</STREAM></BINARY2></DATA></TABLE></RESOURCE></VOTABLE>',
    );
    await assert.rejects(readReferenceTable(join(dir, 'short.vot')), /short\.vot: BINARY stream ends inside row 1/);
    await assert.rejects(readReferenceTable(join(dir, 'missing.vot')), /missing\.vot: cannot open: ENOENT/);
  });

  it('owb catalog xmatch: each reference star gets the nearest object within the radius, once', { skip }, () => {
    const db = join(dir, 'cat.sqlite');
    const catalog = Catalog.open(db);
    const { frameId } = new FrameStore(catalog.db).ingest({
      contentHash: 'x',
      path: '/n/x.fits',
      fileName: 'x.fits',
      sizeBytes: 1,
      mtimeMs: 1,
      meta: { frameType: 'light', filter: 'V', mjd: 60000 },
      job: { kind: 'process-frame', profile: 'default', maxAttempts: 3 },
    });
    // Objects 0.4″ north of the first five stars (the first two straddle RA 0/360), and one 20″ from star 6.
    const offsets = [0.4, 0.4, 0.4, 0.4, 0.4, 20].map((a) => a / 3600);
    catalog.db.transaction(() =>
      new FrameResultWriter(catalog.db).write(frameId, {
        width: 10,
        height: 10,
        quality: { medianAdu: 1 },
        ran: [],
        skipped: [],
        sources: {
          count: 6,
          x: Float64Array.from([1, 2, 3, 4, 5, 6]),
          y: Float64Array.from([1, 2, 3, 4, 5, 6]),
          ra: Float64Array.from(truth.ra),
          dec: Float64Array.from(truth.dec, (d, i) => d + offsets[i]),
          flux: Float64Array.from([1, 1, 1, 1, 1, 1]),
        },
      }),
    )();
    catalog.close();
    const out = join(dir, 'xmatch.csv');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/cli/main.ts',
        'catalog',
        'xmatch',
        '--db',
        db,
        '--ref',
        join(dir, 'ref-binary2.vot'),
        '--radius-arcsec',
        '2',
        '--unmatched',
        '--format',
        'json',
        '--out',
        out,
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /owb: 5 of 6 reference rows matched an object within 2″/);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Array<Record<string, number | string | null>>;
    assert.equal(rows.length, 6);
    rows.slice(0, 5).forEach((m, i) => {
      assert.equal(m.ref_id, truth.ids[i]);
      assert.ok(Math.abs(Number(m.sep_arcsec) - 0.4) < 1e-6, `sep ${m.sep_arcsec}`);
      assert.equal(m.ref_mag, truth.mag[i]);
    });
    assert.equal(rows[5].object_id, null);
    assert.equal(new Set(rows.slice(0, 5).map((m) => m.object_id)).size, 5);
  });
});
