/**
 * Big-endian pixel decoding into float64 physical values (FITS Standard 4.0, §5.2 and §4.4.2.5):
 * physical = BZERO + BSCALE × stored, a stored integer equal to BLANK becomes NaN. The precision is
 * astropy's (`HDU.data` dtype): float32 for BITPIX 8, 16 and −32, float64 for 32, 64 and −64. Unlike the
 * float32 decoder beside it, BITPIX −64 values keep their range (1e308 stays finite), which exact
 * statistics need.
 */
import type { PixelScaling } from './pixels.js';

/**
 * Decodes `count` big-endian pixels of type `bitpix` from `raw` (starting at byte 0) into `out`
 * (starting at 0), applying `scaling`. Throws RangeError for a short `raw` or an invalid BITPIX.
 */
export function decodePixels64(
  raw: Uint8Array,
  bitpix: number,
  count: number,
  scaling: PixelScaling,
  out: Float64Array,
): void {
  const bytesPer = Math.abs(bitpix) / 8;
  if (raw.length < count * bytesPer) throw new RangeError(`need ${count * bytesPer} bytes, have ${raw.length}`);
  if (out.length < count) throw new RangeError(`'out' holds ${out.length} values, need ${count}`);
  const { bscale, bzero } = scaling;
  const blank = bitpix > 0 ? scaling.blank : undefined;
  const dv = new DataView(raw.buffer, raw.byteOffset, count * bytesPer);
  // BLANK never matches when undefined; NaN stays NaN through the scaling.
  const nul = blank ?? Number.NaN;
  switch (bitpix) {
    case 8:
      for (let i = 0; i < count; i++) {
        const v = raw[i];
        out[i] = v === nul ? Number.NaN : Math.fround(v * bscale + bzero);
      }
      return;
    case 16:
      for (let i = 0; i < count; i++) {
        const v = dv.getInt16(2 * i, false);
        out[i] = v === nul ? Number.NaN : Math.fround(v * bscale + bzero);
      }
      return;
    case 32:
      for (let i = 0; i < count; i++) {
        const v = dv.getInt32(4 * i, false);
        out[i] = v === nul ? Number.NaN : v * bscale + bzero;
      }
      return;
    case 64:
      for (let i = 0; i < count; i++) {
        const v = dv.getInt32(8 * i, false) * 4294967296 + dv.getUint32(8 * i + 4, false);
        out[i] = v === nul ? Number.NaN : v * bscale + bzero;
      }
      return;
    case -32:
      for (let i = 0; i < count; i++) out[i] = Math.fround(dv.getFloat32(4 * i, false) * bscale + bzero);
      return;
    case -64:
      for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, false) * bscale + bzero;
      return;
    default:
      throw new RangeError(`invalid BITPIX ${bitpix}`);
  }
}
