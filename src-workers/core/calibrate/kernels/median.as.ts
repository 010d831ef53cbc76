// Per-pixel median of N float32 columns by a comparator network, four pixels per SIMD operation.
// The host (median-kernel.ts) copies a chunk of each frame's band into column k at `cols + k * stride`,
// passes the network as pairs of column byte offsets, and reads the medians back from `out`.

/**
 * Writes at `out` the median of the N columns for `bytes / 4` pixels (`bytes` a multiple of 16) and
 * returns how many pixels have a NaN among their values, their indices (i32, ascending) written at
 * `nanList`: `out` is meaningless for those, and the host takes its NaN-ignoring scalar path for them.
 * The network (`pairs`, `count` comparators, u32 byte offsets a < b; afterwards column a holds the
 * smaller value) must bring the middle value(s) to the columns at byte offsets `lo` and `hi` (the same
 * for odd N); the even median is 0.5 × (lo + hi) taken in float64 and rounded to float32, as the scalar
 * code does. pmin/pmax (one instruction each) are exact here: without NaN they differ from min/max only
 * in which of −0 and +0 they return for an equal pair, and −0 == +0.
 */
export function medianColumns(
  cols: usize,
  stride: usize,
  columns: i32,
  bytes: usize,
  pairs: usize,
  count: i32,
  lo: usize,
  hi: usize,
  out: usize,
  nanList: usize,
): i32 {
  // x != x only for NaN: OR-ed over the N values of four pixels at a time.
  let found = 0;
  for (let i: usize = 0; i < bytes; i += 16) {
    let nan = i32x4.splat(0);
    for (let k = 0; k < columns; k++) {
      const v = v128.load(cols + <usize>k * stride + i);
      nan = v128.or(nan, f32x4.ne(v, v));
    }
    if (!v128.any_true(nan)) continue;
    const px = <i32>(i >> 2);
    if (i32x4.extract_lane(nan, 0)) {
      store<i32>(nanList + ((<usize>found) << 2), px);
      found++;
    }
    if (i32x4.extract_lane(nan, 1)) {
      store<i32>(nanList + ((<usize>found) << 2), px + 1);
      found++;
    }
    if (i32x4.extract_lane(nan, 2)) {
      store<i32>(nanList + ((<usize>found) << 2), px + 2);
      found++;
    }
    if (i32x4.extract_lane(nan, 3)) {
      store<i32>(nanList + ((<usize>found) << 2), px + 3);
      found++;
    }
  }
  for (let p = 0; p < count; p++) {
    const a = cols + <usize>load<u32>(pairs + ((<usize>p) << 3));
    const b = cols + <usize>load<u32>(pairs + ((<usize>p) << 3), 4);
    for (let i: usize = 0; i < bytes; i += 16) {
      const x = v128.load(a + i);
      const y = v128.load(b + i);
      v128.store(a + i, f32x4.pmin(x, y));
      v128.store(b + i, f32x4.pmax(x, y));
    }
  }
  const l = cols + lo;
  const h = cols + hi;
  if (lo === hi) {
    memory.copy(out, l, bytes);
    return found;
  }
  const half = f64x2.splat(0.5);
  for (let i: usize = 0; i < bytes; i += 16) {
    const x = v128.load(l + i);
    const y = v128.load(h + i);
    const low = f64x2.mul(half, f64x2.add(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y)));
    const xh = v128.shuffle<f32>(x, x, 2, 3, 0, 1);
    const yh = v128.shuffle<f32>(y, y, 2, 3, 0, 1);
    const high = f64x2.mul(half, f64x2.add(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(yh)));
    v128.store(out + i, v128.shuffle<i64>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 2));
  }
  return found;
}
