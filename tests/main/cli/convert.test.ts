// `owb convert` end to end: FITS → PNG/JPEG uses the display stretch (checked against astropy's
// ZScaleInterval + LinearStretch on the real M51 frame, ±1 level), PNG/TIFF → FITS keeps the pixel values
// exactly (8- and 16-bit, luminance or one plane per channel, rows flipped to FITS order), outputs pass
// fitsverify, and bad usage exits 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { readFitsImage, readFitsStructure } from '../../../src-workers/io/fits-file.js';
import { fitsverify, python, REAL_DIR } from '../../workers/fits-oracles.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(join(tmpdir(), 'owb-convert-'));

function owb(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('owb convert', () => {
  it('FITS → PNG with --stretch zscale matches astropy ZScale + linear within 1 level, top row first', async () => {
    const src = join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits');
    const out = join(dir, 'm51.png');
    const r = owb('convert', src, out, '--stretch', 'zscale');
    assert.equal(r.status, 0, r.stderr);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [512, 512, 1]);
    const { data } = await sharp(out).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const ref = JSON.parse(
      python(
        `import json, numpy as np\nfrom astropy.io import fits\nfrom astropy.visualization import ZScaleInterval\nx = fits.getdata(${JSON.stringify(src)}).astype(float)\nlo, hi = ZScaleInterval().get_limits(x)\ny = np.round(np.clip((x - lo) / (hi - lo), 0, 1) * 255)[::-1]\nprint(json.dumps(y.ravel().astype(int).tolist()))`,
      ),
    ) as number[];
    let worst = 0;
    ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(data[i] - v))));
    assert.ok(worst <= 1, `worst level difference ${worst}`);
  });

  it('FITS → JPEG with every stretch and a colour map', async () => {
    for (const stretch of ['linear', 'log', 'sqrt', 'asinh', 'histeq']) {
      const out = join(dir, `sp-${stretch}.jpg`);
      const r = owb(
        'convert',
        join(REAL_DIR, 'spitzer_irac_glimpse_example.fits'),
        out,
        '--stretch',
        stretch,
        '--colormap',
        'viridis',
        '--limits',
        '0.5,99.5',
      );
      assert.equal(r.status, 0, r.stderr);
      const meta = await sharp(out).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['jpeg', 1025, 513, 3]);
    }
  });

  it('16-bit grey PNG → FITS keeps values exactly, bottom row first; passes fitsverify', async () => {
    const w = 7;
    const h = 5;
    const px = new Uint16Array(w * h).map((_, i) => i * 1500);
    const png = join(dir, 'grey16.png');
    await sharp(px, { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(png);
    const out = join(dir, 'grey16.fits');
    const r = owb('convert', png, out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([fitsverify(out).errors, fitsverify(out).warnings], [0, 0]);
    const { image, header } = await readFitsImage(out);
    assert.equal(header.get('ORIGBITS'), 16);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) assert.equal(image.data[(h - 1 - y) * w + x], px[y * w + x]);
  });

  it('RGB TIFF → FITS: luminance by default, one plane per channel with --planes', async () => {
    const w = 4;
    const h = 3;
    const rgb = Buffer.alloc(w * h * 3).map((_, i) => (i * 37) % 256);
    const tif = join(dir, 'rgb.tif');
    await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
      .tiff({ compression: 'lzw' })
      .toFile(tif);
    const lum = join(dir, 'lum.fits');
    const cube = join(dir, 'cube.fits');
    assert.equal(owb('convert', tif, lum).status, 0);
    assert.equal(owb('convert', tif, cube, '--planes').status, 0);
    const l = await readFitsImage(lum);
    const top = 0; // raster row 0 is FITS row h-1
    const i0 = (h - 1 - top) * w;
    const want = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    assert.ok(Math.abs(l.image.data[i0] - want) < 1e-4, `luminance ${l.image.data[i0]} vs ${want}`);
    const s = await readFitsStructure(cube);
    assert.deepEqual(s.hdus[0].naxis, [w, h, 3]);
    const green = await readFitsImage(cube, { plane: 1 });
    assert.equal(green.image.data[i0], rgb[1]);
    assert.deepEqual([fitsverify(cube).errors, fitsverify(cube).warnings], [0, 0]);
  });

  it('tile-compressed FITS → plain FITS keeps the header and the values', async () => {
    const fz = join(dir, 'c.fits.fz');
    python(
      `import numpy as np\nfrom astropy.io import fits\nh = fits.CompImageHDU(np.arange(300, dtype=np.int16).reshape(15, 20), compression_type='GZIP_2')\nh.header['OBJECT'] = 'm51'\nh.writeto(${JSON.stringify(fz)})`,
    );
    const out = join(dir, 'plain.fits');
    assert.equal(owb('convert', fz, out).status, 0);
    const { image, header } = await readFitsImage(out);
    assert.equal(header.get('OBJECT'), 'm51');
    assert.equal(image.data[299], 299);
    assert.deepEqual([fitsverify(out).errors, fitsverify(out).warnings], [0, 0]);
  });

  it('bad usage and bad input exit 2 with one owb: line', () => {
    writeFileSync(join(dir, 'empty.png'), '');
    const cases: string[][] = [
      ['convert', join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits')],
      ['convert', join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits'), join(dir, 'x.bmp')],
      ['convert', join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits'), join(dir, 'x.png'), '--stretch', 'cubic'],
      ['convert', join(REAL_DIR, 'kpno_m51_B_600s_iraf_pix.fits'), join(dir, 'x.png'), '--hdu', '3'],
      ['convert', join(dir, 'empty.png'), join(dir, 'x.fits')],
    ];
    for (const args of cases) {
      const r = owb(...args);
      assert.equal(r.status, 2, `${args.slice(1).join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^owb: /);
    }
  });
});
