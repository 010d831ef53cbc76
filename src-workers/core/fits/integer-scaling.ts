/**
 * Choosing BSCALE/BZERO to store physical values as 8- or 16-bit integers (FITS Standard 4.0 §4.4.2.5,
 * §5.3): integer data that fit are stored exactly (BSCALE = 1; BZERO = 32768 for unsigned 16-bit data,
 * as astropy writes them); other data are spread linearly over the whole integer range, so the values
 * are rounded to steps of BSCALE (error ≤ BSCALE / 2) but never clipped. NaN takes a reserved BLANK code.
 */
import type { EncodeScaling } from './pixels.js';

/** The storage chosen for one image, and what it costs. */
export interface IntegerScaling {
  scaling: EncodeScaling;
  /** True when every finite value is stored exactly. */
  exact: boolean;
  /** Largest rounding error of a finite value, in physical units (0 when exact). */
  maxErrorPhysical: number;
  /** ±Inf pixels, which are stored as the largest or smallest value (clipped). */
  infiniteCount: number;
}

/** BSCALE/BZERO/BLANK for writing `values` with BITPIX `bitpix` (8 or 16). */
export function integerScaling(values: Float32Array | Float64Array, bitpix: 8 | 16): IntegerScaling {
  let min = Infinity;
  let max = -Infinity;
  let hasNaN = false;
  let integers = true;
  let infiniteCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) hasNaN = true;
    else if (v === Infinity || v === -Infinity) infiniteCount++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      if (integers && !Number.isInteger(v)) integers = false;
    }
  }
  // Stored integer ranges; BLANK takes the lowest code when there are NaN pixels.
  const [typeLo, typeHi] = bitpix === 8 ? [0, 255] : [-32768, 32767];
  const lo = hasNaN ? typeLo + 1 : typeLo;
  const hi = typeHi;
  const blank = hasNaN ? typeLo : undefined;
  const withBlank = (s: { bscale: number; bzero: number }): EncodeScaling =>
    blank === undefined ? s : { ...s, blank };
  if (min > max)
    return {
      scaling: withBlank({ bscale: 1, bzero: bitpix === 16 ? 32768 : 0 }),
      exact: true,
      maxErrorPhysical: 0,
      infiniteCount,
    };
  if (integers && max - min <= hi - lo) {
    let bzero: number;
    if (bitpix === 16 && min >= lo + 32768 && max <= hi + 32768) bzero = 32768;
    else if (min >= lo && max <= hi) bzero = 0;
    else bzero = min - lo;
    return { scaling: withBlank({ bscale: 1, bzero }), exact: true, maxErrorPhysical: 0, infiniteCount };
  }
  if (max === min)
    return { scaling: withBlank({ bscale: 1, bzero: min - lo }), exact: true, maxErrorPhysical: 0, infiniteCount };
  const bscale = (max - min) / (hi - lo);
  return {
    scaling: withBlank({ bscale, bzero: min - lo * bscale }),
    exact: false,
    maxErrorPhysical: bscale / 2,
    infiniteCount,
  };
}
