import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import { Gray8PngEncoder, huffmanCodeLengths } from '../../../../src-workers/core/synth/png-encoder.js';
import { decodePngGray8, encodePngGray8, storedZlib } from '../../../../src-workers/core/synth/png.js';
import { toGray8 } from '../../../../src-workers/core/synth/sample.js';

const inflate = (b: Uint8Array): Uint8Array => new Uint8Array(zlib.inflateSync(b));

/** A small LCG so that the images are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

function roundTrip(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const png = new Gray8PngEncoder(width, height, zlib.crc32).encode(pixels).slice();
  const back = decodePngGray8(png, inflate);
  assert.deepEqual([back.width, back.height], [width, height]);
  assert.ok(Buffer.from(back.pixels).equals(Buffer.from(pixels)), `${width}×${height} pixels differ after decoding`);
  return png;
}

describe('Gray8PngEncoder (Huffman-only PNG for many images of one size)', () => {
  const rnd = lcg(3);
  // A sky-like image: noise around a pedestal with a bright blob, as the generator writes them.
  const sky = Uint8Array.from({ length: 64 * 64 }, (_, i) => {
    const x = (i % 64) - 30;
    const y = Math.floor(i / 64) - 33;
    return Math.min(255, 20 + (rnd() % 13) + (rnd() % 13) + Math.round(200 * Math.exp(-(x * x + y * y) / 30)));
  });

  it('round-trips through zlib and compresses noisy images as well as zlib’s Huffman-only mode', () => {
    const png = roundTrip(64, 64, sky);
    const reference = encodePngGray8(64, 64, sky, (raw) =>
      zlib.deflateSync(raw, { level: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY }),
    );
    assert.ok(png.length <= reference.length * 1.01, `${png.length} bytes against zlib's ${reference.length}`);
  });

  it('handles one pixel, a constant image and incompressible data (stored blocks)', () => {
    roundTrip(1, 1, Uint8Array.of(200));
    roundTrip(64, 64, new Uint8Array(64 * 64));
    const noise = Uint8Array.from({ length: 300 * 300 }, () => rnd() & 255);
    const png = roundTrip(300, 300, noise);
    // Stored: raw rows plus 5 bytes per 64 KiB block, zlib header and trailer, PNG chunks.
    assert.ok(png.length <= 301 * 300 + 5 * 2 + 6 + 57, `${png.length} bytes for incompressible data`);
    assert.ok(png.length >= storedZlib(new Uint8Array(301 * 300)).length);
  });

  it('splits images over 2 MiB into several blocks', () => {
    const big = Uint8Array.from({ length: 1600 * 1400 }, () => 100 + (rnd() % 20));
    const png = roundTrip(1600, 1400, big);
    assert.ok(png.length < big.length * 0.7);
  });

  it('limits code lengths to 15 bits on skewed (Fibonacci) histograms and still decodes', () => {
    const freq = new Int32Array(257);
    let a = 1;
    let b = 1;
    for (let s = 0; s < 26; s++) {
      freq[s] = a;
      [a, b] = [b, a + b];
    }
    const lengths = huffmanCodeLengths(freq, 15);
    assert.equal(Math.max(...lengths), 15);
    // Kraft's sum of a complete prefix code is exactly one.
    const kraft = [...lengths].reduce((sum, l) => sum + (l ? 2 ** -l : 0), 0);
    assert.equal(kraft, 1);
    const side = 400;
    const pixels = new Uint8Array(side * side);
    let at = 0;
    for (let s = 0; s < 26 && at < pixels.length; s++)
      for (let k = 0; k < freq[s] && at < pixels.length; k++) pixels[at++] = s * 9;
    roundTrip(side, side, pixels);
  });

  it('encodeScaled writes the same bytes as encode(toGray8(…)), and the encoder can be reused', () => {
    const encoder = new Gray8PngEncoder(40, 30, zlib.crc32);
    for (let k = 0; k < 3; k++) {
      const values = Float64Array.from({ length: 40 * 30 }, (_, i) => ((i * (k + 7)) % 97) / 80 - 0.2);
      const scaled = encoder.encodeScaled(values, 0.1).slice();
      const direct = encoder.encode(toGray8(values, 0.1)).slice();
      assert.ok(Buffer.from(scaled).equals(Buffer.from(direct)), `image ${k}`);
      assert.deepEqual(decodePngGray8(scaled, inflate).pixels, toGray8(values, 0.1));
    }
    assert.throws(() => encoder.encode(new Uint8Array(5)), /5 pixels for 40×30/);
  });

  const python = '/usr/bin/python3';
  const root = mkdtempSync(join(tmpdir(), 'owb-png-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  it('is read back exactly by Pillow', { skip: !existsSync(python) && 'no /usr/bin/python3' }, (t) => {
    const file = join(root, 'sky.png');
    writeFileSync(file, new Gray8PngEncoder(64, 64, zlib.crc32).encode(sky));
    const script =
      'import sys, hashlib; from PIL import Image; im = Image.open(sys.argv[1]); im.load(); ' +
      'print(im.mode, im.size[0], im.size[1], hashlib.sha256(im.tobytes()).hexdigest())';
    let out: string;
    try {
      out = execFileSync(python, ['-c', script, file], { encoding: 'utf8' }).trim();
    } catch (error) {
      if (String((error as { stderr?: string }).stderr).includes('No module named')) {
        t.skip('Pillow is not installed for /usr/bin/python3 (Debian: python3-pil)');
        return;
      }
      throw error;
    }
    assert.equal(out, `L 64 64 ${createHash('sha256').update(sky).digest('hex')}`);
  });
});
