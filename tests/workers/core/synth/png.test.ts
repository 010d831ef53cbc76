import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { adler32, crc32, decodePngGray8, encodePngGray8, storedZlib } from '../../../../src-workers/core/synth/png.js';

describe('8-bit greyscale PNG codec', () => {
  const pixels = Uint8Array.from({ length: 37 * 23 }, (_, i) => (i * 7 + (i >> 5)) & 255);
  for (const [name, deflate] of [
    ['stored', storedZlib],
    ['zlib', (b: Uint8Array) => deflateSync(b)],
  ] as const) {
    it(`round-trips through its own decoder and zlib (${name} blocks)`, () => {
      const png = encodePngGray8(37, 23, pixels, deflate);
      const back = decodePngGray8(png, (b) => inflateSync(b));
      assert.deepEqual([back.width, back.height], [37, 23]);
      assert.deepEqual(back.pixels, pixels);
    });
  }

  it('agrees with zlib on CRC-32 and Adler-32', () => {
    const bytes = Uint8Array.from({ length: 20000 }, (_, i) => (i * 31) & 255);
    const native = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
    if (native) assert.equal(crc32(bytes), native(bytes));
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    assert.equal(adler32(new TextEncoder().encode('Wikipedia')), 0x11e60398);
    // zlib's own stream ends with the Adler-32 of the data.
    const stream = deflateSync(bytes);
    assert.equal(Buffer.from(stream).readUInt32BE(stream.length - 4), adler32(bytes));
  });

  it('rejects truncated files and bad CRCs with a message', () => {
    const png = encodePngGray8(37, 23, pixels);
    assert.throws(() => decodePngGray8(png.subarray(0, png.length - 12), (b) => inflateSync(b)), /no IEND chunk/);
    const bad = png.slice();
    bad[40] ^= 1;
    assert.throws(() => decodePngGray8(bad, (b) => inflateSync(b)), /bad CRC/);
    assert.throws(() => decodePngGray8(new Uint8Array(20), (b) => inflateSync(b)), /not a PNG/);
  });
});
