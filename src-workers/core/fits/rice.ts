/**
 * Rice decompression of one tile (R. White's algorithm as used by CFITSIO and the FITS tiled image
 * convention): the first pixel is stored raw in `bytePix` bytes, then blocks of `blockSize` pixel
 * differences, each block starting with an FS code (low entropy = all zero, high entropy = raw values,
 * else Rice codes with FS low bits). Differences are zig-zag mapped.
 */
import { InputError } from '../errors.js';

/** Bits in the FS field and its escape value, per bytes per pixel. */
const FS_BITS: Record<number, [number, number]> = { 1: [3, 6], 2: [4, 14], 4: [5, 25] };

/** Decodes `n` pixels; values are int8 unsigned, int16 signed or int32 signed per `bytePix`. */
export function riceDecode(c: Uint8Array, n: number, blockSize: number, bytePix: number, where = 'input'): Int32Array {
  const fsInfo = FS_BITS[bytePix];
  if (!fsInfo)
    throw new InputError('FITS_BAD_COMPRESSION', `${where}: RICE_1 BYTEPIX must be 1, 2 or 4, got ${bytePix}`);
  const [fsBits, fsMax] = fsInfo;
  const bBits = 8 * bytePix;
  const mask = bytePix === 4 ? 0xffffffff : (1 << bBits) - 1;
  const out = new Int32Array(n);
  if (c.length < bytePix + 1)
    throw new InputError('FITS_BAD_COMPRESSION', `${where}: RICE_1 tile is too short (${c.length} bytes)`);
  let lastpix = 0;
  for (let i = 0; i < bytePix; i++) lastpix = (lastpix * 256 + c[i]) >>> 0;
  let p = bytePix;
  const end = c.length;
  let b = c[p++];
  let nbits = 8;
  const next = (): number => (p < end ? c[p++] : overrun());
  const overrun = (): number => {
    throw new InputError('FITS_BAD_COMPRESSION', `${where}: RICE_1 tile ends before its ${n} pixels are decoded`);
  };
  const store = (i: number, diff: number): void => {
    // Undo the zig-zag mapping and the differencing, wrapping like unsigned C arithmetic.
    const d = (diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1);
    lastpix = bytePix === 4 ? (d + lastpix) >>> 0 : (d + lastpix) & mask;
    out[i] = bytePix === 4 ? lastpix | 0 : bytePix === 2 ? (lastpix << 16) >> 16 : lastpix;
  };
  for (let i = 0; i < n;) {
    nbits -= fsBits;
    while (nbits < 0) {
      b = ((b << 8) | next()) >>> 0;
      nbits += 8;
    }
    const fs = (b >>> nbits) - 1;
    b &= (1 << nbits) - 1;
    const imax = Math.min(i + blockSize, n);
    if (fs < 0) {
      const v = bytePix === 4 ? lastpix | 0 : bytePix === 2 ? (lastpix << 16) >> 16 : lastpix;
      for (; i < imax; i++) out[i] = v;
    } else if (fs === fsMax) {
      for (; i < imax; i++) {
        let k = bBits - nbits;
        let diff = k >= 32 ? 0 : (b << k) >>> 0;
        for (k -= 8; k >= 0; k -= 8) {
          b = next();
          diff = (diff | (b << k)) >>> 0;
        }
        if (nbits > 0) {
          b = next();
          diff = (diff | (b >>> -k)) >>> 0;
          b &= (1 << nbits) - 1;
        } else b = 0;
        store(i, diff);
      }
    } else {
      for (; i < imax; i++) {
        while (b === 0) {
          nbits += 8;
          b = next();
        }
        const nzero = nbits - (32 - Math.clz32(b));
        nbits -= nzero + 1;
        b ^= 1 << nbits;
        nbits -= fs;
        while (nbits < 0) {
          b = ((b << 8) | next()) >>> 0;
          nbits += 8;
        }
        const diff = ((nzero << fs) | (b >>> nbits)) >>> 0;
        b &= (1 << nbits) - 1;
        store(i, diff);
      }
    }
  }
  return out;
}
