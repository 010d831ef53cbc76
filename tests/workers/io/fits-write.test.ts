// Writing FITS: every file we write passes fitsverify with 0 errors and 0 warnings, reads back in
// astropy with the same values (exact for float32/float64, rounded for integer BITPIX) and with
// DATASUM/CHECKSUM that astropy and our verifier accept; writes are atomic.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FitsHeader, imageHdu, parseFits, verifyChecksums } from '../../../src-workers/core/fits/index.js';
import { tableHdu } from '../../../src-workers/core/fits/table.js';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import {
  readFitsImage,
  readFitsTable,
  writeFits,
  writeFitsImage,
  writeFitsTable,
} from '../../../src-workers/io/fits-file.js';
import { astropyImage, fitsverify, mismatches, python } from '../fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-fits-write-'));

function testImage(
  width: number,
  height: number,
  withNaN: boolean,
): { width: number; height: number; data: Float32Array } {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 1000 + 250 * Math.sin(i * 0.37) + (i % 7) * 3.25;
  if (withNaN) data[5] = Number.NaN;
  return { width, height, data };
}

function assertVerifies(path: string): void {
  const v = fitsverify(path);
  assert.equal(v.errors, 0, v.output);
  assert.equal(v.warnings, 0, v.output);
  // astropy, with warnings turned into errors, must accept the checksums.
  python(
    `import warnings\nwarnings.simplefilter('error')\nfrom astropy.io import fits\nwith fits.open(${JSON.stringify(path)}, checksum=True) as f:\n  [h.data for h in f]`,
  );
  const bytes = readFileSync(path);
  for (const hdu of parseFits(bytes).hdus)
    assert.deepEqual(verifyChecksums(bytes, hdu), { datasumOk: true, checksumOk: true });
}

describe('writeFitsImage', () => {
  const header = {
    OBJECT: 'NGC 1234',
    EXPTIME: 30.5,
    GAIN: 1.9,
    FILTER: "it's V",
    NOTE: 'x'.repeat(150),
    'HIERARCH OWB SYNTH SEED': 42,
    SATURATE: true,
    // Structural keywords from a copied header are ignored, not duplicated.
    NAXIS1: 999,
    BITPIX: 16,
  };
  for (const bitpix of [-32, -64, 32, 16, 8] as const) {
    it(`BITPIX ${bitpix}: passes fitsverify, astropy reads the same values and header`, async () => {
      const img =
        bitpix === 8
          ? { ...testImage(33, 21, false), data: testImage(33, 21, false).data.map((v) => (v - 700) / 3) }
          : testImage(33, 21, bitpix < 0);
      const path = join(dir, `img${bitpix}.fits`);
      await writeFitsImage(path, img, { bitpix, header, history: ['written by the test', 'second line'] });
      assertVerifies(path);
      const ref = astropyImage(path, 0);
      const expected =
        bitpix < 0
          ? img.data
          : bitpix === 32
            ? img.data.map((v) => Math.round(v))
            : img.data.map((v) => Math.min(bitpix === 8 ? 255 : 65535, Math.max(0, Math.round(v))));
      assert.equal(mismatches(ref.data, expected).count, 0);
      const ours = await readFitsImage(path);
      assert.equal(mismatches(ours.image.data, expected).count, 0);
      assert.equal(ref.header.OBJECT, 'NGC 1234');
      assert.equal(ref.header.NOTE, 'x'.repeat(150));
      assert.equal(ref.header['OWB SYNTH SEED'], 42);
      assert.equal(ref.header.NAXIS1, 33);
      assert.equal(ref.header.FILTER, "it's V");
      assert.deepEqual(ours.header.commentary('HISTORY'), ['written by the test', 'second line']);
      if (bitpix === 16) assert.equal(ref.header.BZERO, 32768);
    });
  }

  it('keeps the header of a file it read (round trip through FitsHeader)', async () => {
    const first = join(dir, 'first.fits');
    await writeFitsImage(first, testImage(8, 6, false), {
      header: [
        { key: 'AIRMASS', value: 150.25, comment: 'RA' },
        { key: 'DATE-OBS', value: '2024-01-02T03:04:05' },
      ],
    });
    const read = await readFitsImage(first);
    const second = join(dir, 'second.fits');
    await writeFitsImage(second, read.image, { header: read.header });
    assertVerifies(second);
    const again = await readFitsImage(second);
    assert.equal(again.header.get('AIRMASS'), 150.25);
    assert.equal(again.header.getComment('AIRMASS'), 'RA');
    assert.equal(again.header.get('DATE-OBS'), '2024-01-02T03:04:05');
    assert.equal(again.header.cards.filter((c) => c.key === 'CHECKSUM').length, 1);
  });
});

describe('writeFitsTable and multi-extension files', () => {
  it('BINTABLE catalog with TTYPE/TFORM/TUNIT: fitsverify clean, astropy reads the columns', async () => {
    const path = join(dir, 'cat.fits');
    await writeFitsTable(
      path,
      [
        { name: 'X_IMAGE', data: Float64Array.of(1.5, 20.25, 300.125), unit: 'pix' },
        { name: 'FLUX', data: Float32Array.of(10, 20.5, 30.25), unit: 'adu' },
        { name: 'FLAGS', data: Int16Array.of(0, 1, 4) },
        { name: 'ID', data: Int32Array.of(7, 8, 9) },
        { name: 'CLASS', data: Uint8Array.of(1, 0, 1) },
        { name: 'NAME', data: ['alpha', 'b', ''] },
      ],
      { extname: 'SOURCES', header: { THRESH: 1.5 } },
    );
    assertVerifies(path);
    const ref = JSON.parse(
      python(
        `import json\nfrom astropy.io import fits\nwith fits.open(${JSON.stringify(path)}) as f:\n  d = f['SOURCES'].data\n  print(json.dumps({'names': d.names, 'x': d['X_IMAGE'].tolist(), 'flux': d['FLUX'].tolist(), 'name': [s.rstrip() for s in d['NAME']], 'unit': f['SOURCES'].columns['FLUX'].unit, 'thresh': f['SOURCES'].header['THRESH']}))`,
      ),
    );
    assert.deepEqual(ref.names, ['X_IMAGE', 'FLUX', 'FLAGS', 'ID', 'CLASS', 'NAME']);
    assert.deepEqual(ref.x, [1.5, 20.25, 300.125]);
    assert.deepEqual(ref.flux, [10, 20.5, 30.25]);
    assert.deepEqual(ref.name, ['alpha', 'b', '']);
    assert.equal(ref.unit, 'adu');
    assert.equal(ref.thresh, 1.5);
    const back = await readFitsTable(path, { rowStart: 1, rowCount: 2 });
    assert.equal(back.hduIndex, 1);
    assert.deepEqual(Array.from(back.table.columns[0].data as Float64Array), [20.25, 300.125]);
    assert.deepEqual(back.table.columns[5].data, ['b', '']);
    assert.equal(back.table.columns[1].unit, 'adu');
  });

  it('image + image + table in one file passes fitsverify', async () => {
    const path = join(dir, 'mef.fits');
    await writeFits(path, [
      imageHdu(testImage(10, 8, false), { header: new FitsHeader().set('OBJECT', 'primary') }),
      imageHdu(testImage(4, 3, true), { extname: 'MASK', bitpix: -64 }),
      tableHdu([{ name: 'A', data: Float64Array.of(1, 2) }], { extname: 'CAT' }),
    ]);
    assertVerifies(path);
    const mask = await readFitsImage(path, { hdu: 1 });
    assert.equal(mask.header.getString('EXTNAME'), 'MASK');
    assert.ok(Number.isNaN(mask.image.data[5]));
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file in one step and leaves no temporary file behind', async () => {
    const path = join(dir, 'atomic', 'x.txt');
    python(`import os\nos.makedirs(${JSON.stringify(join(dir, 'atomic'))}, exist_ok=True)`);
    writeFileSync(path, 'old');
    await writeFileAtomic(path, 'new contents');
    assert.equal(readFileSync(path, 'utf8'), 'new contents');
    assert.deepEqual(readdirSync(join(dir, 'atomic')), ['x.txt']);
    await assert.rejects(
      writeFileAtomic(join(dir, 'missing-folder', 'y.txt'), 'x'),
      /^InputError: y\.txt: cannot write: folder .*missing-folder does not exist$/,
    );
    assert.ok(!existsSync(join(dir, 'missing-folder')));
  });
});
