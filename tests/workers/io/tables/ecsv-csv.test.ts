// ECSV 1.0, CSV with a # header, and FITS BINTABLE with TUNIT/TUCD/TCOMM, each read back by astropy.table:
// column names, units, UCDs (ECSV meta, FITS TUCDn), descriptions and values (nulls included) survive.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveColumns, SOURCE_COLUMNS } from '../../../../src-main/common/columns.js';
import { exportRows } from '../../../../src-main/node/catalog/export.js';
import { writeCsv } from '../../../../src-workers/io/tables/csv.js';
import { writeEcsv } from '../../../../src-workers/io/tables/ecsv.js';

const PY = '/usr/bin/python3';
const hasAstropy = existsSync(PY) && spawnSync(PY, ['-c', 'import astropy.table'], { stdio: 'ignore' }).status === 0;
const skip = hasAstropy ? false : 'needs /usr/bin/python3 with astropy';
const dir = mkdtempSync(join(tmpdir(), 'owb-tables-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const columns = [
  ...resolveColumns(
    SOURCE_COLUMNS.map((c) => c.name),
    'MJy/sr',
  ),
  { name: 'note', type: 'char' as const, unit: '', ucd: 'meta.note', description: 'Free text, "quoted" with spaces' },
];
const rows: Record<string, unknown>[] = [];
for (let i = 0; i < 300; i++) {
  const r: Record<string, unknown> = {};
  for (const c of columns)
    r[c.name] = c.type === 'long' ? i * 7 : c.type === 'double' ? Math.sin(i + c.name.length) * 1e3 : `a "b" c,${i}`;
  if (i % 50 === 3) r.object_id = null;
  if (i % 40 === 5) r.ra = null;
  if (i % 60 === 7) r.note = null;
  rows.push(r);
}

/** astropy's reading of a table file: per column [unit, ucd, description] and the rows (masked → null). */
function readWithAstropy(path: string, format: string) {
  const script = `
import json, sys, numpy as np
from astropy.table import Table
t = Table.read(sys.argv[1], format=sys.argv[2], **({'comment': '#'} if sys.argv[2] == 'ascii.csv' else {}))
cols = {}
for n in t.colnames:
    c = t[n]
    cols[n] = [str(c.unit) if c.unit is not None else '', (c.meta or {}).get('ucd', ''), c.description or '']
out = []
for i in range(len(t)):
    row = {}
    for n in t.colnames:
        v = t[n][i]
        if np.ma.is_masked(v): row[n] = None
        elif isinstance(v, (np.floating, float)): row[n] = None if np.isnan(v) else float(v)
        elif isinstance(v, (np.integer, int)): row[n] = int(v)
        else: row[n] = str(v)
    out.append(row)
print(json.dumps({'cols': cols, 'rows': out, 'meta': {k: str(v) for k, v in t.meta.items()}}))`;
  return JSON.parse(execFileSync(PY, ['-c', script, path, format], { maxBuffer: 1 << 26 }).toString()) as {
    cols: Record<string, [string, string, string]>;
    rows: Record<string, unknown>[];
    meta: Record<string, string>;
  };
}

async function toFile(name: string, writer: (w: (t: string) => void) => Promise<number>): Promise<string> {
  let text = '';
  const n = await writer((t) => {
    text += t;
  });
  assert.equal(n, rows.length);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('table exports read by astropy', () => {
  it('ECSV 1.0: units, UCDs, descriptions, values and masked nulls survive', { skip }, async () => {
    const path = await toFile('t.ecsv', (w) => writeEcsv(w, columns, rows, 'SOURCES', 64));
    const got = readWithAstropy(path, 'ascii.ecsv');
    for (const c of columns) {
      assert.equal(got.cols[c.name][1], c.ucd, `UCD of ${c.name}`);
      assert.equal(got.cols[c.name][2], c.description, `description of ${c.name}`);
    }
    assert.equal(got.cols.flux[0], 'MJy / sr');
    assert.equal(got.cols.ra[0], 'deg');
    assert.equal(got.meta.name, 'SOURCES');
    assert.deepEqual(got.rows, rows);
  });

  it('CSV: astropy ascii.csv (comment="#") skips the # header and reads every value', { skip }, async () => {
    const path = await toFile('t.csv', (w) => writeCsv(w, columns, rows, 'SOURCES', { chunk: 64 }));
    const got = readWithAstropy(path, 'ascii.csv');
    assert.deepEqual(
      Object.keys(got.cols),
      columns.map((c) => c.name),
    );
    // CSV has no typed nulls: an empty cell is astropy's masked value for every column type.
    assert.deepEqual(got.rows, rows);
    const plain = await toFile('plain.csv', (w) => writeCsv(w, columns, rows, 'SOURCES', { header: false }));
    assert.deepEqual(readWithAstropy(plain, 'ascii.csv').rows, rows);
  });

  it('FITS BINTABLE: TUNIT, TUCD and TCOMM per column, RADESYS in the header', { skip }, async () => {
    const path = join(dir, 't.fits');
    const n = await exportRows(rows, 'fits', {
      out: path,
      extname: 'SOURCES',
      fluxUnit: 'MJy/sr',
      fitsHeader: [{ key: 'RADESYS', value: 'ICRS' }],
    });
    assert.equal(n, rows.length);
    const script = `
import json, sys
from astropy.io import fits
h = fits.open(sys.argv[1])[1].header
print(json.dumps({h['TTYPE%d' % i]: [h.get('TUNIT%d' % i, ''), h.get('TUCD%d' % i, ''), h.get('TCOMM%d' % i, '')]
                  for i in range(1, h['TFIELDS'] + 1)} | {'_radesys': h.get('RADESYS')}))`;
    const got = JSON.parse(execFileSync(PY, ['-c', script, path]).toString());
    assert.equal(got._radesys, 'ICRS');
    assert.deepEqual(got.FLUX, ['MJy/sr', 'phot.flux', 'Aperture flux, background subtracted']);
    assert.deepEqual(got.RA, ['deg', 'pos.eq.ra;meta.main', 'Right ascension (ICRS)']);
    assert.equal(got.X_IMAGE[0], 'pix');
    const table = readWithAstropy(path, 'fits');
    assert.equal(table.cols.FLUX[0], 'MJy / sr');
    assert.equal(table.rows.length, rows.length);
  });
});
