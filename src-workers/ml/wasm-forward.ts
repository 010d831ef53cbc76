import { decodeBase64 } from '../core/synth/kernels/base64.js';
import type { CnnLayout } from './cnn.js';
import { KERNELS_WASM_BASE64 } from './kernels/binary.generated.js';

interface ForwardExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  forward(
    params: number,
    input: number,
    channels: number,
    height: number,
    width: number,
    f0: number,
    f1: number,
    f2: number,
    hidden: number,
    conv: number,
    poolA: number,
    poolB: number,
  ): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}

const PAGE = 65536;
const align = (n: number): number => (n + 15) & ~15;

/**
 * Inference with the WebAssembly SIMD forward pass (kernels/index.as.ts): one instance per thread and
 * network layout, holding the parameters, one input stamp and the layer buffers in its memory. Its logits
 * agree with cnn.ts `forward` to about 1e-6 (float32 sums instead of float64; tested to 1e-5 on scores).
 */
export class WasmForward {
  private readonly exports: ForwardExports;
  private readonly at: { params: number; input: number; conv: number; poolA: number; poolB: number };
  private readonly inputSize: number;

  constructor(readonly layout: CnnLayout) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(decodeBase64(KERNELS_WASM_BASE64));
    this.exports = new wasm.Instance(module, {}).exports as ForwardExports;
    const l0 = layout.convs[0];
    this.inputSize = l0.inC * l0.inH * l0.inW;
    const convFloats = Math.max(...layout.convs.map((l) => l.outC * l.convH * l.convW));
    const poolFloats = Math.max(...layout.convs.map((l) => l.outC * l.poolH * l.poolW));
    let top = align(this.exports.heapBase());
    const take = (floats: number): number => {
      const at = top;
      // 16 bytes of slack: vector loads at a row's end may read past the last pixel they use.
      top = align(top + floats * 4 + 16);
      return at;
    };
    this.at = {
      params: take(layout.paramCount),
      input: take(this.inputSize),
      conv: take(convFloats),
      poolA: take(poolFloats),
      poolB: take(poolFloats),
    };
    const have = this.exports.memory.buffer.byteLength;
    if (top > have) this.exports.memory.grow(Math.ceil((top - have) / PAGE));
  }

  /** Copies the parameters into the module; call before `logit` whenever they may have changed. */
  setParams(params: Float32Array): void {
    new Float32Array(this.exports.memory.buffer, this.at.params, this.layout.paramCount).set(params);
  }

  /** The logit of one normalised stamp for the parameters last set. */
  logit(input: Float32Array): number {
    new Float32Array(this.exports.memory.buffer, this.at.input, this.inputSize).set(input);
    const { spec } = this.layout;
    return this.exports.forward(
      this.at.params,
      this.at.input,
      spec.channels,
      spec.height,
      spec.width,
      spec.filters[0],
      spec.filters[1],
      spec.filters[2],
      spec.hidden,
      this.at.conv,
      this.at.poolA,
      this.at.poolB,
    );
  }
}
