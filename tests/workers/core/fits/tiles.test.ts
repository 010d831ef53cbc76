// Tile-compressed images written by astropy (CompImageHDU, i.e. CFITSIO) decode to exactly the float32
// values astropy returns: RICE_1, GZIP_1, GZIP_2, PLIO_1 and NOCOMPRESS, integer and float images,
// quantised floats with NO_DITHER / SUBTRACTIVE_DITHER_1 / _2, lossless floats, NaN, 2-D tiles, and row
// bands. zlib is injected from Node here, as src-workers/io does.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateSync, gunzipSync } from 'node:zlib';
import {
  decodeCompressedImage,
  imageHeaderOfCompressed,
  parseFits,
  ditherRandoms,
} from '../../../../src-workers/core/fits/index.js';
import { readFitsImage } from '../../../../src-workers/io/fits-file.js';
import { InputError } from '../../../../src-workers/core/errors.js';
import { createRng } from '../../../../src-workers/core/random/rng.js';
import { mismatches, python } from '../../fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-tiles-'));
const inflate = (b: Uint8Array, limit: number): Uint8Array => {
  const out =
    b[0] === 0x1f && b[1] === 0x8b
      ? gunzipSync(b, { maxOutputLength: Math.max(1, limit) })
      : inflateSync(b, { maxOutputLength: Math.max(1, limit) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};

const CASES: Array<[string, string, string, string]> = [
  // name, array expression, compression, extra CompImageHDU arguments
  ['rice_f32_dither1', 'f', 'RICE_1', ''],
  ['rice_f32_dither2', 'f0', 'RICE_1', ', quantize_method=2'],
  ['rice_f32_nodither', 'f', 'RICE_1', ', quantize_method=-1'],
  ['gzip1_f32', 'f', 'GZIP_1', ''],
  ['gzip2_f32', 'f', 'GZIP_2', ''],
  ['gzip2_f32_lossless', 'f', 'GZIP_2', ', quantize_level=0'],
  ['gzip1_f64_lossless', 'f.astype(np.float64)', 'GZIP_1', ', quantize_level=0'],
  ['rice_i16', 'i16', 'RICE_1', ''],
  ['rice_u16', 'u16', 'RICE_1', ''],
  ['rice_i32', 'i32', 'RICE_1', ''],
  ['rice_u8', 'u8', 'RICE_1', ''],
  ['gzip1_i16', 'i16', 'GZIP_1', ''],
  ['gzip2_i32', 'i32', 'GZIP_2', ''],
  ['gzip2_u16', 'u16', 'GZIP_2', ''],
  ['plio_i32', 'plio', 'PLIO_1', ''],
  ['none_i16', 'i16', 'NOCOMPRESS', ''],
  ['rice_f32_tiles', 'f', 'RICE_1', ', tile_size=(16, 10)'],
  ['gzip2_i16_tiles', 'i16', 'GZIP_2', ', tile_size=(20, 7)'],
];

describe('tile-compressed images against astropy', () => {
  python(`
import numpy as np, json
from astropy.io import fits
rng = np.random.default_rng(1)
f = rng.normal(100, 10, (67, 45)).astype(np.float32); f[3, 4] = np.nan
f0 = f.copy(); f0[10, 10:20] = 0.0
i16 = rng.integers(-3000, 4000, (67, 45)).astype(np.int16)
u16 = rng.integers(0, 65535, (67, 45)).astype(np.uint16)
i32 = rng.integers(-100000, 100000, (67, 45)).astype(np.int32)
u8 = rng.integers(0, 255, (67, 45)).astype(np.uint8)
plio = rng.integers(0, 20, (67, 45)).astype(np.int32); plio[20:30, :] = 7
for name, arr, cmp, extra in ${JSON.stringify(CASES)}:
    h = eval('fits.CompImageHDU(' + arr + ', compression_type=cmp' + extra + ')')
    h.header['OBSERVER'] = 'tester'
    path = ${JSON.stringify(dir)} + '/' + name + '.fits'
    h.writeto(path, overwrite=True)
    np.asarray(fits.getdata(path), dtype=np.float32).tofile(path + '.ref')
`);
  for (const [name] of CASES) {
    it(`${name} decodes bit for bit as astropy`, async () => {
      const path = join(dir, `${name}.fits`);
      const refBytes = readFileSync(`${path}.ref`);
      const ref = new Float32Array(refBytes.buffer, refBytes.byteOffset, refBytes.byteLength / 4);
      const { hdus } = parseFits(readFileSync(path), { fileName: `${name}.fits` });
      const hdu = hdus[1];
      assert.ok(hdu.compressed);
      assert.deepEqual(hdu.naxis, [45, 67]);
      const image = decodeCompressedImage(hdu, { inflate, fileName: `${name}.fits` });
      const d = mismatches(image.data, ref);
      assert.equal(d.count, 0, `first mismatch at ${d.first}: ${image.data[d.first]} vs ${ref[d.first]}`);
      // A band of rows, through the file reader, equals the same rows of the whole image.
      const band = await readFitsImage(path, { rowStart: 13, rowCount: 9 });
      assert.equal(mismatches(band.image.data, ref.subarray(13 * 45, 22 * 45)).count, 0);
      const header = imageHeaderOfCompressed(hdu.header);
      assert.equal(header.get('NAXIS1'), 45);
      assert.equal(header.get('OBSERVER'), 'tester');
      assert.ok(!header.has('ZCMPTYPE') && !header.has('TFORM1'));
    });
  }

  it('corrupted compressed data never escapes as anything but an InputError (seeded mutations)', () => {
    const rng = createRng(99);
    for (const name of ['rice_f32_dither1', 'rice_i16', 'gzip2_f32', 'plio_i32', 'rice_u8']) {
      const original = readFileSync(join(dir, `${name}.fits`));
      const { hdus } = parseFits(original);
      const { dataOffset, dataBytes } = hdus[1];
      for (let trial = 0; trial < 60; trial++) {
        const bytes = new Uint8Array(original);
        const flips = 1 + rng.int(8);
        for (let k = 0; k < flips; k++) bytes[dataOffset + rng.int(dataBytes)] = rng.int(256);
        try {
          const hdu = parseFits(bytes).hdus[1];
          const image = decodeCompressedImage(hdu, { inflate, fileName: name });
          assert.equal(image.data.length, 45 * 67);
        } catch (error) {
          assert.ok(error instanceof InputError, `${name} trial ${trial}: ${String(error)}`);
        }
      }
    }
  });

  it('the dither random table matches the standard (seed after 10 000 draws)', () => {
    const r = ditherRandoms();
    assert.equal(r.length, 10000);
    // Park–Miller minimal standard: the 10 000th seed is 1043618065.
    assert.equal(r[9999], Math.fround(1043618065 / 2147483647));
  });

  it('HCOMPRESS_1 with decompression smoothing is reported as unsupported, naming the file', () => {
    const path = join(dir, 'hcomp.fits');
    python(
      `import numpy as np\nfrom astropy.io import fits\nfits.CompImageHDU(np.arange(400, dtype=np.int16).reshape(20, 20), compression_type='HCOMPRESS_1', hcomp_smooth=1).writeto(${JSON.stringify(path)}, overwrite=True)`,
    );
    const { hdus } = parseFits(readFileSync(path), { fileName: 'hcomp.fits' });
    assert.throws(
      () => decodeCompressedImage(hdus[1], { inflate, fileName: 'hcomp.fits' }),
      /hcomp\.fits: HDU 1: HCOMPRESS_1 with smoothing \(SMOOTH = 1\) is not supported$/,
    );
  });
});
