/**
 * A small convolutional network for stamp classification, written on typed arrays (no ML package).
 *
 * Architecture (braai-like, Duev et al. 2019, scaled down for CPUs): three blocks of
 * 3×3 valid convolution + ReLU + 2×2 max-pool (channels `filters[0..2]`), then a dense ReLU layer of
 * `hidden` units and one logit. Input is planar C×H×W float32 (already normalised). Training is
 * per-sample back-propagation with gradients accumulated over a chunk of samples, so a batch cut into
 * fixed chunks gives the same sums whatever thread computes each chunk.
 *
 * Why hand-written: measured against @tensorflow/tfjs (wasm backend: no conv back-propagation kernels;
 * cpu backend: slower than this), see docs/ml.md.
 */

import type { WasmForward } from './wasm-forward.js';

/** The shape of a network; stored with its weights. */
export interface CnnSpec {
  /** Input planes (3 for science/reference/difference, 1 for a grey lens image). */
  channels: number;
  /** Input height and width in pixels. */
  height: number;
  width: number;
  /** Output channels of the three conv blocks [8, 16, 16]. */
  filters: [number, number, number];
  /** Units of the dense hidden layer [32]. */
  hidden: number;
}

interface ConvLayer {
  inC: number;
  inH: number;
  inW: number;
  outC: number;
  convH: number;
  convW: number;
  poolH: number;
  poolW: number;
  wOff: number;
  bOff: number;
}

/** Parameter layout and per-layer sizes derived from a spec. */
export interface CnnLayout {
  spec: CnnSpec;
  convs: ConvLayer[];
  flat: number;
  d1w: number;
  d1b: number;
  d2w: number;
  d2b: number;
  paramCount: number;
}

/** Computes the layout; throws a RangeError when the input is too small for three conv blocks. */
export function cnnLayout(spec: CnnSpec): CnnLayout {
  let off = 0;
  let c = spec.channels;
  let h = spec.height;
  let w = spec.width;
  const convs: ConvLayer[] = [];
  for (const outC of spec.filters) {
    const convH = h - 2;
    const convW = w - 2;
    const poolH = Math.floor(convH / 2);
    const poolW = Math.floor(convW / 2);
    if (poolH < 1 || poolW < 1) throw new RangeError(`input ${spec.width}×${spec.height} is too small for the network`);
    const wOff = off;
    off += outC * c * 9;
    const bOff = off;
    off += outC;
    convs.push({ inC: c, inH: h, inW: w, outC, convH, convW, poolH, poolW, wOff, bOff });
    c = outC;
    h = poolH;
    w = poolW;
  }
  const flat = c * h * w;
  const d1w = off;
  off += flat * spec.hidden;
  const d1b = off;
  off += spec.hidden;
  const d2w = off;
  off += spec.hidden;
  const d2b = off;
  off += 1;
  return { spec, convs, flat, d1w, d1b, d2w, d2b, paramCount: off };
}

/** He-normal initial weights (zero biases) from a seeded normal generator. */
export function initParams(layout: CnnLayout, normal: () => number): Float32Array {
  const p = new Float32Array(layout.paramCount);
  for (const l of layout.convs) {
    const s = Math.sqrt(2 / (l.inC * 9));
    for (let i = 0; i < l.outC * l.inC * 9; i++) p[l.wOff + i] = normal() * s;
  }
  const s1 = Math.sqrt(2 / layout.flat);
  for (let i = 0; i < layout.flat * layout.spec.hidden; i++) p[layout.d1w + i] = normal() * s1;
  const s2 = Math.sqrt(1 / layout.spec.hidden);
  for (let i = 0; i < layout.spec.hidden; i++) p[layout.d2w + i] = normal() * s2;
  return p;
}

/**
 * Scratch buffers for one sample's forward and backward pass; one per thread, reused for every sample
 * so training allocates nothing per step.
 */
export class CnnWorkspace {
  readonly conv: Float32Array[];
  readonly pool: Float32Array[];
  readonly argmax: Int32Array[];
  readonly hidden: Float32Array;
  readonly dConv: Float32Array[];
  readonly dPool: Float32Array[];
  readonly dHidden: Float32Array;
  readonly dInput: Float32Array;
  /** The inference pass of this thread (stamp-set.ts `predictIndices`), made on first use. */
  inference?: WasmForward;

  constructor(readonly layout: CnnLayout) {
    this.conv = layout.convs.map((l) => new Float32Array(l.outC * l.convH * l.convW));
    this.pool = layout.convs.map((l) => new Float32Array(l.outC * l.poolH * l.poolW));
    this.argmax = layout.convs.map((l) => new Int32Array(l.outC * l.poolH * l.poolW));
    this.dConv = layout.convs.map((l) => new Float32Array(l.outC * l.convH * l.convW));
    this.dPool = layout.convs.map((l) => new Float32Array(l.outC * l.poolH * l.poolW));
    this.hidden = new Float32Array(layout.spec.hidden);
    this.dHidden = new Float32Array(layout.spec.hidden);
    const l0 = layout.convs[0];
    this.dInput = new Float32Array(l0.inC * l0.inH * l0.inW);
  }
}

function convForward(l: ConvLayer, p: Float32Array, input: Float32Array, out: Float32Array): void {
  const { outC, convH, convW } = l;
  const plane = convH * convW;
  for (let o = 0; o < outC; o++) out.fill(p[l.bOff + o], o * plane, (o + 1) * plane);
  // Two output channels per pass over the input: each input pixel loaded once serves 18 products.
  for (let o = 0; o + 1 < outC; o += 2) convPair(l, p, input, out, o);
  if (outC % 2) convOne(l, p, input, out, outC - 1);
  for (let i = 0; i < outC * plane; i++) if (out[i] < 0) out[i] = 0;
}

function convPair(l: ConvLayer, p: Float32Array, input: Float32Array, out: Float32Array, o: number): void {
  const { inC, inW, convH, convW } = l;
  const plane = convH * convW;
  const ob = o * plane;
  const ob2 = ob + plane;
  for (let c = 0; c < inC; c++) {
    const ib = c * l.inH * inW;
    const wa = l.wOff + (o * inC + c) * 9;
    const wb = wa + inC * 9;
    const a0 = p[wa],
      a1 = p[wa + 1],
      a2 = p[wa + 2],
      a3 = p[wa + 3],
      a4 = p[wa + 4];
    const a5 = p[wa + 5],
      a6 = p[wa + 6],
      a7 = p[wa + 7],
      a8 = p[wa + 8];
    const b0 = p[wb],
      b1 = p[wb + 1],
      b2 = p[wb + 2],
      b3 = p[wb + 3],
      b4 = p[wb + 4];
    const b5 = p[wb + 5],
      b6 = p[wb + 6],
      b7 = p[wb + 7],
      b8 = p[wb + 8];
    for (let y = 0; y < convH; y++) {
      const oRow = ob + y * convW;
      const oRow2 = ob2 + y * convW;
      const r0 = ib + y * inW;
      const r1 = r0 + inW;
      const r2 = r1 + inW;
      // A sliding window: the three columns x, x+1, x+2 of the three rows, shifted left each step.
      let p00 = input[r0],
        p01 = input[r0 + 1];
      let p10 = input[r1],
        p11 = input[r1 + 1];
      let p20 = input[r2],
        p21 = input[r2 + 1];
      for (let x = 0; x < convW; x++) {
        const p02 = input[r0 + x + 2];
        const p12 = input[r1 + x + 2];
        const p22 = input[r2 + x + 2];
        out[oRow + x] +=
          a0 * p00 + a1 * p01 + a2 * p02 + a3 * p10 + a4 * p11 + a5 * p12 + a6 * p20 + a7 * p21 + a8 * p22;
        out[oRow2 + x] +=
          b0 * p00 + b1 * p01 + b2 * p02 + b3 * p10 + b4 * p11 + b5 * p12 + b6 * p20 + b7 * p21 + b8 * p22;
        p00 = p01;
        p01 = p02;
        p10 = p11;
        p11 = p12;
        p20 = p21;
        p21 = p22;
      }
    }
  }
}

function convOne(l: ConvLayer, p: Float32Array, input: Float32Array, out: Float32Array, o: number): void {
  const { inC, inW, convH, convW } = l;
  const ob = o * convH * convW;
  for (let c = 0; c < inC; c++) {
    const ib = c * l.inH * inW;
    const wb = l.wOff + (o * inC + c) * 9;
    const w0 = p[wb],
      w1 = p[wb + 1],
      w2 = p[wb + 2],
      w3 = p[wb + 3],
      w4 = p[wb + 4];
    const w5 = p[wb + 5],
      w6 = p[wb + 6],
      w7 = p[wb + 7],
      w8 = p[wb + 8];
    for (let y = 0; y < convH; y++) {
      const oRow = ob + y * convW;
      const r0 = ib + y * inW;
      const r1 = r0 + inW;
      const r2 = r1 + inW;
      for (let x = 0; x < convW; x++) {
        out[oRow + x] +=
          w0 * input[r0 + x] +
          w1 * input[r0 + x + 1] +
          w2 * input[r0 + x + 2] +
          w3 * input[r1 + x] +
          w4 * input[r1 + x + 1] +
          w5 * input[r1 + x + 2] +
          w6 * input[r2 + x] +
          w7 * input[r2 + x + 1] +
          w8 * input[r2 + x + 2];
      }
    }
  }
}

function poolForward(l: ConvLayer, conv: Float32Array, out: Float32Array, argmax: Int32Array): void {
  const { outC, convH, convW, poolH, poolW } = l;
  for (let c = 0; c < outC; c++) {
    const cb = c * convH * convW;
    for (let y = 0; y < poolH; y++) {
      for (let x = 0; x < poolW; x++) {
        const i0 = cb + 2 * y * convW + 2 * x;
        let best = i0;
        if (conv[i0 + 1] > conv[best]) best = i0 + 1;
        if (conv[i0 + convW] > conv[best]) best = i0 + convW;
        if (conv[i0 + convW + 1] > conv[best]) best = i0 + convW + 1;
        const o = (c * poolH + y) * poolW + x;
        out[o] = conv[best];
        argmax[o] = best;
      }
    }
  }
}

/** Forward pass of one sample; returns the logit (log-odds of class 1). Fills `ws` for `backward`. */
export function forward(layout: CnnLayout, p: Float32Array, input: Float32Array, ws: CnnWorkspace): number {
  let x = input;
  layout.convs.forEach((l, i) => {
    convForward(l, p, x, ws.conv[i]);
    poolForward(l, ws.conv[i], ws.pool[i], ws.argmax[i]);
    x = ws.pool[i];
  });
  const { flat } = layout;
  const { hidden } = layout.spec;
  for (let j = 0; j < hidden; j++) {
    let s = p[layout.d1b + j];
    const wb = layout.d1w + j * flat;
    for (let i = 0; i < flat; i++) s += p[wb + i] * x[i];
    ws.hidden[j] = s > 0 ? s : 0;
  }
  let z = p[layout.d2b];
  for (let j = 0; j < hidden; j++) z += p[layout.d2w + j] * ws.hidden[j];
  return z;
}

/**
 * Back-propagates `dLogit` (∂loss/∂logit) of the sample last passed to `forward` and adds the parameter
 * gradients to `grad`.
 */
export function backward(
  layout: CnnLayout,
  p: Float32Array,
  input: Float32Array,
  dLogit: number,
  ws: CnnWorkspace,
  grad: Float32Array,
): void {
  const { flat } = layout;
  const { hidden } = layout.spec;
  const last = layout.convs.length - 1;
  const xFlat = ws.pool[last];
  grad[layout.d2b] += dLogit;
  for (let j = 0; j < hidden; j++) {
    grad[layout.d2w + j] += dLogit * ws.hidden[j];
    ws.dHidden[j] = ws.hidden[j] > 0 ? dLogit * p[layout.d2w + j] : 0;
  }
  const dFlat = ws.dPool[last];
  dFlat.fill(0);
  for (let j = 0; j < hidden; j++) {
    const g = ws.dHidden[j];
    if (g === 0) continue;
    grad[layout.d1b + j] += g;
    const wb = layout.d1w + j * flat;
    for (let i = 0; i < flat; i++) {
      grad[wb + i] += g * xFlat[i];
      dFlat[i] += g * p[wb + i];
    }
  }
  for (let li = last; li >= 0; li--) {
    const l = layout.convs[li];
    const dConv = ws.dConv[li];
    const conv = ws.conv[li];
    dConv.fill(0);
    const dPool = ws.dPool[li];
    const arg = ws.argmax[li];
    // Max-pool routes each gradient to its winner; ReLU passes it where the output was positive.
    for (let i = 0; i < dPool.length; i++) if (conv[arg[i]] > 0) dConv[arg[i]] += dPool[i];
    const inBuf = li === 0 ? input : ws.pool[li - 1];
    const dIn = li === 0 ? undefined : ws.dPool[li - 1];
    convBackward(l, p, inBuf, dConv, grad, dIn);
  }
}

function convBackward(
  l: ConvLayer,
  p: Float32Array,
  input: Float32Array,
  dOut: Float32Array,
  grad: Float32Array,
  dIn: Float32Array | undefined,
): void {
  const { inC, inW, outC, convH, convW } = l;
  const plane = convH * convW;
  if (dIn) dIn.fill(0);
  for (let o = 0; o < outC; o++) {
    const ob = o * plane;
    let bsum = 0;
    for (let i = ob; i < ob + plane; i++) bsum += dOut[i];
    grad[l.bOff + o] += bsum;
    for (let c = 0; c < inC; c++) {
      const ib = c * l.inH * inW;
      const wb = l.wOff + (o * inC + c) * 9;
      let g0 = 0,
        g1 = 0,
        g2 = 0,
        g3 = 0,
        g4 = 0,
        g5 = 0,
        g6 = 0,
        g7 = 0,
        g8 = 0;
      const w0 = p[wb],
        w1 = p[wb + 1],
        w2 = p[wb + 2];
      const w3 = p[wb + 3],
        w4 = p[wb + 4],
        w5 = p[wb + 5];
      const w6 = p[wb + 6],
        w7 = p[wb + 7],
        w8 = p[wb + 8];
      // One pass over the output gradient for both the weight gradient and the input gradient (the
      // sums are taken in the same order as two passes would take them).
      for (let y = 0; y < convH; y++) {
        const oRow = ob + y * convW;
        const r0 = ib + y * inW;
        const r1 = r0 + inW;
        const r2 = r1 + inW;
        for (let x = 0; x < convW; x++) {
          const g = dOut[oRow + x];
          if (g === 0) continue; // most are: ReLU and max-pool pass few gradients
          g0 += g * input[r0 + x];
          g1 += g * input[r0 + x + 1];
          g2 += g * input[r0 + x + 2];
          g3 += g * input[r1 + x];
          g4 += g * input[r1 + x + 1];
          g5 += g * input[r1 + x + 2];
          g6 += g * input[r2 + x];
          g7 += g * input[r2 + x + 1];
          g8 += g * input[r2 + x + 2];
          if (!dIn) continue;
          dIn[r0 + x] += w0 * g;
          dIn[r0 + x + 1] += w1 * g;
          dIn[r0 + x + 2] += w2 * g;
          dIn[r1 + x] += w3 * g;
          dIn[r1 + x + 1] += w4 * g;
          dIn[r1 + x + 2] += w5 * g;
          dIn[r2 + x] += w6 * g;
          dIn[r2 + x + 1] += w7 * g;
          dIn[r2 + x + 2] += w8 * g;
        }
      }
      grad[wb] += g0;
      grad[wb + 1] += g1;
      grad[wb + 2] += g2;
      grad[wb + 3] += g3;
      grad[wb + 4] += g4;
      grad[wb + 5] += g5;
      grad[wb + 6] += g6;
      grad[wb + 7] += g7;
      grad[wb + 8] += g8;
    }
  }
}

/** Logistic function, stable for large |z|. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Binary cross-entropy of a logit against label y ∈ {0,1}: softplus(z) − y·z, stable. */
export function bceWithLogit(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}
