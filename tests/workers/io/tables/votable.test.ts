// VOTable 1.4 export, TABLEDATA and BINARY2: astropy.io.votable (verify='exception') parses what we write, every column's
// unit and UCD survive, values round-trip exactly (doubles, longs with nulls, text with XML specials), and
// STILTS votlint reports no errors.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveColumns, SOURCE_COLUMNS } from '../../../../src-main/common/columns.js';
import { writeVotable, type VotableSerialization } from '../../../../src-workers/io/tables/votable.js';

const PY = '/usr/bin/python3';
const hasAstropy =
  existsSync(PY) && spawnSync(PY, ['-c', 'import astropy.io.votable'], { stdio: 'ignore' }).status === 0;

async function writeSample(
  serialization: VotableSerialization,
): Promise<{ path: string; rows: Record<string, unknown>[] }> {
  const cols = [
    ...resolveColumns(
      SOURCE_COLUMNS.map((c) => c.name),
      'MJy/sr',
    ),
    {
      name: 'note',
      type: 'char' as const,
      unit: '',
      ucd: 'meta.note',
      description: 'Free text <with> "specials" & more',
    },
  ];
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < 500; i++) {
    const r: Record<string, unknown> = {};
    for (const c of cols)
      r[c.name] = c.type === 'long' ? i * 7 : c.type === 'double' ? Math.sin(i + c.name.length) * 1e3 : `a<b>&"${i}"`;
    if (i % 50 === 3) r.object_id = null;
    if (i % 40 === 5) r.ra = null;
    rows.push(r);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'owb-vot-')), 'sources.vot');
  let text = '';
  const n = await writeVotable(
    (s) => {
      text += s;
    },
    cols,
    rows,
    'sources',
    // 64 rows a chunk: BINARY2 chunks that are not a multiple of 3 bytes must join seamlessly in the base64.
    { serialization, chunk: 64 },
  );
  assert.equal(n, rows.length);
  writeFileSync(path, text);
  return { path, rows };
}

for (const serialization of ['tabledata', 'binary2'] as const)
  describe(`VOTable writer (${serialization})`, () => {
    it(
      'astropy parses with verify=exception; units, UCDs and values survive',
      { skip: hasAstropy ? false : 'needs /usr/bin/python3 with astropy' },
      async () => {
        const { path, rows } = await writeSample(serialization);
        const script = `
import json, sys, numpy as np
from astropy.io.votable import parse
t = parse(sys.argv[1], verify='exception').get_first_table()
out = {'fields': [[f.name, str(f.unit) if f.unit is not None else '', f.ucd or ''] for f in t.fields], 'rows': []}
a = t.array
for i in range(len(a)):
    row = {}
    for f in t.fields:
        v = a[f.name][i]
        if np.ma.is_masked(v): row[f.name] = None
        elif isinstance(v, (np.floating, float)): row[f.name] = None if np.isnan(v) else float(v)
        elif isinstance(v, (np.integer, int)): row[f.name] = int(v)
        else: row[f.name] = str(v)
    out['rows'].append(row)
print(json.dumps(out))`;
        const got = JSON.parse(execFileSync(PY, ['-c', script, path], { maxBuffer: 1 << 26 }).toString());
        const units = Object.fromEntries(got.fields.map((f: string[]) => [f[0], f[1]]));
        const ucds = Object.fromEntries(got.fields.map((f: string[]) => [f[0], f[2]]));
        for (const c of resolveColumns(
          SOURCE_COLUMNS.map((k) => k.name),
          'MJy/sr',
        )) {
          assert.equal(ucds[c.name], c.ucd, `UCD of ${c.name}`);
          // astropy spells dimensionless as '' and normalises units: compare through astropy's own spelling.
          if (c.unit) assert.ok(units[c.name] !== '', `unit of ${c.name}`);
        }
        assert.equal(units.flux, 'MJy / sr');
        assert.equal(units.ra, 'deg');
        assert.equal(units.x, 'pix');
        assert.equal(got.rows.length, rows.length);
        for (let i = 0; i < rows.length; i++) {
          for (const [k, v] of Object.entries(rows[i])) assert.deepEqual(got.rows[i][k], v ?? null, `row ${i} ${k}`);
        }
      },
    );

    const stilts = existsSync('/usr/bin/stilts');
    it(
      'STILTS votlint reports no errors',
      { skip: stilts ? false : 'needs Debian stilts (/usr/bin/stilts)' },
      async () => {
        const { path } = await writeSample(serialization);
        const r = spawnSync('/usr/bin/stilts', ['votlint', `votable=${path}`], { encoding: 'utf8', timeout: 120_000 });
        const report = `${r.stdout}${r.stderr}`;
        assert.equal(r.status, 0, report);
        assert.ok(!/ERROR|WARNING/.test(report), report);
      },
    );
  });
