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
 * Converts the `width`×`height` float64 image at `pixels` to PNG scanlines at `raw` (a filter byte 0,
 * then `round(255·clip(value + pedestal, 0, 1))` per pixel, halves up, NaN → 0) and leaves the histogram
 * of those bytes, filter bytes included, in the deflate kernel's HISTOGRAM.
 */
export function gray8Scanlines(pixels: usize, raw: usize, width: i32, height: i32, pedestal: f64): void {
  memory.fill(PARTIAL, 0, 4 * 256 * 4);
  let p = pixels;
  let o = raw;
  for (let y = 0; y < height; y++) {
    store<u8>(o++, 0);
    let x = 0;
    for (; x + 4 <= width; x += 4) {
      const g0 = gray8(load<f64>(p), pedestal);
      const g1 = gray8(load<f64>(p, 8), pedestal);
      const g2 = gray8(load<f64>(p, 16), pedestal);
      const g3 = gray8(load<f64>(p, 24), pedestal);
      store<u32>(o, (<u32>g0) | ((<u32>g1) << 8) | ((<u32>g2) << 16) | ((<u32>g3) << 24));
      bump(PARTIAL + ((<usize>g0) << 2));
      bump(PARTIAL + 1024 + ((<usize>g1) << 2));
      bump(PARTIAL + 2048 + ((<usize>g2) << 2));
      bump(PARTIAL + 3072 + ((<usize>g3) << 2));
      p += 32;
      o += 4;
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
