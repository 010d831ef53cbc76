// The pixel conversion of the greyscale PNG encoder (png-encoder.ts builds the framing; deflate.as.ts
// the zlib stream).
import { HISTOGRAM } from './deflate.as';

/** Four histograms, summed at the end: consecutive equal bytes would otherwise wait on each other's count. */
const PARTIAL = memory.data(4 * 256 * 4);

function bump(at: usize): void {
  store<i32>(at, load<i32>(at) + 1);
}

function gray8(value: f64, pedestal: f64): i32 {
  const v = 255 * (value + pedestal) + 0.5;
  return v > 0 ? (v >= 255 ? 255 : <i32>v) : 0;
}

/**
 * `gray8` of two pixels (f64x2, the same operations) in the low two i32 lanes: truncation saturates and
 * sends NaN to 0, and the later saturating narrows clip to 0 … 255, which is what gray8's branches do.
 */
function gray8Pair(at: usize, pedestal: v128): v128 {
  const v = f64x2.add(f64x2.mul(f64x2.splat(255), f64x2.add(v128.load(at), pedestal)), f64x2.splat(0.5));
  return i32x4.trunc_sat_f64x2_s_zero(v);
}

/**
 * Converts the `width`×`height` float64 image at `pixels` to PNG scanlines at `raw` (a filter byte 0,
 * then `round(255·clip(value + pedestal, 0, 1))` per pixel, halves up, NaN → 0) and leaves the histogram
 * of those bytes, filter bytes included, in the deflate kernel's HISTOGRAM. Eight pixels a step in SIMD.
 */
export function gray8Scanlines(pixels: usize, raw: usize, width: i32, height: i32, pedestal: f64): void {
  memory.fill(PARTIAL, 0, 4 * 256 * 4);
  const vPedestal = f64x2.splat(pedestal);
  let p = pixels;
  let o = raw;
  for (let y = 0; y < height; y++) {
    store<u8>(o++, 0);
    let x = 0;
    for (; x + 8 <= width; x += 8) {
      const low = i32x4.shuffle(gray8Pair(p, vPedestal), gray8Pair(p + 16, vPedestal), 0, 1, 4, 5);
      const high = i32x4.shuffle(gray8Pair(p + 32, vPedestal), gray8Pair(p + 48, vPedestal), 0, 1, 4, 5);
      const narrow = i16x8.narrow_i32x4_s(low, high);
      const g = i8x16.narrow_i16x8_u(narrow, narrow);
      v128.store64_lane(o, g, 0);
      bump(PARTIAL + ((<usize>i8x16.extract_lane_u(g, 0)) << 2));
      bump(PARTIAL + 1024 + ((<usize>i8x16.extract_lane_u(g, 1)) << 2));
      bump(PARTIAL + 2048 + ((<usize>i8x16.extract_lane_u(g, 2)) << 2));
      bump(PARTIAL + 3072 + ((<usize>i8x16.extract_lane_u(g, 3)) << 2));
      bump(PARTIAL + ((<usize>i8x16.extract_lane_u(g, 4)) << 2));
      bump(PARTIAL + 1024 + ((<usize>i8x16.extract_lane_u(g, 5)) << 2));
      bump(PARTIAL + 2048 + ((<usize>i8x16.extract_lane_u(g, 6)) << 2));
      bump(PARTIAL + 3072 + ((<usize>i8x16.extract_lane_u(g, 7)) << 2));
      p += 64;
      o += 8;
    }
    for (; x < width; x++) {
      const g = gray8(load<f64>(p), pedestal);
      store<u8>(o++, <u8>g);
      bump(PARTIAL + ((<usize>g) << 2));
      p += 8;
    }
  }
  for (let s = 0; s < 256; s++) {
    const at = (<usize>s) << 2;
    store<i32>(
      HISTOGRAM + at,
      load<i32>(PARTIAL + at) +
        load<i32>(PARTIAL + 1024 + at) +
        load<i32>(PARTIAL + 2048 + at) +
        load<i32>(PARTIAL + 3072 + at),
    );
  }
  store<i32>(HISTOGRAM, load<i32>(HISTOGRAM) + height);
  store<i32>(HISTOGRAM + 1024, 0);
}
