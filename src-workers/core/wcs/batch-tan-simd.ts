/**
 * The TAN(-SIP) batch of batch-tan.ts in WebAssembly SIMD (kernels/tan-sip.as.ts): two points per
 * instruction, in chunks of 4096 points copied into the kernel's memory (the chunk's four columns stay in
 * L2) and back. The kernel does the same operations in the same order as the JavaScript loop, so both agree
 * to rounding (the only difference: the kernel takes the long atan series for a pair whenever either point
 * needs it, and both series are accurate to rounding). Points outside the kernel's small-angle range (near
 * a pole, the far side of the sphere, non-finite input) are redone by the JavaScript loop.
 *
 * Why: the JavaScript loop spends ≈ 11 ns per point on this project's 2-core machine, about 10× astropy's
 * `all_pix2world`; the issue asks ≥ 10× in one bench run, which load on a shared machine rarely allows at
 * 10×. The kernel takes ≈ 4 ns.
 */
import { decodeBase64 } from '../synth/kernels/base64.js';
import type { BatchPixelsToSky, BatchRange, TanBatchPlan } from './batch-tan.js';
import { KERNELS_WASM_BASE64 } from './kernels/binary.generated.js';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface TanExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  tanSipChunk(
    xs: number,
    ys: number,
    ra: number,
    dec: number,
    n: number,
    params: number,
    order: number,
    wrap: boolean,
    left: number,
  ): number;
}

/** The few WebAssembly constructors used, typed here: core's lib (ES2022) does not declare them. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

/** Points per chunk (even): four f64 columns of 32 KiB and the list of points left over. */
const CHUNK = 4096;
const PAGE = 65536;
/** Below this many points the JavaScript loop serves. */
const SIMD_MIN_POINTS = 32;
/** Parameter slots before the SIP coefficients (tan-sip.as.ts), each one f64 splatted to 16 bytes. */
const FIXED_SLOTS = 15;
/** Largest SIP order (readSip's limit). */
const MAX_ORDER = 9;
const PARAM_BYTES = (FIXED_SLOTS + 2 * (MAX_ORDER + 1) ** 2) * 16;

class TanKernel {
  readonly exports: TanExports;
  readonly params: number;
  readonly xs: number;
  readonly ys: number;
  readonly ra: number;
  readonly dec: number;
  readonly left: number;

  constructor() {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(decodeBase64(KERNELS_WASM_BASE64));
    this.exports = new wasm.Instance(module, {}).exports as TanExports;
    this.params = Math.ceil(this.exports.heapBase() / 16) * 16;
    this.xs = this.params + PARAM_BYTES;
    this.ys = this.xs + CHUNK * 8;
    this.ra = this.ys + CHUNK * 8;
    this.dec = this.ra + CHUNK * 8;
    this.left = this.dec + CHUNK * 8;
    const end = this.left + CHUNK * 4;
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.ceil((end - have) / PAGE));
  }
}

let kernel: TanKernel | null | undefined;

/** This thread's kernel, or null where WebAssembly SIMD is unavailable (the JavaScript loop serves). */
function tanKernel(): TanKernel | null {
  if (kernel === undefined) {
    try {
      kernel = new TanKernel();
    } catch {
      kernel = null;
    }
  }
  return kernel;
}

/** The plan's parameters as the kernel reads them: each value twice (one per lane), SIP A then B. */
function packParams(plan: TanBatchPlan): { values: Float64Array; order: number; alphaC: number } {
  const sip = plan.sip;
  // atan2's (−π, π] brought into [0, 2π), so only a tangent point near α = 0 needs the kernel's wrap.
  const alphaC = plan.alphaC < 0 ? plan.alphaC + 2 * Math.PI : plan.alphaC;
  const order = sip ? Math.max(2, sip.order) : 0;
  const n1 = order + 1;
  const slots = [
    plan.c1,
    plan.c2,
    plan.xU,
    plan.xV,
    plan.xW,
    plan.yU,
    plan.yV,
    plan.yW,
    plan.zU,
    plan.zV,
    plan.zW,
    alphaC,
    plan.cd,
    plan.sd,
    plan.deltaC,
  ];
  if (sip)
    for (const c of [sip.a, sip.b])
      for (let p = 0; p < n1; p++) for (let q = 0; q < n1; q++) slots.push(p + q <= order ? (c[p]?.[q] ?? 0) : 0);
  const values = new Float64Array(slots.length * 2);
  slots.forEach((s, i) => values.fill(s, 2 * i, 2 * i + 2));
  return { values, order, alphaC };
}

/**
 * The SIMD evaluator of a plan, or undefined where WebAssembly SIMD is unavailable or the SIP order is
 * beyond the kernel's. `js` is the plan's JavaScript loop, used for the points the kernel leaves over.
 */
export function tanSimdBatch(plan: TanBatchPlan, js: BatchRange): BatchPixelsToSky | undefined {
  if (plan.sip && plan.sip.order > MAX_ORDER) return undefined;
  const k = tanKernel();
  if (!k) return undefined;
  const { values, order, alphaC } = packParams(plan);
  // Within 0.1 rad of α = 0 (the kernel's series range) a result may need bringing into [0, 2π).
  const wrap = alphaC < 0.11 || alphaC > 2 * Math.PI - 0.11;
  return (xs, ys, ra, dec) => {
    const n = xs.length;
    // A few points (a viewer readout, a footprint) are quicker in JavaScript than through the kernel's set-up.
    if (n < SIMD_MIN_POINTS) {
      js(xs, ys, ra, dec, 0, n);
      return;
    }
    const buffer = k.exports.memory.buffer;
    new Float64Array(buffer, k.params, values.length).set(values);
    const inX = new Float64Array(buffer, k.xs, CHUNK);
    const inY = new Float64Array(buffer, k.ys, CHUNK);
    const outRa = new Float64Array(buffer, k.ra, CHUNK);
    const outDec = new Float64Array(buffer, k.dec, CHUNK);
    const left = new Int32Array(buffer, k.left, CHUNK);
    const typed = xs instanceof Float64Array && ys instanceof Float64Array;
    for (let start = 0; start < n; start += CHUNK) {
      const m = Math.min(CHUNK, n - start);
      if (typed) {
        inX.set(xs.subarray(start, start + m));
        inY.set(ys.subarray(start, start + m));
      } else
        for (let i = 0; i < m; i++) {
          inX[i] = xs[start + i];
          inY[i] = ys[start + i];
        }
      const found = k.exports.tanSipChunk(k.xs, k.ys, k.ra, k.dec, m, k.params, order, wrap, k.left);
      ra.set(m === CHUNK ? outRa : outRa.subarray(0, m), start);
      dec.set(m === CHUNK ? outDec : outDec.subarray(0, m), start);
      for (let j = 0; j < found; j++) js(xs, ys, ra, dec, start + left[j], start + left[j] + 1);
    }
  };
}
