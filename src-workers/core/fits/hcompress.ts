/**
 * HCOMPRESS_1 tile decoding (White 1992, "High-performance compression of astronomical images"; the
 * FITS tiled-image convention, Pence et al. 2009; the decoder of CFITSIO's `hdecompress.c`, which
 * astropy uses). A tile holds a quadtree-coded H-transform: bit planes of the four quadrants, then sign
 * bits; decoding reads them, multiplies by the digitisation scale and inverts the H-transform. Values
 * are kept as float64 integers (exact to 2^53), so one decoder serves CFITSIO's 32- and 64-bit variants.
 * Smoothing during inversion (ZVAL SMOOTH ≠ 0) is not implemented: the caller refuses it.
 */
import { InputError } from '../errors.js';

/** Decoded tile: `nx × ny` integers, `ny` varying fastest (the order they were coded in). */
export interface HcompressTile {
  nx: number;
  ny: number;
  scale: number;
  values: Float64Array;
}

class BitReader {
  pos: number;
  private buffer = 0;
  private bitsToGo = 0;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly where: string,
  ) {
    this.pos = start;
  }

  private next(): number {
    if (this.pos >= this.bytes.length)
      throw new InputError('FITS_BAD_COMPRESSION', `${this.where}: HCOMPRESS tile ends early`);
    return this.bytes[this.pos++];
  }

  restart(): void {
    this.bitsToGo = 0;
  }

  bit(): number {
    if (this.bitsToGo === 0) {
      this.buffer = this.next();
      this.bitsToGo = 8;
    }
    this.bitsToGo -= 1;
    return (this.buffer >> this.bitsToGo) & 1;
  }

  bits(n: number): number {
    if (this.bitsToGo < n) {
      this.buffer = ((this.buffer << 8) | this.next()) & 0xffff;
      this.bitsToGo += 8;
    }
    this.bitsToGo -= n;
    return (this.buffer >> this.bitsToGo) & ((1 << n) - 1);
  }

  /** CFITSIO's fixed Huffman code of the 16 quadtree nybbles. */
  huffman(): number {
    let c = this.bits(3);
    if (c < 4) return 1 << c;
    c = this.bit() | (c << 1);
    if (c < 13) {
      const v = [3, 5, 10, 12, 15][c - 8];
      if (v !== undefined) return v;
    }
    c = this.bit() | (c << 1);
    if (c < 31) {
      const v = { 26: 6, 27: 7, 28: 9, 29: 11, 30: 13 }[c];
      if (v !== undefined) return v;
    }
    c = this.bit() | (c << 1);
    return c === 62 ? 0 : 14;
  }
}

const MAGIC = [0xdd, 0x99];

/** Decodes one HCOMPRESS_1 tile of `expected` pixels; throws `InputError` for a corrupt stream. */
export function hcompressDecode(bytes: Uint8Array, expected: number, where: string): HcompressTile {
  if (bytes.length < 25 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1])
    throw new InputError('FITS_BAD_COMPRESSION', `${where}: HCOMPRESS tile has no 0xDD99 magic code`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nx = dv.getInt32(2, false);
  const ny = dv.getInt32(6, false);
  const scale = dv.getInt32(10, false);
  const sumAll = dv.getInt32(14, false) * 4294967296 + dv.getUint32(18, false);
  if (!(nx > 0 && ny > 0 && nx * ny === expected))
    throw new InputError(
      'FITS_BAD_COMPRESSION',
      `${where}: HCOMPRESS tile is ${nx}×${ny}, the tile needs ${expected} pixels`,
    );
  const planes = [bytes[22], bytes[23], bytes[24]];
  const a = new Float64Array(nx * ny);
  const reader = new BitReader(bytes, 25, where);
  decodeQuadrants(reader, a, nx, ny, planes, where);
  a[0] = sumAll;
  if (scale > 1) for (let i = 0; i < a.length; i++) a[i] *= scale;
  inverseHTransform(a, nx, ny);
  return { nx, ny, scale, values: a };
}

function decodeQuadrants(r: BitReader, a: Float64Array, nx: number, ny: number, planes: number[], where: string): void {
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  r.restart();
  qtreeDecode(r, a, 0, ny, nx2, ny2, planes[0], where);
  qtreeDecode(r, a, ny2, ny, nx2, ny >> 1, planes[1], where);
  qtreeDecode(r, a, ny * nx2, ny, nx >> 1, ny2, planes[1], where);
  qtreeDecode(r, a, ny * nx2 + ny2, ny, nx >> 1, ny >> 1, planes[2], where);
  if (r.bits(4) !== 0) throw new InputError('FITS_BAD_COMPRESSION', `${where}: HCOMPRESS bit planes are corrupt`);
  r.restart();
  for (let i = 0; i < a.length; i++) if (a[i] !== 0 && r.bit()) a[i] = -a[i];
}

function log2Ceil(n: number): number {
  // CFITSIO: round(log2 n), plus one when that power of two is still below n.
  if (n <= 1) return 0;
  let k = Math.floor(Math.log(n) / Math.log(2) + 0.5);
  if (n > 2 ** k) k += 1;
  return k;
}

function qtreeDecode(
  r: BitReader,
  a: Float64Array,
  offset: number,
  n: number,
  nqx: number,
  nqy: number,
  nbitplanes: number,
  where: string,
): void {
  const log2n = log2Ceil(Math.max(nqx, nqy));
  const scratch = new Uint8Array(Math.max(1, ((nqx + 1) >> 1) * ((nqy + 1) >> 1)));
  for (let bit = nbitplanes - 1; bit >= 0; bit--) {
    const b = r.bits(4);
    if (b === 0) {
      for (let i = 0; i < ((nqx + 1) >> 1) * ((nqy + 1) >> 1); i++) scratch[i] = r.bits(4);
    } else if (b !== 0xf) {
      throw new InputError('FITS_BAD_COMPRESSION', `${where}: HCOMPRESS quadtree has a bad format code`);
    } else {
      scratch[0] = r.huffman();
      let nx = 1;
      let ny = 1;
      let nfx = nqx;
      let nfy = nqy;
      let c = 1 << log2n;
      for (let k = 1; k < log2n; k++) {
        c >>= 1;
        nx <<= 1;
        ny <<= 1;
        if (nfx <= c) nx -= 1;
        else nfx -= c;
        if (nfy <= c) ny -= 1;
        else nfy -= c;
        qtreeExpand(r, scratch, nx, ny);
      }
    }
    bitInsert(scratch, nqx, nqy, a, offset, n, bit);
  }
}

/** One quadtree expansion of `s` from ((nx+1)/2) × ((ny+1)/2) to nx × ny, reading codes for non-zero cells. */
function qtreeExpand(r: BitReader, s: Uint8Array, nx: number, ny: number): void {
  const nx2 = (nx + 1) >> 1;
  const ny2 = (ny + 1) >> 1;
  let k = ny2 * (nx2 - 1) + ny2 - 1;
  for (let i = nx2 - 1; i >= 0; i--) {
    let s00 = 2 * (ny * i + ny2 - 1);
    for (let j = ny2 - 1; j >= 0; j--) {
      s[s00] = s[k];
      k -= 1;
      s00 -= 2;
    }
  }
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = ny * i;
    let s10 = s00 + ny;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = s[s00];
      s[s10 + 1] = v & 1;
      s[s10] = (v >> 1) & 1;
      s[s00 + 1] = (v >> 2) & 1;
      s[s00] = (v >> 3) & 1;
      s00 += 2;
      s10 += 2;
    }
    if (j < ny) {
      s[s10] = (s[s00] >> 1) & 1;
      s[s00] = (s[s00] >> 3) & 1;
    }
  }
  if (i < nx) {
    let s00 = ny * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      s[s00 + 1] = (s[s00] >> 2) & 1;
      s[s00] = (s[s00] >> 3) & 1;
      s00 += 2;
    }
    if (j < ny) s[s00] = (s[s00] >> 3) & 1;
  }
  for (let m = nx * ny - 1; m >= 0; m--) if (s[m]) s[m] = r.huffman();
}

/** Expands the 4-bit codes of `s` to 2 × 2 pixels and sets bit plane `bit` of `a` where they say so. */
function bitInsert(s: Uint8Array, nx: number, ny: number, a: Float64Array, off: number, n: number, bit: number): void {
  const pv = 2 ** bit;
  let k = 0;
  let i = 0;
  for (; i < nx - 1; i += 2) {
    let s00 = off + n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      const v = s[k];
      if (v & 1) a[s00 + n + 1] += pv;
      if (v & 2) a[s00 + n] += pv;
      if (v & 4) a[s00 + 1] += pv;
      if (v & 8) a[s00] += pv;
      s00 += 2;
      k += 1;
    }
    if (j < ny) {
      if (s[k] & 2) a[s00 + n] += pv;
      if (s[k] & 8) a[s00] += pv;
      k += 1;
    }
  }
  if (i < nx) {
    let s00 = off + n * i;
    let j = 0;
    for (; j < ny - 1; j += 2) {
      if (s[k] & 4) a[s00 + 1] += pv;
      if (s[k] & 8) a[s00] += pv;
      s00 += 2;
      k += 1;
    }
    if (j < ny && s[k] & 8) a[s00] += pv;
  }
}

/** x with bits below `bit` cleared (two's complement `x & -bit`), for float64 integers. */
function floorTo(x: number, bit: number): number {
  return Math.floor(x / bit) * bit;
}

/** Bit `bit` (a power of two) of float64 integer x in two's complement, as 0 or `bit`. */
function bitOf(x: number, bit: number): number {
  return Math.floor(x / bit) % 2 !== 0 ? bit : 0;
}

/** Moves the second half of every `stride`-th element of `a` (from `at`, `n` elements) to the odd places. */
function unshuffle(a: Float64Array, at: number, n: number, stride: number, tmp: Float64Array): void {
  const half = (n + 1) >> 1;
  for (let i = half, t = 0; i < n; i++, t++) tmp[t] = a[at + stride * i];
  for (let i = half - 1; i >= 0; i--) a[at + 2 * stride * i] = a[at + stride * i];
  for (let i = 1, t = 0; i < n; i += 2, t++) a[at + stride * i] = tmp[t];
}

/** Inverse H-transform in place, without smoothing (CFITSIO `hinv` with smooth = 0). */
function inverseHTransform(a: Float64Array, nx: number, ny: number): void {
  const nmax = Math.max(nx, ny);
  const log2n = log2Ceil(nmax);
  const tmp = new Float64Array((nmax + 1) >> 1);
  let shift = 1;
  let bit0 = 2 ** (log2n - 1);
  let bit1 = bit0 * 2;
  const bit2 = bit0 * 4;
  let prnd0 = bit0 / 2 >= 1 ? bit0 / 2 : 0;
  let prnd1 = bit1 / 2;
  const prnd2 = bit2 / 2;
  let nrnd0 = prnd0 - 1;
  let nrnd1 = prnd1 - 1;
  const nrnd2 = prnd2 - 1;
  const round = (x: number, p: number, q: number, bit: number): number => floorTo(x + (x >= 0 ? p : q), bit);
  a[0] = round(a[0], prnd2, nrnd2, bit2);
  let nxtop = 1;
  let nytop = 1;
  let nxf = nx;
  let nyf = ny;
  let c = 2 ** log2n;
  for (let k = log2n - 1; k >= 0; k--) {
    c /= 2;
    nxtop *= 2;
    nytop *= 2;
    if (nxf <= c) nxtop -= 1;
    else nxf -= c;
    if (nyf <= c) nytop -= 1;
    else nyf -= c;
    if (k === 0) {
      nrnd0 = 0;
      shift = 2;
    }
    const div = 2 ** shift;
    for (let i = 0; i < nxtop; i++) unshuffle(a, ny * i, nytop, 1, tmp);
    for (let j = 0; j < nytop; j++) unshuffle(a, j, nxtop, ny, tmp);
    const oddx = nxtop % 2;
    const oddy = nytop % 2;
    let i = 0;
    for (; i < nxtop - oddx; i += 2) {
      let s00 = ny * i;
      let s10 = s00 + ny;
      let j = 0;
      for (; j < nytop - oddy; j += 2) {
        let h0 = a[s00];
        let hx = round(a[s10], prnd1, nrnd1, bit1);
        let hy = round(a[s00 + 1], prnd1, nrnd1, bit1);
        const hc = round(a[s10 + 1], prnd0, nrnd0, bit0);
        const lowbit0 = bitOf(hc, bit0);
        hx = hx >= 0 ? hx - lowbit0 : hx + lowbit0;
        hy = hy >= 0 ? hy - lowbit0 : hy + lowbit0;
        const lowbit1 = (bitOf(hc, bit1) ^ bitOf(hx, bit1) ^ bitOf(hy, bit1)) !== 0 ? bit1 : 0;
        h0 = h0 >= 0 ? h0 + lowbit0 - lowbit1 : h0 + (lowbit0 === 0 ? lowbit1 : lowbit0 - lowbit1);
        a[s10 + 1] = Math.floor((h0 + hx + hy + hc) / div);
        a[s10] = Math.floor((h0 + hx - hy - hc) / div);
        a[s00 + 1] = Math.floor((h0 - hx + hy - hc) / div);
        a[s00] = Math.floor((h0 - hx - hy + hc) / div);
        s00 += 2;
        s10 += 2;
      }
      if (oddy) {
        let h0 = a[s00];
        const hx = round(a[s10], prnd1, nrnd1, bit1);
        const lowbit1 = bitOf(hx, bit1);
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s10] = Math.floor((h0 + hx) / div);
        a[s00] = Math.floor((h0 - hx) / div);
      }
    }
    if (oddx) {
      let s00 = ny * i;
      let j = 0;
      for (; j < nytop - oddy; j += 2) {
        let h0 = a[s00];
        const hy = round(a[s00 + 1], prnd1, nrnd1, bit1);
        const lowbit1 = bitOf(hy, bit1);
        h0 = h0 >= 0 ? h0 - lowbit1 : h0 + lowbit1;
        a[s00 + 1] = Math.floor((h0 + hy) / div);
        a[s00] = Math.floor((h0 - hy) / div);
        s00 += 2;
      }
      if (oddy) a[s00] = Math.floor(a[s00] / div);
    }
    bit1 = bit0;
    bit0 = bit0 / 2;
    prnd1 = prnd0;
    prnd0 = prnd0 / 2 >= 1 ? prnd0 / 2 : 0;
    nrnd1 = nrnd0;
    nrnd0 = prnd0 - 1;
  }
}
