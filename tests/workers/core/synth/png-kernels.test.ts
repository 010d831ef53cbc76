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

describe('PNG kernels (SIMD Adler-32)', () => {
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
});
