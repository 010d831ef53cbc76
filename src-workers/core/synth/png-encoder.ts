/**
 * A reusable encoder of 8-bit greyscale PNGs for many images of one size, as the dataset generator writes
 * them: filter type 0, and a zlib stream of Huffman-coded literals (zlib's Z_HUFFMAN_ONLY: noisy 8-bit
 * images gain next to nothing from string matching, so files stay within 1–2 % of zlib's level 6).
 * Every buffer is allocated once per encoder: per image, allocation and zlib's stream set-up cost more
 * than the coding. Deterministic: the same pixels give the same bytes. The pixel conversion and the zlib
 * stream are made in the synth kernels' WebAssembly (kernels/png.as.ts, deflate.as.ts, huffman.as.ts),
 * where the encoder's buffers live; the PNG framing is made here.
 */
import { synthKernels, type SynthKernels } from './kernels/instance.js';
import { crc32, ihdrGray8, PNG_SIGNATURE } from './png.js';

const STORED_BLOCK_BYTES = 65535;

export class Gray8PngEncoder {
  private readonly kernels: SynthKernels;
  /** Addresses in the kernels' memory of the scanlines (filter byte + row, per row) and of the file. */
  private readonly rawAt: number;
  private readonly outAt: number;
  private readonly rawLength: number;
  private readonly outLength: number;
  private readonly idatAt: number;
  /** Views of those buffers, taken again whenever the kernels' memory has grown (which detaches views). */
  private memory: ArrayBuffer | undefined;
  private raw!: Uint8Array;
  private out!: Uint8Array;
  private view!: DataView;

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
    this.rawLength = (width + 1) * height;
    // The stored form bounds the zlib stream; the deflate kernel may write 3 bytes past its end.
    const storedLength = 2 + this.rawLength + 5 * Math.ceil(this.rawLength / STORED_BLOCK_BYTES) + 4;
    this.idatAt = 8 + 25 + 8;
    this.outLength = this.idatAt + storedLength + 4 + 12;
    this.kernels = synthKernels();
    this.rawAt = this.kernels.alloc(this.rawLength);
    this.outAt = this.kernels.alloc(this.outLength + 3);
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
    k.exports.gray8Scanlines(pixelsAt, this.rawAt, this.width, this.height, pedestal);
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
      this.raw = this.kernels.u8(this.rawAt, this.rawLength);
      this.out = this.kernels.u8(this.outAt, this.outLength);
      this.view = new DataView(memory, this.outAt, this.outLength);
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

  /** `counted`: the deflate kernel's histogram already holds that of the scanlines. */
  private finish(counted: boolean): Uint8Array {
    const length = this.kernels.exports.deflate(this.rawAt, this.rawLength, this.outAt + this.idatAt, counted ? 1 : 0);
    this.views();
    const zlibEnd = this.idatAt + length;
    this.view.setUint32(this.idatAt - 8, length);
    this.view.setUint32(zlibEnd, this.crc(this.out.subarray(this.idatAt - 4, zlibEnd)));
    const at = zlibEnd + 4;
    this.chunkHeader(at, 'IEND', 0);
    this.view.setUint32(at + 8, 0xae426082);
    return this.out.subarray(0, at + 12);
  }
}

/**
 * Length-limited Huffman code lengths (the deflate kernel's) of the weights `freq` (at most 512 symbols,
 * each weight below 2^22): the heaviest symbols get the shortest codes, and at least two symbols get one.
 */
export function huffmanCodeLengths(freq: ArrayLike<number>, limit: number): Uint8Array {
  const n = freq.length;
  if (n > 512) throw new RangeError(`Huffman: ${n} symbols, at most 512`);
  const k = synthKernels();
  const freqAt = k.scratchOf('huffman weights', 4 * n);
  const lengthsAt = k.scratchOf('huffman lengths', n);
  const weights = k.i32(freqAt, n);
  for (let s = 0; s < n; s++) {
    const f = freq[s];
    if (!(Number.isInteger(f) && f < 1 << 22)) throw new RangeError(`Huffman: weight ${f} of symbol ${s}`);
    weights[s] = f;
  }
  k.exports.codeLengths(freqAt, n, limit, lengthsAt);
  return k.u8(lengthsAt, n).slice();
}
