// Adler-32 (RFC 1950, 2.2), the zlib trailer of the deflate kernel's streams, 16 bytes a step in SIMD.

const BASE: u32 = 65521;
/**
 * 16-byte blocks per reduction: 347 · 16 = 5552 bytes, zlib's NMAX, the longest run of bytes after
 * which b, started below BASE, still fits in 32 bits. Every lane and partial sum below is a part of b.
 */
const BLOCKS_PER_REDUCTION = 347;
/** A block's byte i adds (16 − i)·x to b beyond what its predecessors' a adds. */
const WEIGHTS_LOW = i16x8(16, 15, 14, 13, 12, 11, 10, 9);
const WEIGHTS_HIGH = i16x8(8, 7, 6, 5, 4, 3, 2, 1);

function laneSum(v: v128): u32 {
  return <u32>(
    (i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3))
  );
}

/**
 * Adler-32 of `length` bytes at `bytes`. Over n blocks, b grows by 16·n·a, plus 16 times the byte sums
 * of the blocks before each block, plus each block's weighted sum: `before` carries those byte sums, so
 * the loop has no dependence on a or b, and both are reduced once per 5552 bytes as in zlib.
 */
export function adler32(bytes: usize, length: i32): u32 {
  let a: u32 = 1;
  let b: u32 = 0;
  let p = bytes;
  let left = length;
  while (left >= 16) {
    const n = min<i32>(left >> 4, BLOCKS_PER_REDUCTION);
    let sums = i32x4.splat(0);
    let before = i32x4.splat(0);
    let weighted = i32x4.splat(0);
    for (let k = 0; k < n; k++) {
      const x = v128.load(p);
      const low = i16x8.extend_low_i8x16_u(x);
      const high = i16x8.extend_high_i8x16_u(x);
      before = i32x4.add(before, sums);
      sums = i32x4.add(sums, i32x4.extadd_pairwise_i16x8_u(i16x8.add(low, high)));
      weighted = i32x4.add(
        weighted,
        i32x4.add(i32x4.dot_i16x8_s(low, WEIGHTS_LOW), i32x4.dot_i16x8_s(high, WEIGHTS_HIGH)),
      );
      p += 16;
    }
    b += ((<u32>n) << 4) * a + (laneSum(before) << 4) + laneSum(weighted);
    a += laneSum(sums);
    a %= BASE;
    b %= BASE;
    left -= n << 4;
  }
  // Fewer than 16 bytes: a and b stay far from overflow.
  for (; left > 0; left--) {
    a += load<u8>(p++);
    b += a;
  }
  return ((b % BASE) << 16) | (a % BASE);
}
