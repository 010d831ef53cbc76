// HCOMPRESS_1 tiles decoded against astropy (which decompresses with CFITSIO): astropy writes each
// file with CompImageHDU(compression_type='HCOMPRESS_1'), lossless (hcomp_scale 0) and lossy, for
// 16- and 32-bit integers and quantised float32, with tile sizes that do not divide the image; the
// pixels we read must equal astropy's decompressed pixels exactly (float32 bit for bit).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../src-workers/core/errors.js';
import { readFitsImage, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { python } from '../fits-oracles.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-fits-hcompress-'));

const CASES: Array<[string, string]> = [
  [
    'int16-lossless',
    `d = (rng.normal(1000, 30, (70, 53)) + np.arange(70)[:, None] * 5).astype(np.int16); d[3, 4] = -32000; d[10, 10] = 32000; kw = dict(hcomp_scale=0)`,
  ],
  ['int16-lossy', `d = (rng.normal(1000, 30, (70, 53))).astype(np.int16); kw = dict(hcomp_scale=2.5)`],
  [
    'int32-lossless',
    `d = rng.normal(0, 1e6, (64, 61)).astype(np.int32); kw = dict(hcomp_scale=0, tile_shape=(16, 61))`,
  ],
  [
    'int32-odd-tiles',
    `d = rng.integers(-5000, 5000, (33, 47)).astype(np.int32); kw = dict(hcomp_scale=0, tile_shape=(7, 47))`,
  ],
  ['float32-dithered', `d = rng.normal(100, 5, (40, 45)).astype(np.float32); kw = dict(hcomp_scale=0)`],
  ['float32-lossy', `d = rng.normal(100, 5, (40, 45)).astype(np.float32); kw = dict(hcomp_scale=4, quantize_level=8)`],
];

function makeCase(name: string, code: string): { path: string; astropy: Float32Array; original: Float32Array } {
  const path = join(dir, `${name}.fits`);
  python(
    `import numpy as np\nfrom astropy.io import fits\nrng = np.random.default_rng(11)\n${code}\n` +
      `fits.CompImageHDU(d, compression_type='HCOMPRESS_1', **kw).writeto(${JSON.stringify(path)})\n` +
      `d.astype('<f4').tofile(${JSON.stringify(`${path}.orig`)})\n` +
      `with fits.open(${JSON.stringify(path)}) as f: f[1].data.astype('<f4').tofile(${JSON.stringify(`${path}.astropy`)})`,
  );
  const f32 = (p: string): Float32Array => {
    const b = readFileSync(p);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  return { path, astropy: f32(`${path}.astropy`), original: f32(`${path}.orig`) };
}

describe('HCOMPRESS_1 tiles against astropy', () => {
  for (const [name, code] of CASES) {
    it(`${name}: every pixel equals astropy's decompression`, async () => {
      const { path, astropy, original } = makeCase(name, code);
      const { image } = await readFitsImage(path);
      assert.equal(image.data.length, astropy.length);
      let mismatches = 0;
      for (let i = 0; i < astropy.length; i++) if (!Object.is(image.data[i], astropy[i])) mismatches++;
      assert.equal(mismatches, 0, `${mismatches} of ${astropy.length} pixels differ from astropy`);
      // Lossless integer cases give back the original; lossy ones must differ, or the case tests nothing.
      const differs = original.some((v, i) => v !== astropy[i]);
      assert.equal(differs, !name.startsWith('int') || name.includes('lossy'), `${name}: lossy = ${differs}`);
    });
  }

  it('a corrupt HCOMPRESS tile is an InputError naming the file and HDU', async () => {
    const { path } = makeCase(
      'corrupt',
      `d = np.arange(400, dtype=np.int16).reshape(20, 20); kw = dict(hcomp_scale=0)`,
    );
    const bytes = readFileSync(path);
    const { hdus } = await readFitsStructure(path);
    // Overwrite the start of the heap (the first tile's 0xDD99 magic) with zeros.
    const theap =
      Number(hdus[1].header.get('THEAP') ?? 0) ||
      Number(hdus[1].header.get('NAXIS1')) * Number(hdus[1].header.get('NAXIS2'));
    bytes.fill(0, hdus[1].dataOffset + theap, hdus[1].dataOffset + theap + 2);
    const broken = join(dir, 'corrupt-broken.fits');
    writeFileSync(broken, bytes);
    await assert.rejects(readFitsImage(broken), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /^corrupt-broken\.fits: HDU 1.*HCOMPRESS tile has no 0xDD99 magic code$/);
      return true;
    });
  });
});
