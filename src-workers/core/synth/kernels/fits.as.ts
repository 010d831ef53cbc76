// The data unit of float32 FITS images and the ones' complement sums of DATASUM and CHECKSUM
// (used by the synth FITS encoder, which keeps its file in this module's memory).

/** Byte order of each float, reversed: FITS data are big-endian. */
const BIG_ENDIAN_PAIRS = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

/** Adds the carries above bit 31 back in until none is left (end-around carry, deferred). */
function fold(sum: u64): u32 {
  while (sum >> 32) sum = (sum & 0xffffffff) + (sum >> 32);
  return <u32>sum;
}

/**
 * Writes the `n` float64 values at `pixels` as big-endian float32 (rounded to nearest, as a Float32Array
 * stores them) at `out`, and returns the 32-bit ones' complement sum of those words: the DATASUM of the
 * data unit (its zero padding adds nothing). Four values at a time; a big-endian word read as a number
 * is the float's own bit pattern, so the sum is taken before the bytes are turned round.
 */
export function float32BigEndian(pixels: usize, out: usize, n: i32): u32 {
  let low = i64x2.splat(0);
  let high = i64x2.splat(0);
  let i = 0;
  let p = pixels;
  let o = out;
  // 2^32 words of at most 2^32 − 1 each cannot overflow a 64-bit lane: no folding inside the loop.
  for (; i + 4 <= n; i += 4) {
    const a = f32x4.demote_f64x2_zero(v128.load(p));
    const b = f32x4.demote_f64x2_zero(v128.load(p, 16));
    const bits = v128.shuffle<i64>(a, b, 0, 2);
    low = i64x2.add(low, i64x2.extend_low_i32x4_u(bits));
    high = i64x2.add(high, i64x2.extend_high_i32x4_u(bits));
    v128.store(o, i8x16.swizzle(bits, BIG_ENDIAN_PAIRS));
    p += 32;
    o += 16;
  }
  let sum: u64 =
    <u64>i64x2.extract_lane(low, 0) +
    <u64>i64x2.extract_lane(low, 1) +
    <u64>i64x2.extract_lane(high, 0) +
    <u64>i64x2.extract_lane(high, 1);
  for (; i < n; i++) {
    const word = reinterpret<u32>(<f32>load<f64>(p));
    sum += word;
    store<u32>(o, bswap<u32>(word));
    p += 8;
    o += 4;
  }
  return fold(sum);
}

/** The 32-bit ones' complement sum of the `length` bytes at `at` (a multiple of 4), read big-endian. */
export function onesComplementSum32(at: usize, length: i32): u32 {
  let sum: u64 = 0;
  const end = at + <usize>length;
  for (let p = at; p < end; p += 4) sum += bswap<u32>(load<u32>(p));
  return fold(sum);
}
