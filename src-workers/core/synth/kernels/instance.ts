/**
 * The host side of the synth kernels' WebAssembly module (sources: `*.as.ts` beside this file): one
 * instance per thread, created on first use, and the memory the kernels work in.
 *
 * Why WebAssembly: a generator run is short (2000 small images take a fraction of a second), and JIT-compiled
 * JavaScript spends a third of such a run warming up, in every worker thread again. The module is compiled
 * before its first call, and it gives the same bits as the JavaScript it replaced: same operations in the
 * same order, and the host's own Math.exp and Math.log where a kernel needs them.
 *
 * Memory: constants (tables the host computes) sit in a reserved area after the module's static data;
 * buffers follow, from a bump allocator that never frees (a thread keeps the same few buffers for its
 * whole run). Growing the memory detaches every typed-array view of it: holders of views check `owns`
 * or take fresh views (`f64`, `u8`, `i32`) per call.
 */
import { decodeBase64 } from './base64.js';
import { KERNELS_WASM_BASE64 } from './binary.generated.js';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The module's exports (addresses are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  addNormalNoise(
    pixels: number,
    n: number,
    sigma: number,
    a: number,
    b: number,
    c: number,
    d: number,
    kn: number,
    wn: number,
    fn: number,
  ): void;
  addArcs(
    pixels: number,
    size: number,
    cx: number,
    cy: number,
    radius: number,
    rMin: number,
    rMax: number,
    x0: number,
    x1: number,
    y0: number,
    y1: number,
    params: number,
    n: number,
    expTable: number,
  ): void;
  addGalaxy(
    pixels: number,
    size: number,
    cx: number,
    cy: number,
    amplitude: number,
    a11: number,
    a12: number,
    a22: number,
    k: number,
  ): void;
  /** See parity-image.as.ts: returns 0, or 1 when the image needs the host's numerical blur. */
  parityImage(config: number, seed: number, label: number, pixels: number, drawn: number): number;
  gray8Scanlines(pixels: number, raw: number, width: number, height: number, pedestal: number): void;
  deflate(raw: number, length: number, out: number, counted: number): number;
  /** Adler-32 of `length` bytes; returned as an i32, so `>>> 0` it for the unsigned value. */
  adler32(bytes: number, length: number): number;
  /** Address of deflate's byte histogram (int32 × 257) that gray8Scanlines fills. */
  readonly HISTOGRAM: { readonly value: number };
  codeLengths(freq: number, n: number, limit: number, lengths: number): void;
  float32BigEndian(pixels: number, out: number, n: number): number;
  onesComplementSum32(at: number, length: number): number;
}

/** The few WebAssembly constructors used, typed here: core's lib (ES2022) does not declare them. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

const PAGE = 65536;
/** Room for constant tables: the ziggurat's (2.5 KiB) and the arcs' exp table (13 KiB), with margin. */
const CONSTANT_BYTES = 64 * 1024;
/** Memory reserved at start, so that the buffers of images up to 128² never grow it. */
const INITIAL_BYTES = 2 * 1024 * 1024;

export class SynthKernels {
  readonly exports: KernelExports;
  private constantsTop: number;
  private readonly constantsEnd: number;
  private top: number;
  private readonly constants = new Map<ArrayBufferView, number>();
  private readonly scratch = new Map<string, { at: number; bytes: number }>();

  constructor() {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(decodeBase64(KERNELS_WASM_BASE64));
    const instance = new wasm.Instance(module, {
      'js-math.as': { exp: Math.exp, log: Math.log, cos: Math.cos, sin: Math.sin, pow: Math.pow },
    });
    this.exports = instance.exports as KernelExports;
    this.constantsTop = align(this.exports.heapBase());
    this.constantsEnd = this.constantsTop + CONSTANT_BYTES;
    this.top = this.constantsEnd;
    this.reserve(Math.max(this.top, INITIAL_BYTES));
  }

  get memory(): ArrayBuffer {
    return this.exports.memory.buffer;
  }

  /** True when `view` lies in the kernels' memory as it is now (so its byteOffset is an address). */
  owns(view: ArrayBufferView): boolean {
    return view.buffer === this.exports.memory.buffer;
  }

  /** A new buffer of `bytes` bytes, 16-byte aligned, zeroed; may grow (and so detach) the memory. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = align(at + Math.max(bytes, 1));
    this.reserve(this.top);
    return at;
  }

  /** A reusable buffer for `purpose` of at least `bytes` bytes: its contents do not survive the next call. */
  scratchOf(purpose: string, bytes: number): number {
    const held = this.scratch.get(purpose);
    if (held && held.bytes >= bytes) return held.at;
    const at = this.alloc(bytes);
    this.scratch.set(purpose, { at, bytes });
    return at;
  }

  /**
   * The address of a copy of `table` (a constant the host computed), copied on first use. Constants
   * never grow the memory, so they cannot detach the views of buffers allocated before them.
   */
  constant(table: Float64Array | Int32Array): number {
    const known = this.constants.get(table);
    if (known !== undefined) return known;
    const at = this.constantsTop;
    if (at + table.byteLength > this.constantsEnd) throw new RangeError('synth kernels: constant area full');
    new Uint8Array(this.memory, at, table.byteLength).set(
      new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
    );
    this.constantsTop = align(at + table.byteLength);
    this.constants.set(table, at);
    return at;
  }

  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory, at, length);
  }

  u8(at: number, length: number): Uint8Array {
    return new Uint8Array(this.memory, at, length);
  }

  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory, at, length);
  }

  /**
   * Runs `kernel` on the address of `pixels`: in place when they lie in the kernels' memory, else on a
   * copy that is written back afterwards.
   */
  inPlace(pixels: Float64Array, kernel: (at: number) => void): void {
    if (this.owns(pixels)) {
      kernel(pixels.byteOffset);
      return;
    }
    const at = this.scratchOf('pixels', pixels.byteLength);
    this.f64(at, pixels.length).set(pixels);
    kernel(at);
    pixels.set(this.f64(at, pixels.length));
  }

  private reserve(bytes: number): void {
    const have = this.exports.memory.buffer.byteLength;
    if (bytes > have) this.exports.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
}

function align(at: number): number {
  return Math.ceil(at / 16) * 16;
}

let shared: SynthKernels | undefined;

/** This thread's kernels, instantiated on first use. */
export function synthKernels(): SynthKernels {
  return (shared ??= new SynthKernels());
}

/** A float64 buffer of `length` values in this thread's kernel memory (zeroed): kernels use it in place. */
export function kernelFloat64Array(length: number): Float64Array {
  const k = synthKernels();
  return k.f64(k.alloc(length * 8), length);
}
