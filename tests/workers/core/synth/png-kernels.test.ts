import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { synthKernels } from '../../../../src-workers/core/synth/kernels/instance.js';

/** A small LCG so that the inputs are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

/** zlib's own Adler-32: the last four bytes of its stream (level 0 keeps it fast). */
function zlibAdler32(bytes: Uint8Array): number {
  const stream = deflateSync(bytes, { level: 0 });
  return stream.readUInt32BE(stream.length - 4);
}

/** The scalar conversion the SIMD kernel must reproduce: round(255·clip(value + pedestal, 0, 1)). */
function gray8(value: number, pedestal: number): number {
  const v = 255 * (value + pedestal) + 0.5;
  return v > 0 ? (v >= 255 ? 255 : Math.trunc(v)) : 0;
}

function nextAfter(x: number, steps: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  // Positive doubles order like their bit patterns; negative ones the other way round.
  view.setBigInt64(0, bits + BigInt(x < 0 || Object.is(x, -0) ? -steps : steps));
  return view.getFloat64(0);
}

describe('PNG kernels (SIMD Adler-32 and 8-bit conversion)', () => {
  const k = synthKernels();
  const capacity = 100_003;
  const at = k.alloc(capacity);

  it('adler32 agrees with zlib on 300 random lengths up to 20000 and around the 16- and 5552-byte boundaries', () => {
    const rnd = lcg(11);
    const random = Uint8Array.from({ length: capacity }, () => rnd() & 255);
    const lengths = [0, 1, 2, 15, 16, 17, 31, 32, 33, 5551, 5552, 5553, 5567, 5568, 11104, 11120, 20000];
    for (let i = 0; i < 300; i++) lengths.push(rnd() % 20001);
    for (const [name, data] of [
      ['random', random],
      ['all-255', new Uint8Array(capacity).fill(255)],
    ] as const) {
      // Odd start addresses too: the kernel's 16-byte loads need no alignment.
      for (const offset of [0, 3]) {
        k.u8(at, capacity).set(data);
        for (const n of lengths) {
          const want = zlibAdler32(data.subarray(offset, offset + n));
          assert.equal(k.exports.adler32(at + offset, n) >>> 0, want, `${name} bytes, offset ${offset}, length ${n}`);
        }
      }
    }
  });

  it('adler32 stays exact past many reductions (100000 bytes of 255, the worst case for overflow)', () => {
    const data = new Uint8Array(capacity).fill(255);
    k.u8(at, capacity).set(data);
    for (const n of [65536, 99999, 100_003])
      assert.equal(k.exports.adler32(at, n) >>> 0, zlibAdler32(data.subarray(0, n)), `length ${n}`);
  });

  /** NaN, infinities, zeros, extremes, and a few ulps either side of where the result changes. */
  function edgeValues(pedestal: number): number[] {
    const values = [NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, Number.MIN_VALUE, -Number.MIN_VALUE];
    // Every rounding half, the clipping ends, and where the truncation to int32 saturates.
    const targets = [-(2 ** 31) - 1, -1, -0.5, 0, 0.5, 1, 1.5, 254, 254.5, 255, 255.5, 256, 2 ** 31, 2 ** 32];
    for (let j = 0; j <= 256; j++) targets.push(j + 0.5);
    for (const t of targets) {
      const x = (t - 0.5) / 255 - pedestal;
      for (let s = -3; s <= 3; s++) values.push(nextAfter(x, s));
    }
    return values;
  }

  it('edge values really hit the thresholds 0, 0.5, 1, 254.5 and 255 exactly', () => {
    const hit = [0.1, 0].flatMap((pedestal) => edgeValues(pedestal).map((x) => 255 * (x + pedestal) + 0.5));
    for (const t of [0, 0.5, 1, 254.5, 255]) assert.ok(hit.includes(t), `no edge value gives exactly ${t}`);
  });

  for (const pedestal of [0.1, 0])
    it(`gray8Scanlines gives the scalar bytes and histogram on edge values, any width (pedestal ${pedestal})`, () => {
      const values = edgeValues(pedestal);
      const rnd = lcg(5);
      const height = 5;
      for (const width of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 37, 64]) {
        const n = width * height;
        const pixelsAt = k.alloc(n * 8);
        const rawAt = k.alloc((width + 1) * height);
        const pixels = Float64Array.from({ length: n }, (_, i) => values[(i + rnd()) % values.length]);
        k.f64(pixelsAt, n).set(pixels);
        k.exports.gray8Scanlines(pixelsAt, rawAt, width, height, pedestal);

        const want = new Uint8Array((width + 1) * height);
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) want[y * (width + 1) + 1 + x] = gray8(pixels[y * width + x], pedestal);
        const raw = k.u8(rawAt, want.length);
        for (let i = 0; i < want.length; i++) {
          const value = pixels[i - 1 - Math.floor(i / (width + 1))];
          assert.equal(raw[i], want[i], `width ${width}, byte ${i} (value ${value})`);
        }
        const histogram = new Int32Array(257);
        for (const b of want) histogram[b]++;
        assert.deepEqual(k.i32(k.exports.HISTOGRAM.value, 257), histogram, `histogram, width ${width}`);
      }
    });
});
