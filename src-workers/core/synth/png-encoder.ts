/**
 * A reusable encoder of 8-bit greyscale PNGs for many images of one size, as the dataset generator writes
 * them: filter type 0, and a zlib stream of Huffman-coded literals (zlib's Z_HUFFMAN_ONLY: noisy 8-bit
 * images gain next to nothing from string matching, so files stay within 1–2 % of zlib's level 6). Every
 * buffer is allocated once per encoder: per image, allocation and zlib's stream set-up cost more than the
 * coding. Deterministic: the same pixels give the same bytes. The per-byte loops (conversion and counting,
 * bit packing, Adler-32) run in the synth kernels' WebAssembly (kernels/png.as.ts), where the encoder's
 * buffers live; the codes and the framing are built here.
 */
import { synthKernels, type SynthKernels } from './kernels/instance.js';
import { crc32, ihdrGray8, PNG_SIGNATURE, writeStoredBlocks } from './png.js';

const MAX_BITS = 15;
const MAX_CODE_LENGTH_BITS = 7;
const END_OF_BLOCK = 256;
/** Order in which the code-length code's lengths are sent (RFC 1951, 3.2.7). */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/** Bytes per deflate block: keeps every symbol weight below 2^22, as `HuffmanScratch` needs. */
const BLOCK_BYTES = 1 << 21;
const STORED_BLOCK_BYTES = 65535;

export class Gray8PngEncoder {
  private readonly kernels: SynthKernels;
  /** Addresses in the kernels' memory: scanlines (filter byte + row, per row), the file, the code table, the histogram. */
  private readonly rawAt: number;
  private readonly outAt: number;
  private readonly tableAt: number;
  private readonly freqAt: number;
  private readonly rawLength: number;
  private readonly outLength: number;
  /** Views of those buffers, taken again whenever the kernels' memory has grown (which detaches views). */
  private memory: ArrayBuffer | undefined;
  private raw!: Uint8Array;
  private out!: Uint8Array;
  private view!: DataView;
  private table!: Int32Array;
  private freq!: Int32Array;
  private readonly idatAt: number;
  private readonly huffman = new HuffmanScratch();
  private readonly litLengths = new Uint8Array(257);
  /** Literal/length code lengths followed by the two distance code lengths. */
  private readonly allLengths = new Uint8Array(259);
  private readonly litCodes = new Uint16Array(257);
  private readonly clFreq = new Int32Array(19);
  private readonly clLengths = new Uint8Array(19);
  private readonly clCodes = new Uint16Array(19);
  /** Run-length coded code lengths: symbol | extra value << 8. */
  private readonly rle = new Int32Array(259);

  /**
   * `crc` may be a native CRC-32 (e.g. node:zlib's `crc32`) for speed; it must agree with `crc32`.
   */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly crc: (bytes: Uint8Array) => number = crc32,
  ) {
    if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
      throw new RangeError(`PNG: bad size ${width}×${height}`);
    const rawLength = (width + 1) * height;
    const storedLength = 2 + rawLength + 5 * Math.ceil(rawLength / STORED_BLOCK_BYTES) + 4;
    this.idatAt = 8 + 25 + 8;
    this.rawLength = rawLength;
    this.outLength = this.idatAt + storedLength + 4 + 12;
    this.kernels = synthKernels();
    this.rawAt = this.kernels.alloc(rawLength);
    this.outAt = this.kernels.alloc(this.outLength);
    this.tableAt = this.kernels.alloc(256 * 4);
    this.freqAt = this.kernels.alloc(257 * 4);
    this.views();
    this.out.set(PNG_SIGNATURE, 0);
    this.chunkHeader(8, 'IHDR', 13);
    this.out.set(ihdrGray8(width, height), 16);
    this.view.setUint32(29, this.crc(this.out.subarray(12, 29)));
    this.chunkHeader(33, 'IDAT', 0);
  }

  /**
   * Encodes `round(255·clip(value + pedestal, 0, 1))` of each pixel (as `toGray8`, halves up) without an
   * intermediate 8-bit image. Returns a view of the encoder's buffer, valid until the next call.
   */
  encodeScaled(pixels: ArrayLike<number>, pedestal: number): Uint8Array {
    this.checkLength(pixels.length);
    const k = this.kernels;
    let pixelsAt: number;
    if (pixels instanceof Float64Array && k.owns(pixels)) pixelsAt = pixels.byteOffset;
    else {
      pixelsAt = k.scratchOf('png pixels', pixels.length * 8);
      const copy = k.f64(pixelsAt, pixels.length);
      for (let i = 0; i < pixels.length; i++) copy[i] = pixels[i];
    }
    this.views().freq.fill(0);
    k.exports.gray8Scanlines(pixelsAt, this.rawAt, this.width, this.height, pedestal, this.freqAt);
    return this.finish(true);
  }

  /** Encodes 8-bit `pixels` (row-major). Returns a view of the encoder's buffer, valid until the next call. */
  encode(pixels: Uint8Array): Uint8Array {
    this.checkLength(pixels.length);
    const { raw, width, height } = this.views();
    for (let y = 0; y < height; y++) {
      raw[y * (width + 1)] = 0;
      raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
    }
    return this.finish(false);
  }

  /** Takes fresh views of the buffers if the kernels' memory has grown since the last call. */
  private views(): this {
    const memory = this.kernels.memory;
    if (memory !== this.memory) {
      this.memory = memory;
      const k = this.kernels;
      this.raw = k.u8(this.rawAt, this.rawLength);
      this.out = k.u8(this.outAt, this.outLength);
      this.view = new DataView(memory, this.outAt, this.outLength);
      this.table = k.i32(this.tableAt, 256);
      this.freq = k.i32(this.freqAt, 257);
    }
    return this;
  }

  private checkLength(n: number): void {
    if (n !== this.width * this.height) throw new RangeError(`PNG: ${n} pixels for ${this.width}×${this.height}`);
  }

  private chunkHeader(at: number, type: string, length: number): void {
    this.view.setUint32(at, length);
    for (let i = 0; i < 4; i++) this.out[at + 4 + i] = type.charCodeAt(i);
  }

  /** `counted`: `freq` already holds the histogram of `raw` (a single block). */
  private finish(counted: boolean): Uint8Array {
    const zlibEnd = this.deflate(this.idatAt, counted && this.raw.length <= BLOCK_BYTES);
    const length = zlibEnd - this.idatAt;
    this.view.setUint32(this.idatAt - 8, length);
    this.view.setUint32(zlibEnd, this.crc(this.out.subarray(this.idatAt - 4, zlibEnd)));
    let at = zlibEnd + 4;
    this.chunkHeader(at, 'IEND', 0);
    this.view.setUint32(at + 8, 0xae426082);
    at += 12;
    return this.out.subarray(0, at);
  }

  /** Writes the zlib stream of `raw` at `start`; returns the index after it. */
  private deflate(start: number, counted: boolean): number {
    const { raw, out } = this;
    out[start] = 0x78;
    out[start + 1] = 0x01;
    const dataAt = start + 2;
    const storedEnd = dataAt + raw.length + 5 * Math.ceil(raw.length / STORED_BLOCK_BYTES);
    // Huffman blocks, abandoned for stored ones as soon as they would not be smaller.
    let acc = 0;
    let n = 0;
    let at = dataAt;
    let huffman = true;
    for (let begin = 0; begin < raw.length && huffman; begin += BLOCK_BYTES) {
      const end = Math.min(raw.length, begin + BLOCK_BYTES);
      const last = end === raw.length;
      this.buildCode(begin, end, counted);
      // Worst case of this block in bytes: header plus its data bits.
      let bits = 3 + this.headerBits();
      const { freq, litLengths } = this;
      for (let s = 0; s < 257; s++) bits += freq[s] * litLengths[s];
      if (at + Math.ceil((n + bits) / 8) + 4 >= storedEnd) {
        huffman = false;
        break;
      }
      acc |= (last ? 1 : 0) << n;
      n += 1;
      acc |= 2 << n;
      n += 2;
      ({ acc, n, at } = this.writeHeader(acc, n, at));
      const k = this.kernels.exports;
      at = k.packLiterals(this.rawAt, begin, end, this.tableAt, this.outAt, at, acc, n);
      acc = k.pendingBits();
      n = k.pendingCount();
      acc |= this.litCodes[END_OF_BLOCK] << n;
      n += this.litLengths[END_OF_BLOCK];
      while (n >= 8) {
        out[at++] = acc & 255;
        acc >>>= 8;
        n -= 8;
      }
    }
    if (huffman) {
      if (n > 0) out[at++] = acc & 255;
    } else at = writeStoredBlocks(raw, out, dataAt);
    this.view.setUint32(at, this.kernels.exports.adler32(this.rawAt, raw.length) >>> 0);
    return at + 4;
  }

  /** Literal code of `raw[begin, end)` plus the run-length coded header describing it. */
  private buildCode(begin: number, end: number, counted: boolean): void {
    const { freq, raw, litLengths, litCodes, table } = this;
    if (!counted) {
      freq.fill(0);
      for (let i = begin; i < end; i++) freq[raw[i]]++;
    }
    freq[END_OF_BLOCK] = 1;
    this.huffman.lengths(freq, 257, MAX_BITS, litLengths);
    canonicalCodes(litLengths, 257, litCodes);
    for (let s = 0; s < 256; s++) table[s] = litCodes[s] | (litLengths[s] << 16);
    // Code lengths of the 257 literal/length codes and of two 1-bit distance codes (none is used, but
    // some decoders reject a block without any: zlib sends two as well), run-length coded (3.2.7).
    const { rle, clFreq, clLengths, clCodes } = this;
    const all = this.allLengths;
    all.set(litLengths);
    all[257] = 1;
    all[258] = 1;
    let count = 0;
    for (let i = 0; i < 259;) {
      const v = all[i];
      let run = 1;
      while (i + run < 259 && all[i + run] === v) run++;
      if (v === 0 && run >= 3) {
        const take = Math.min(run, 138);
        rle[count++] = take >= 11 ? 18 | ((take - 11) << 8) : 17 | ((take - 3) << 8);
        i += take;
      } else if (v !== 0 && run >= 4) {
        const take = Math.min(run - 1, 6);
        rle[count++] = v;
        rle[count++] = 16 | ((take - 3) << 8);
        i += 1 + take;
      } else {
        rle[count++] = v;
        i++;
      }
    }
    this.rleCount = count;
    clFreq.fill(0);
    for (let k = 0; k < count; k++) clFreq[rle[k] & 255]++;
    this.huffman.lengths(clFreq, 19, MAX_CODE_LENGTH_BITS, clLengths);
    canonicalCodes(clLengths, 19, clCodes);
    let hclen = 19;
    while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]] === 0) hclen--;
    this.hclen = hclen;
  }

  private rleCount = 0;
  private hclen = 19;

  private headerBits(): number {
    let bits = 5 + 5 + 4 + 3 * this.hclen;
    for (let k = 0; k < this.rleCount; k++) {
      const s = this.rle[k] & 255;
      bits += this.clLengths[s] + extraBits(s);
    }
    return bits;
  }

  private writeHeader(acc: number, n: number, at: number): { acc: number; n: number; at: number } {
    const { out, clLengths, clCodes, rle } = this;
    const put = (value: number, bits: number): void => {
      acc |= value << n;
      n += bits;
      while (n >= 8) {
        out[at++] = acc & 255;
        acc >>>= 8;
        n -= 8;
      }
    };
    put(0, 5); // HLIT: 257 codes
    put(1, 5); // HDIST: 2 codes
    put(this.hclen - 4, 4);
    for (let i = 0; i < this.hclen; i++) put(clLengths[CL_ORDER[i]], 3);
    for (let k = 0; k < this.rleCount; k++) {
      const s = rle[k] & 255;
      put(clCodes[s], clLengths[s]);
      const e = extraBits(s);
      if (e) put(rle[k] >>> 8, e);
    }
    return { acc, n, at };
  }
}

function extraBits(symbol: number): number {
  return symbol === 16 ? 2 : symbol === 17 ? 3 : symbol === 18 ? 7 : 0;
}

/**
 * Length-limited Huffman code lengths with reusable scratch arrays. At least two symbols get a code (a
 * lone symbol is paired with another, as zlib does, so every decoder sees a complete code). Over-long
 * codes are shortened by the JPEG standard's procedure (ITU T.81, Annex K.2), which keeps the code
 * complete; the heaviest symbols get the shortest codes, ties by symbol order.
 */
export class HuffmanScratch {
  private readonly keys = new Int32Array(512);
  private readonly used = new Int32Array(512);
  private readonly weight = new Float64Array(1024);
  private readonly parent = new Int32Array(1024);
  private readonly depth = new Int32Array(1024);
  private readonly count = new Int32Array(64);

  /** Writes the code lengths of `freq[0, n)` (n ≤ 512, weights < 2^22) into `lengths`. */
  lengths(freq: ArrayLike<number>, n: number, limit: number, lengths: Uint8Array): void {
    if (n > 512) throw new RangeError(`Huffman: ${n} symbols, at most 512`);
    lengths.fill(0, 0, n);
    // Leaves sorted by weight, then symbol: one int32 key each, sorted natively.
    let m = 0;
    for (let s = 0; s < n; s++) {
      const f = freq[s];
      if (f <= 0) continue;
      if (f >= 1 << 22) throw new RangeError(`Huffman: weight ${f} is too large`);
      this.keys[m++] = f * 512 + s;
    }
    if (m === 0) return;
    const keys = this.keys.subarray(0, m).sort();
    const { used, weight, parent, depth, count } = this;
    for (let k = 0; k < m; k++) used[k] = keys[k] & 511;
    if (m === 1) {
      lengths[used[0]] = 1;
      lengths[used[0] === 0 ? 1 : 0] = 1;
      return;
    }
    // Huffman tree by the two-queue method: leaves 0 … m−1 (sorted), inner nodes m … 2m−2 in creation order.
    for (let k = 0; k < m; k++) weight[k] = freq[used[k]];
    let leaf = 0;
    let inner = m;
    for (let next = m; next < 2 * m - 1; next++) {
      let a: number;
      if (leaf < m && (inner >= next || weight[leaf] <= weight[inner])) a = leaf++;
      else a = inner++;
      let b: number;
      if (leaf < m && (inner >= next || weight[leaf] <= weight[inner])) b = leaf++;
      else b = inner++;
      weight[next] = weight[a] + weight[b];
      parent[a] = next;
      parent[b] = next;
    }
    depth[2 * m - 2] = 0;
    count.fill(0);
    let maxDepth = 0;
    for (let i = 2 * m - 3; i >= 0; i--) {
      depth[i] = depth[parent[i]] + 1;
      if (i < m) {
        count[depth[i]]++;
        if (depth[i] > maxDepth) maxDepth = depth[i];
      }
    }
    for (let i = maxDepth; i > limit; i--) {
      while (count[i] > 0) {
        let j = i - 2;
        while (count[j] === 0) j--;
        count[i] -= 2;
        count[i - 1]++;
        count[j + 1] += 2;
        count[j]--;
      }
    }
    let k = m - 1;
    for (let len = 1; len <= limit; len++) {
      for (let c = 0; c < count[len]; c++) lengths[used[k--]] = len;
    }
  }
}

/** Bit-reversed bytes. */
const REVERSED = Uint8Array.from({ length: 256 }, (_, b) => {
  let r = 0;
  for (let k = 0; k < 8; k++) r |= ((b >>> k) & 1) << (7 - k);
  return r;
});

/** Canonical codes (RFC 1951, 3.2.2) of `lengths[0, n)`, bit-reversed for LSB-first output. */
function canonicalCodes(lengths: Uint8Array, n: number, codes: Uint16Array): void {
  const next = NEXT_CODE;
  next.fill(0);
  for (let s = 0; s < n; s++) next[lengths[s]]++;
  next[0] = 0;
  // From the count per length to the first code of each length.
  let code = 0;
  let previous = 0;
  for (let bits = 1; bits <= MAX_BITS; bits++) {
    code = (code + previous) << 1;
    previous = next[bits];
    next[bits] = code;
  }
  for (let s = 0; s < n; s++) {
    const len = lengths[s];
    if (len === 0) {
      codes[s] = 0;
      continue;
    }
    const c = next[len]++;
    codes[s] = ((REVERSED[c & 255] << 8) | REVERSED[c >>> 8]) >>> (16 - len);
  }
}

const NEXT_CODE = new Int32Array(MAX_BITS + 1);
