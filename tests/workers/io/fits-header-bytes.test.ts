// Headers with bytes outside printable ASCII are read, as astropy.io.fits reads them: non-ASCII bytes
// become '?', with one warning naming the file; NUL (a common padding bug) becomes a blank. Values,
// keys and pixels are compared with astropy's reading of the same file.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readFitsImage, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { python } from '../fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-fits-header-bytes-'));

const card = (text: string): string => text.padEnd(80).slice(0, 80);
const value = (key: string, v: string | number): string => card(`${key.padEnd(8)}= ${String(v).padStart(20)}`);

/** A 4 × 3 BITPIX 16 image whose header holds a latin-1 é, a NUL inside a string and a card of NULs. */
function dirtyFile(): Buffer {
  const text = [
    value('SIMPLE', 'T'),
    value('BITPIX', 16),
    value('NAXIS', 2),
    value('NAXIS1', 4),
    value('NAXIS2', 3),
    card("OBJECT  = 'caf\u00e9 M51'          / target name \u00b0"),
    card("OBSERVER= 'Ann\u0000Lee'"),
    '\u0000'.repeat(80),
    value('EXPTIME', 30),
    card('END'),
  ].join('');
  const head = Buffer.from(text.padEnd(2880, ' '), 'latin1');
  const data = Buffer.alloc(2880);
  for (let i = 0; i < 12; i++) data.writeInt16BE(i * 100 - 300, 2 * i);
  return Buffer.concat([head, data]);
}

describe('header bytes outside printable ASCII', () => {
  const bytes = dirtyFile();
  for (const [name, content] of [
    ['dirty.fits', bytes],
    ['dirty.fits.gz', gzipSync(bytes)],
  ] as const) {
    it(`${name}: read with one warning; values as astropy reads them; pixels intact`, async () => {
      const path = join(dir, name);
      writeFileSync(path, content);
      const { hdus, warnings } = await readFitsStructure(path);
      assert.deepEqual(warnings, [
        `${name}: header at byte 0 has 83 bytes outside printable ASCII (first 0xe9 at byte 414); read as '?' (NUL as a blank), as astropy does`,
      ]);
      const header = hdus[0].header;
      const astropy = JSON.parse(
        python(
          `import json, warnings\nfrom astropy.io import fits\nwith warnings.catch_warnings(record=True) as w:\n  warnings.simplefilter('always')\n  h = fits.getheader(${JSON.stringify(join(dir, 'dirty.fits'))})\n  print(json.dumps(dict(OBJECT=h['OBJECT'], comment=h.comments['OBJECT'], EXPTIME=h['EXPTIME'], warned=any('non-ASCII' in str(x.message) for x in w))))`,
        ),
      );
      assert.equal(astropy.warned, true);
      assert.equal(header.get('OBJECT'), astropy.OBJECT);
      assert.equal(header.get('OBJECT'), 'caf? M51');
      assert.equal(header.getComment('OBJECT'), astropy.comment);
      assert.equal(header.get('EXPTIME'), astropy.EXPTIME);
      // astropy cannot parse a NUL inside a value ("Unparsable card"); we read it as a blank.
      assert.equal(header.get('OBSERVER'), 'Ann Lee');
      const { image } = await readFitsImage(path);
      assert.deepEqual(
        Array.from(image.data),
        Array.from({ length: 12 }, (_, i) => i * 100 - 300),
      );
    });
  }
});
