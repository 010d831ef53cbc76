/**
 * The per-pixel median of N frame bands in WebAssembly SIMD (kernels/median.as.ts): each chunk of 4096
 * pixels is copied into N columns of the kernel's memory and a comparator network (Batcher's odd–even
 * merge sort, pruned to the comparators the middle output(s) depend on) runs on four pixels per
 * instruction, branch-free. The result equals the scalar path's (`combineBand`'s sorted gather and
 * `medianOfSorted`) value for value: a network sorts exactly, and the even-N mean of the two middle
 * values is taken in float64 and rounded to float32 as there. (Only the sign of a zero median may differ,
 * −0 and +0 being equal values.) Pixels with a NaN among their values are left to the caller's
 * NaN-ignoring scalar path.
 *
 * Two kernels: up to 32 frames, a module emitted for that N (median-wasm-gen.ts) holds each group of
 * four pixels' N values in SIMD registers through the network (one load and one store per value); above,
 * and wherever that module cannot be built, the generic kernel sweeps the network over the columns.
 *
 * Why: the scalar insertion sort costs ≈ 200 ns per pixel for N = 10 on this project's 2-core machine
 * (mispredicted branches); the network is ≈ 10–20× faster, which is most of `owb masters`' time.
 */
import { decodeBase64 } from '../synth/kernels/base64.js';
import { KERNELS_WASM_BASE64 } from './kernels/binary.generated.js';
import { medianModuleBytes } from './median-wasm-gen.js';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface MedianExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  medianColumns(
    cols: number,
    stride: number,
    columns: number,
    bytes: number,
    pairs: number,
    count: number,
    lo: number,
    hi: number,
    out: number,
    nanList: number,
  ): number;
}

/** The few WebAssembly constructors used, typed here: core's lib (ES2022) does not declare them. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

/** Largest N the SIMD path takes (Batcher's network for 64 has 543 comparators before pruning). */
export const MEDIAN_KERNEL_MAX_FRAMES = 64;
/** Pixels per chunk: N columns of 16 KiB stay in L2 while the column kernel sweeps them. */
const CHUNK = 4096;
const PAGE = 65536;

/** A comparator network for the median of n values: pairs (a < b) and the middle positions. */
export interface MedianNetwork {
  readonly pairs: ReadonlyArray<readonly [number, number]>;
  readonly lo: number;
  readonly hi: number;
}

const networks = new Map<number, MedianNetwork>();

/**
 * Batcher's odd–even merge sort network for n inputs (Knuth, TAOCP 5.3.4; built for the next power of
 * two, comparators reaching past n dropped: those inputs act as +∞ and never move), pruned backwards to
 * the comparators that the middle output(s) (n/2 − 1 and n/2 for even n, ⌊n/2⌋ for odd) depend on.
 */
export function medianNetwork(n: number): MedianNetwork {
  const known = networks.get(n);
  if (known) return known;
  let p2 = 1;
  while (p2 < n) p2 <<= 1;
  const all: [number, number][] = [];
  for (let p = 1; p < p2; p <<= 1) {
    for (let k = p; k >= 1; k >>= 1) {
      for (let j = k % p; j + k < p2; j += 2 * k) {
        for (let i = 0; i < Math.min(k, p2 - j - k); i++) {
          if (Math.floor((i + j) / (2 * p)) !== Math.floor((i + j + k) / (2 * p))) continue;
          const a = i + j;
          const b = i + j + k;
          if (b < n) all.push([a, b]);
        }
      }
    }
  }
  const hi = n >> 1;
  const lo = n & 1 ? hi : hi - 1;
  const needed = new Uint8Array(Math.max(1, n));
  needed[lo] = 1;
  needed[hi] = 1;
  const kept: [number, number][] = [];
  for (let c = all.length - 1; c >= 0; c--) {
    const [a, b] = all[c];
    if (!needed[a] && !needed[b]) continue;
    needed[a] = 1;
    needed[b] = 1;
    kept.push(all[c]);
  }
  kept.reverse();
  const net = { pairs: kept, lo, hi };
  networks.set(n, net);
  return net;
}

class MedianKernel {
  private readonly exports: MedianExports;
  private readonly base: number;
  private reserved = 0;

  constructor() {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(decodeBase64(KERNELS_WASM_BASE64));
    this.exports = new wasm.Instance(module, {}).exports as MedianExports;
    this.base = Math.ceil(this.exports.heapBase() / 16) * 16;
  }

  /**
   * Medians of `bands` (n ≤ MEDIAN_KERNEL_MAX_FRAMES, equal lengths) into `out`; calls
   * `scalar(start, end)` for each pixel it leaves to the caller (a NaN among its values).
   */
  medianBand(bands: readonly Float32Array[], out: Float32Array, scalar: (start: number, end: number) => void): void {
    const n = bands.length;
    const net = medianNetwork(n);
    const stride = CHUNK * 4;
    // Layout: pairs (8 bytes each), then n columns, the output column and the list of NaN pixels.
    const pairsAt = this.base;
    const colsAt = pairsAt + Math.ceil((net.pairs.length * 8) / 16) * 16;
    const outAt = colsAt + n * stride;
    const nanAt = outAt + stride;
    this.reserve(nanAt + stride);
    const memory = this.exports.memory.buffer;
    const pairs = new Uint32Array(memory, pairsAt, net.pairs.length * 2);
    net.pairs.forEach(([a, b], i) => {
      pairs[2 * i] = a * stride;
      pairs[2 * i + 1] = b * stride;
    });
    const cols = new Float32Array(memory, colsAt, n * CHUNK);
    const result = new Float32Array(memory, outAt, CHUNK);
    const nanList = new Int32Array(memory, nanAt, CHUNK);
    const length = out.length;
    for (let start = 0; start < length; start += CHUNK) {
      const end = Math.min(length, start + CHUNK);
      const len = end - start;
      const padded = (len + 3) & ~3;
      for (let k = 0; k < n; k++) {
        const at = k * CHUNK;
        cols.set(bands[k].subarray(start, end), at);
        // Lanes past the end hold zeros, not stale values (which could be NaN and force the scalar path).
        for (let i = len; i < padded; i++) cols[at + i] = 0;
      }
      const nans = this.exports.medianColumns(
        colsAt,
        stride,
        n,
        padded * 4,
        pairsAt,
        net.pairs.length,
        net.lo * stride,
        net.hi * stride,
        outAt,
        nanAt,
      );
      out.set(len === CHUNK ? result : result.subarray(0, len), start);
      for (let j = 0; j < nans; j++) scalar(start + nanList[j], start + nanList[j] + 1);
    }
  }

  private reserve(bytes: number): void {
    if (bytes <= this.reserved) return;
    const have = this.exports.memory.buffer.byteLength;
    if (bytes > have) this.exports.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.reserved = bytes;
  }
}

interface GeneratedExports {
  readonly memory: WasmMemory;
  run(cols: number, bytes: number, out: number, list: number): number;
}

/** The network for one N emitted as its own module (median-wasm-gen.ts): values held in registers. */
class GeneratedMedian {
  private readonly exports: GeneratedExports;
  private readonly n: number;

  constructor(n: number) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(medianModuleBytes(n, medianNetwork(n), CHUNK * 4));
    this.exports = new wasm.Instance(module, {}).exports as GeneratedExports;
    this.n = n;
  }

  medianBand(bands: readonly Float32Array[], out: Float32Array, scalar: (start: number, end: number) => void): void {
    const n = this.n;
    const stride = CHUNK * 4;
    const memory = this.exports.memory.buffer;
    const cols = new Float32Array(memory, 0, n * CHUNK);
    const outAt = n * stride;
    const listAt = outAt + stride;
    const result = new Float32Array(memory, outAt, CHUNK);
    const list = new Int32Array(memory, listAt, CHUNK / 4);
    const length = out.length;
    for (let start = 0; start < length; start += CHUNK) {
      const end = Math.min(length, start + CHUNK);
      const len = end - start;
      const padded = (len + 3) & ~3;
      for (let k = 0; k < n; k++) {
        const at = k * CHUNK;
        cols.set(bands[k].subarray(start, end), at);
        for (let i = len; i < padded; i++) cols[at + i] = 0;
      }
      const groups = this.exports.run(0, padded * 4, outAt, listAt);
      out.set(len === CHUNK ? result : result.subarray(0, len), start);
      for (let j = 0; j < groups; j++) {
        const px = start + (list[j] >> 2);
        scalar(px, Math.min(end, px + 4));
      }
    }
  }
}

const generated = new Map<number, GeneratedMedian | null>();

/** This thread's register kernel for N frames, or null when it cannot be built here. */
function generatedMedian(n: number): GeneratedMedian | null {
  let g = generated.get(n);
  if (g === undefined) {
    try {
      g = new GeneratedMedian(n);
    } catch {
      g = null;
    }
    generated.set(n, g);
  }
  return g;
}

/** Which implementation `medianBandSimd` uses for N frames here (for tests and profiles). */
export function medianKernelKind(n: number): 'registers' | 'columns' | 'none' {
  if (n < 1 || n > MEDIAN_KERNEL_MAX_FRAMES) return 'none';
  if (n <= MEDIAN_REGISTER_MAX_FRAMES && generatedMedian(n)) return 'registers';
  return medianKernel() ? 'columns' : 'none';
}

/** Largest N the register kernel takes; above, the values would spill from the 16 vector registers anyway. */
const MEDIAN_REGISTER_MAX_FRAMES = 32;

let kernel: MedianKernel | null | undefined;

/**
 * This thread's median kernel, or null when WebAssembly SIMD is not available here (the caller keeps
 * its scalar path).
 */
function medianKernel(): MedianKernel | null {
  if (kernel === undefined) {
    try {
      kernel = new MedianKernel();
    } catch {
      kernel = null;
    }
  }
  return kernel;
}

/**
 * Per-pixel medians of N equally long bands into `out` by the SIMD network; returns false (nothing
 * written) when it cannot run here (no WebAssembly SIMD, or N outside 1..MEDIAN_KERNEL_MAX_FRAMES).
 * Each pixel with a NaN among its values goes to `scalar(start, end)` (end = start + 1), which must
 * write out[start..end) with the NaN-ignoring median.
 */
export function medianBandSimd(
  bands: readonly Float32Array[],
  out: Float32Array,
  scalar: (start: number, end: number) => void,
): boolean {
  if (bands.length < 1 || bands.length > MEDIAN_KERNEL_MAX_FRAMES) return false;
  const g = bands.length <= MEDIAN_REGISTER_MAX_FRAMES ? generatedMedian(bands.length) : null;
  if (g) {
    g.medianBand(bands, out, scalar);
    return true;
  }
  const k = medianKernel();
  if (!k) return false;
  k.medianBand(bands, out, scalar);
  return true;
}
