// The per-byte loops of the greyscale PNG encoder (png-encoder.ts builds the codes and the framing).

/**
 * Converts the `width`×`height` float64 image at `pixels` to PNG scanlines at `raw` (a filter byte 0,
 * then `round(255·clip(value + pedestal, 0, 1))` per pixel, halves up, NaN → 0) and counts each byte
 * value into the int32 histogram at `freq` (which the caller zeroes), filter bytes included.
 */
export function gray8Scanlines(pixels: usize, raw: usize, width: i32, height: i32, pedestal: f64, freq: usize): void {
  let i: usize = 0;
  let o: usize = 0;
  for (let y = 0; y < height; y++) {
    store<u8>(raw + o++, 0);
    for (let x = 0; x < width; x++) {
      const v = 255 * (load<f64>(pixels + (i++ << 3)) + pedestal) + 0.5;
      const g: i32 = v > 0 ? (v >= 255 ? 255 : <i32>v) : 0;
      store<u8>(raw + o++, <u8>g);
      const f = freq + ((<usize>g) << 2);
      store<i32>(f, load<i32>(f) + 1);
    }
  }
  const f0 = load<i32>(freq) + height;
  store<i32>(freq, f0);
}

let bitBuffer: u64 = 0;
let bitCount: i32 = 0;

/**
 * Huffman-codes the bytes `raw[begin, end)` with `table` (int32 per byte value: bit-reversed code |
 * length << 16) onto `out` at `at`, LSB first after the `count` < 8 pending bits in `bits`. Returns the
 * new `at`; fewer than 8 bits stay pending (`pendingBits`, `pendingCount`). Writes whole 32-bit words,
 * so up to 3 bytes past the returned end may be overwritten.
 */
export function packLiterals(
  raw: usize,
  begin: i32,
  end: i32,
  table: usize,
  out: usize,
  at: i32,
  bits: i32,
  count: i32,
): i32 {
  let acc: u64 = <u64>(<u32>bits);
  let n: i32 = count;
  let o: usize = out + <usize>at;
  for (let i = begin; i < end; i++) {
    const e = load<u32>(table + ((<usize>load<u8>(raw + <usize>i)) << 2));
    acc |= (<u64>(e & 0xffff)) << (<u64>n);
    n += <i32>(e >>> 16);
    if (n >= 32) {
      store<u32>(o, <u32>acc);
      o += 4;
      acc >>= 32;
      n -= 32;
    }
  }
  while (n >= 8) {
    store<u8>(o++, <u8>acc);
    acc >>= 8;
    n -= 8;
  }
  bitBuffer = acc;
  bitCount = n;
  return <i32>(o - out);
}

export function pendingBits(): i32 {
  return <i32>bitBuffer;
}

export function pendingCount(): i32 {
  return bitCount;
}

/** Adler-32 of `length` bytes at `bytes` (RFC 1950). */
export function adler32(bytes: usize, length: i32): u32 {
  let a: u32 = 1;
  let b: u32 = 0;
  let i = 0;
  while (i < length) {
    const end = min<i32>(length, i + 5552);
    for (; i < end; i++) {
      a += load<u8>(bytes + <usize>i);
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b << 16) | a;
}
