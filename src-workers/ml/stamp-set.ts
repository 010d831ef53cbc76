import { dihedral } from './augment.js';
import { CnnWorkspace, backward, bceWithLogit, forward, sigmoid, type CnnLayout } from './cnn.js';
import { WasmForward } from './wasm-forward.js';

/**
 * Normalised stamps in one buffer (count × C × H × W float32, a SharedArrayBuffer when threads share it)
 * with their labels (1 = real or lens). Built by `src-main/node/ml/dataset.ts`.
 */
export interface StampSet {
  channels: number;
  height: number;
  width: number;
  count: number;
  data: Float32Array;
  labels: Uint8Array;
}

/** One slice of a training batch: sample indices, their augmentation codes and loss weights. */
export interface Chunk {
  indices: Int32Array;
  augment: Uint8Array;
  weights: Float32Array;
}

/** What one chunk gives back: the summed weighted gradient and the summed weighted loss. */
export interface ChunkResult {
  grad: Float32Array;
  loss: number;
}

/** Sums the weighted BCE gradients of one chunk, sample by sample in order (deterministic). */
export function chunkGradient(
  layout: CnnLayout,
  params: Float32Array,
  set: StampSet,
  chunk: Chunk,
  ws: CnnWorkspace,
  scratch: Float32Array,
): ChunkResult {
  const grad = new Float32Array(layout.paramCount);
  const size = set.channels * set.height * set.width;
  let loss = 0;
  for (let k = 0; k < chunk.indices.length; k++) {
    const i = chunk.indices[k];
    const x = dihedral(
      set.data.subarray(i * size, (i + 1) * size),
      set.channels,
      set.height,
      set.width,
      chunk.augment[k],
      scratch,
    );
    const z = forward(layout, params, x, ws);
    const y = set.labels[i];
    const w = chunk.weights[k];
    loss += w * bceWithLogit(z, y);
    backward(layout, params, x, w * (sigmoid(z) - y), ws, grad);
  }
  return { grad, loss };
}

/** Probabilities of class 1 for the given samples (no augmentation). */
export function predictIndices(
  layout: CnnLayout,
  params: Float32Array,
  set: StampSet,
  indices: ArrayLike<number>,
  ws: CnnWorkspace,
): Float32Array {
  const size = set.channels * set.height * set.width;
  const out = new Float32Array(indices.length);
  // Inference runs the WebAssembly SIMD pass (one per thread, made on first use); training's gradients
  // keep the JavaScript one, whose sums are float64.
  const wasm = (ws.inference ??= new WasmForward(layout));
  wasm.setParams(params);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    out[k] = sigmoid(wasm.logit(set.data.subarray(i * size, (i + 1) * size)));
  }
  return out;
}

/** Computes chunk gradients and predictions, in this thread or spread over worker threads. */
export interface GradientEngine {
  gradients(params: Float32Array, chunks: readonly Chunk[]): Promise<ChunkResult[]>;
  predict(params: Float32Array, indices: Int32Array): Promise<Float32Array>;
  close(): Promise<void>;
}

/** The single-thread engine (tests, tiny sets, and the reference the threaded one must match). */
export function localEngine(layout: CnnLayout, set: StampSet): GradientEngine {
  const ws = new CnnWorkspace(layout);
  const scratch = new Float32Array(set.channels * set.height * set.width);
  return {
    gradients: async (params, chunks) => chunks.map((c) => chunkGradient(layout, params, set, c, ws, scratch)),
    predict: async (params, indices) => predictIndices(layout, params, set, indices, ws),
    close: async () => undefined,
  };
}
