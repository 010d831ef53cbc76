// Reading FITS against independent implementations: astropy (pixels bit-exact as float32, NaN kept;
// header values equal) on the real frames and on files astropy writes here, fitsjs on the image types it
// supports (float32 and integer BITPIX without unsigned BZERO or BLANK), subset-of-rows reads equal
// the same rows of a full read, header-only reads.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseFits, verifyChecksums } from '../../../src-workers/core/fits/index.js';
import { decodeTable } from '../../../src-workers/core/fits/table.js';
import { readFitsFile, readFitsHeader, readFitsImage, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { astropyImage, fitsjsFrame, fitsjsParse, mismatches, python, REAL_DIR, REAL_FILES } from '../fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-fits-read-'));

function sameHeaderValues(ours: Record<string, unknown>, theirs: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(theirs)) {
    const mine = ours[key];
    if (typeof value === 'number' && typeof mine === 'number') {
      assert.ok(
        mine === value || Math.abs(mine - value) <= 1e-15 * Math.abs(value),
        `${where} ${key}: ${mine} vs ${value}`,
      );
    } else {
      assert.deepEqual(mine, typeof value === 'string' ? value.trimEnd() : value, `${where} ${key}`);
    }
  }
}

describe('real frames against astropy and fitsjs', () => {
  for (const name of REAL_FILES) {
    it(`${name}: every image HDU's pixels and header match astropy; images match fitsjs`, async () => {
      const path = join(REAL_DIR, name);
      const structure = await readFitsStructure(path);
      const fjs = await fitsjsParse(readFileSync(path));
      assert.equal(fjs.length, structure.hdus.length, 'HDU count differs from fitsjs');
      let images = 0;
      for (const hdu of structure.hdus) {
        if (hdu.kind !== 'image') continue;
        images++;
        const ours = await readFitsImage(path, { hdu: hdu.index });
        const ref = astropyImage(path, hdu.index);
        const diff = mismatches(ours.image.data, ref.data);
        assert.equal(
          diff.count,
          0,
          `${name}[${hdu.index}] first mismatch at ${diff.first}: ${ours.image.data[diff.first]} vs ${ref.data[diff.first]}`,
        );
        sameHeaderValues(ours.header.toRecord(), ref.header, `${name}[${hdu.index}]`);
        const fh = fjs[hdu.index];
        assert.equal(fh.header.get('NAXIS1'), hdu.naxis[0]);
        const bzero = hdu.header.getNumber('BZERO') ?? 0;
        if (!hdu.header.has('BLANK') && !(hdu.bitpix === 16 && bzero === 32768)) {
          const frame = fitsjsFrame(fh);
          const d = mismatches(ours.image.data, Float32Array.from(frame));
          assert.equal(d.count, 0, `${name}[${hdu.index}] differs from fitsjs at ${d.first}`);
        }
      }
      assert.ok(images > 0);
    });
  }
});

describe('files written by astropy', () => {
  const made = join(dir, 'astropy-types.fits');
  python(`
import numpy as np, warnings
from astropy.io import fits
rng = np.random.default_rng(3)
base = rng.normal(500, 80, (37, 53))
hdus = [fits.PrimaryHDU(np.round(base).astype(np.int16))]
hdus.append(fits.ImageHDU(np.clip(base, 0, 255).astype(np.uint8), name='U8'))
hdus.append(fits.ImageHDU((base * 100).astype(np.uint16), name='U16'))
hdus.append(fits.ImageHDU((base * 1000).astype(np.int32), name='I32'))
hdus.append(fits.ImageHDU((base * 1e6).astype(np.int64), name='I64'))
f32 = base.astype(np.float32); f32[2, 3] = np.nan
hdus.append(fits.ImageHDU(f32, name='F32'))
hdus.append(fits.ImageHDU(base * 1.000001, name='F64'))
raw = np.round(base * 3).astype(np.int16); raw[0, 0] = -32768
sh = fits.Header(); sh['BSCALE'] = 0.25; sh['BZERO'] = -12.5; sh['BLANK'] = -32768
hdus.append(fits.ImageHDU(raw, header=sh, name='SCALED', do_not_scale_image_data=True))
cube = fits.ImageHDU(rng.normal(0, 1, (3, 7, 5)).astype(np.float32), name='CUBE')
hdus.append(cube)
t = fits.BinTableHDU.from_columns([fits.Column('ID', 'J', array=np.arange(5)), fits.Column('FLUX', 'D', unit='adu', array=np.linspace(1, 2, 5)),
  fits.Column('NAME', '8A', array=['a', 'bb', 'ccc', 'dddd', 'e']), fits.Column('MAG', 'E', array=np.linspace(10, 11, 5)),
  fits.Column('SCL', 'I', array=np.arange(5, dtype=np.int16))], name='CAT')
t.header['TSCAL5'] = 0.5; t.header['TZERO5'] = 10
hdus.append(t)
hdus.append(fits.TableHDU.from_columns([fits.Column('RA', 'E15.7', array=np.linspace(10, 11, 4)), fits.Column('NAME', 'A6', array=['x', 'yy', 'zzz', 'w']), fits.Column('N', 'I5', array=np.arange(4))], name='ASCII'))
h = hdus[0].header
h['OBJECT'] = ("M51 'quoted'", 'a comment')
h['LONGSTR'] = 'This is a long string value that is continued over several cards by astropy using CONTINUE ' * 2
h['HIERARCH ESO DET CHIP TEMP'] = -120.5
h['BIGINT'] = 1234567890123
h['SMALL'] = 1.5e-300
h['FLAG'] = False
h['UNDEF'] = None
h.append(('DUP', 1, 'first'), end=True)
h.append(('DUP', 2, 'second'), end=True)
h['HISTORY'] = 'made by the test'
fits.HDUList(hdus).writeto(${JSON.stringify(made)}, overwrite=True, checksum=True)
`);

  it('every integer and float BITPIX, BSCALE/BZERO/BLANK, unsigned 16-bit, cubes: pixels equal astropy', async () => {
    const structure = await readFitsStructure(made);
    for (const hdu of structure.hdus) {
      if (hdu.kind !== 'image') continue;
      const ref = astropyImage(made, hdu.index);
      const planes = hdu.naxis.length > 2 ? hdu.naxis[2] : 1;
      const per = hdu.naxis[0] * hdu.naxis[1];
      for (let p = 0; p < planes; p++) {
        const ours = await readFitsImage(made, { hdu: hdu.index, plane: p });
        const d = mismatches(ours.image.data, ref.data.subarray(p * per, (p + 1) * per));
        assert.equal(
          d.count,
          0,
          `HDU ${hdu.index} (BITPIX ${hdu.bitpix}) plane ${p}: ${d.count} mismatches, first at ${d.first}`,
        );
      }
    }
    const scaled = await readFitsImage(made, { hdu: 7 });
    assert.ok(Number.isNaN(scaled.image.data[0]), 'BLANK → NaN');
  });

  it('headers: CONTINUE, HIERARCH, quotes, big integers, undefined values; duplicates warn and the last wins', async () => {
    const { hdus, warnings } = parseFits(readFileSync(made), { fileName: 'astropy-types.fits' });
    const h = hdus[0].header;
    const ref = astropyImage(made, 0).header;
    sameHeaderValues(h.toRecord(), ref, 'primary');
    assert.equal(h.get('OBJECT'), "M51 'quoted'");
    assert.equal(h.getComment('OBJECT'), 'a comment');
    assert.equal(
      h.get('LONGSTR'),
      String(python(`from astropy.io import fits\nprint(fits.getheader(${JSON.stringify(made)})['LONGSTR'], end='')`)),
    );
    assert.equal(h.get('ESO DET CHIP TEMP'), -120.5);
    assert.equal(h.get('BIGINT'), 1234567890123);
    assert.equal(h.get('UNDEF'), null);
    assert.equal(h.get('DUP'), 2);
    assert.ok(
      warnings.some((w) => /astropy-types\.fits: duplicate keyword DUP/.test(w)),
      warnings.join('\n'),
    );
    assert.deepEqual(h.commentary('HISTORY'), ['made by the test']);
  });

  it('checksums written by astropy verify', async () => {
    const { bytes, hdus } = await readFitsFile(made);
    for (const hdu of hdus)
      assert.deepEqual(verifyChecksums(bytes, hdu), { datasumOk: true, checksumOk: true }, `HDU ${hdu.index}`);
  });

  it('BINTABLE columns with TSCAL/TZERO and strings equal astropy, and a subset of rows reads the same rows', async () => {
    const { hdus } = await readFitsFile(made);
    const cat = hdus.find((h) => h.header.getString('EXTNAME') === 'CAT');
    assert.ok(cat);
    const table = decodeTable(cat);
    const ref = JSON.parse(
      python(
        `import json\nfrom astropy.io import fits\nd = fits.getdata(${JSON.stringify(made)}, 'CAT')\nprint(json.dumps({n: [v.item() if hasattr(v, 'item') else v for v in d[n]] for n in d.names}))`,
      ),
    );
    for (const col of table.columns) {
      const got = Array.from(col.data as ArrayLike<number | string>);
      const want = ref[col.name] as Array<number | string>;
      want.forEach((w, i) => {
        if (typeof w === 'number')
          assert.ok(Math.abs((got[i] as number) - w) <= 1e-6 * Math.abs(w), `${col.name}[${i}]`);
        else assert.equal(got[i], w, `${col.name}[${i}]`);
      });
    }
    assert.equal(table.columns[1].unit, 'adu');
    const part = decodeTable(cat, { rowStart: 2, rowCount: 2 });
    assert.deepEqual(Array.from(part.columns[0].data as Int32Array), [2, 3]);
    assert.deepEqual(part.columns[2].data, ['ccc', 'dddd']);
  });

  it('ASCII TABLE columns equal astropy', async () => {
    const { hdus } = await readFitsFile(made);
    const ascii = hdus.find((h) => h.header.getString('EXTNAME') === 'ASCII');
    assert.ok(ascii && ascii.kind === 'table');
    const table = decodeTable(ascii);
    const ra = Array.from(table.columns[0].data as Float64Array);
    const ref = JSON.parse(
      python(
        `import json\nfrom astropy.io import fits\nd = fits.getdata(${JSON.stringify(made)}, 'ASCII')\nprint(json.dumps([float(v) for v in d['RA']]))`,
      ),
    ) as number[];
    ra.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-6, `RA[${i}] ${v} vs ${ref[i]}`));
    assert.deepEqual(table.columns[1].data, ['x', 'yy', 'zzz', 'w']);
    assert.deepEqual(Array.from(table.columns[2].data as Float64Array), [0, 1, 2, 3]);
  });

  it('a band of rows reads the same values as the full image; header-only reads return headers', async () => {
    const full = await readFitsImage(made, { hdu: 5 });
    const band = await readFitsImage(made, { hdu: 5, rowStart: 10, rowCount: 7 });
    assert.equal(band.image.height, 7);
    assert.equal(mismatches(band.image.data, full.image.data.subarray(10 * 53, 17 * 53)).count, 0);
    const header = await readFitsHeader(made, { hdu: 5 });
    assert.equal(header.getString('EXTNAME'), 'F32');
    await assert.rejects(
      readFitsImage(made, { hdu: 5, rowStart: 30, rowCount: 10 }),
      /rows 30\.\.39 are outside the image's 0\.\.36/,
    );
  });

  it('a random-groups primary HDU is sized correctly and the image after it reads', async () => {
    const path = join(dir, 'groups.fits');
    python(
      `import numpy as np\nfrom astropy.io import fits\nx = fits.GroupData(np.arange(20, dtype=np.float32).reshape(5, 2, 2), parnames=['u', 'v'], pardata=[np.arange(5.), np.arange(5.)], bitpix=-32)\nfits.HDUList([fits.GroupsHDU(x), fits.ImageHDU(np.arange(12, dtype=np.float32).reshape(3, 4))]).writeto(${JSON.stringify(path)})`,
    );
    const s = await readFitsStructure(path);
    assert.deepEqual(
      s.hdus.map((h) => h.kind),
      ['empty', 'image'],
    );
    assert.deepEqual(s.warnings, []);
    assert.equal((await readFitsImage(path)).image.data[11], 11);
  });

  it('gzip-compressed files (.fits.gz) read the same as the plain file', async () => {
    const gz = join(dir, 'astropy-types.fits.gz');
    python(
      `import gzip, shutil\nwith open(${JSON.stringify(made)}, 'rb') as a, gzip.open(${JSON.stringify(gz)}, 'wb') as b: shutil.copyfileobj(a, b)`,
    );
    const plain = await readFitsImage(made, { hdu: 2 });
    const zipped = await readFitsImage(gz, { hdu: 2 });
    assert.equal(mismatches(plain.image.data, zipped.image.data).count, 0);
    assert.equal((await readFitsStructure(gz)).gzip, true);
  });
});
