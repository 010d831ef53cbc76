// Raster I/O through sharp: 8- and 16-bit, grey and RGB(A) values read back exactly (PNG, lossless TIFF),
// rows in FITS order, and decompression bombs refused from the header before decoding.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { InputError } from '../../../src-workers/core/errors.js';
import { rasterLuminance, readRaster, readRasterInfo, writeRaster } from '../../../src-workers/io/raster-file.js';

const dir = mkdtempSync(join(tmpdir(), 'owb-raster-'));

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('raster files', () => {
  for (const [ext, channels, sixteen] of [
    ['png', 1, false],
    ['png', 1, true],
    ['png', 3, true],
    ['png', 4, false],
    ['tif', 3, false],
    ['tif', 1, true],
  ] as const) {
    it(`${ext} ${channels}-channel ${sixteen ? 16 : 8}-bit: written values read back exactly, bottom row first`, async () => {
      const w = 9;
      const h = 4;
      const n = w * h * channels;
      const px = sixteen
        ? new Uint16Array(n).map((_, i) => (i * 977) % 65536)
        : new Uint8Array(n).map((_, i) => (i * 37) % 256);
      const path = join(dir, `r${channels}-${sixteen ? 16 : 8}.${ext}`);
      await writeRaster(path, px, { width: w, height: h, channels });
      const info = await readRasterInfo(path);
      assert.deepEqual([info.width, info.height, info.channels, info.bitDepth], [w, h, channels, sixteen ? 16 : 8]);
      const r = await readRaster(path);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let c = 0; c < channels; c++)
            assert.equal(r.planes[c][(h - 1 - y) * w + x], px[(y * w + x) * channels + c], `(${x}, ${y}, ${c})`);
      if (channels >= 3) {
        const lum = rasterLuminance(r);
        assert.ok(
          Math.abs(lum[0] - (0.2126 * r.planes[0][0] + 0.7152 * r.planes[1][0] + 0.0722 * r.planes[2][0])) < 1e-3,
        );
      }
    });
  }

  it('JPEG reads back close to what was written (lossy, mean error < 3 levels)', async () => {
    const px = new Uint8Array(32 * 32).map((_, i) => 100 + (i % 32) * 2);
    const path = join(dir, 'grey.jpg');
    await writeRaster(path, px, { width: 32, height: 32, channels: 1 });
    const r = await readRaster(path);
    assert.equal(r.format, 'jpeg');
    let err = 0;
    for (let i = 0; i < px.length; i++) err += Math.abs(r.planes[0][i] - px[(31 - Math.floor(i / 32)) * 32 + (i % 32)]);
    assert.ok(err / px.length < 3, `mean error ${err / px.length}`);
  });

  it('refuses a decompression bomb from its header, naming the file', async () => {
    // A PNG whose header claims 20000 × 20000 pixels (400 Mpx) with a token image stream: only the
    // header may be looked at before refusing it.
    const path = join(dir, 'bomb.png');
    writeFileSync(path, pngClaiming(20000, 20000));
    await assert.rejects(
      readRaster(path),
      (e: unknown) =>
        e instanceof InputError &&
        /^bomb\.png: 20000×20000 = 400000000 pixels exceeds the limit of 268435456 \(decompression bomb\?\)$/.test(
          e.message,
        ),
    );
    await assert.rejects(readRaster(path, { maxPixels: 1000 }), /bomb\.png: .* exceeds the limit of 1000/);
  });

  it('refuses truncated and empty images with a message naming the file', async () => {
    const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'cut.png'), good.subarray(0, 60));
    writeFileSync(join(dir, 'empty.png'), '');
    await assert.rejects(readRaster(join(dir, 'cut.png')), /^InputError: cut\.png: cannot decode image/);
    await assert.rejects(readRaster(join(dir, 'empty.png')), /empty\.png: file is empty/);
  });
});
