import { createRng, deriveSeed } from '../core/random/index.js';
import { CancelledError } from '../core/errors.js';
import { adamStep, createAdam, type AdamState } from './adam.js';
import { initParams, type CnnLayout } from './cnn.js';
import { heldOutMetrics, meanLogLoss, rocAuc } from './metrics.js';
import type { Chunk, GradientEngine, StampSet } from './stamp-set.js';

/** Training settings; all recorded as run parameters. */
export interface TrainSettings {
  epochs: number;
  /** Samples per optimiser step [32]. */
  batchSize: number;
  /** Samples per gradient chunk [8]: the unit of work of a thread; fixed so results do not depend on threads. */
  chunkSize: number;
  learningRate: number;
  seed: number;
  /** Random flips and rot90 of training samples [true]. */
  augment: boolean;
}

export const defaultTrainSettings: TrainSettings = {
  epochs: 10,
  batchSize: 32,
  chunkSize: 8,
  learningRate: 1e-3,
  seed: 1,
  augment: true,
};

/** Per-epoch numbers, as tracked by MLflow (`loss`, `val_loss`, `val_auc`, `val_accuracy`). */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  valLoss: number;
  valAuc: number;
  valAccuracy: number;
  seconds: number;
  timestampMs: number;
}

/** Everything needed to continue training exactly where it stopped (a checkpoint). */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Batches done in the current epoch. */
  batch: number;
  params: Float32Array;
  adam: AdamState;
  /** Weighted loss and weight summed over the batches done in the current epoch. */
  lossSum: number;
  weightSum: number;
  epochSeconds: number;
  history: EpochMetrics[];
}

/** Deterministic stratified split: per class, a seeded shuffle, then `testFraction` and `valFraction` taken off. */
export function stratifiedSplit(
  labels: Uint8Array,
  seed: number,
  valFraction = 0.1,
  testFraction = 0.2,
): { train: Int32Array; val: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const val: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) idx.push(i);
    shuffle(idx, createRng(deriveSeed(seed, 7000 + cls)));
    const nTest = Math.round(idx.length * testFraction);
    const nVal = Math.round(idx.length * valFraction);
    test.push(...idx.slice(0, nTest));
    val.push(...idx.slice(nTest, nTest + nVal));
    train.push(...idx.slice(nTest + nVal));
  }
  const sorted = (a: number[]): Int32Array => Int32Array.from(a.sort((x, y) => x - y));
  return { train: sorted(train), val: sorted(val), test: sorted(test) };
}

function shuffle(a: number[], rng: { int(n: number): number }): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/** A fresh state: seeded He initialisation, Adam at step 0. */
export function initialState(layout: CnnLayout, seed: number): TrainState {
  const rng = createRng(deriveSeed(seed, 1));
  return {
    epoch: 0,
    batch: 0,
    params: initParams(layout, () => rng.normal()),
    adam: createAdam(layout.paramCount),
    lossSum: 0,
    weightSum: 0,
    epochSeconds: 0,
    history: [],
  };
}

export interface TrainCallbacks {
  /** After every batch: batches done and in total over the whole run. */
  onBatch?(done: number, total: number, state: TrainState): void;
  /** After every epoch (metrics appended to state.history): the place to checkpoint. */
  onEpoch?(metrics: EpochMetrics, state: TrainState): Promise<void> | void;
  /** Polled between batches; when true, training stops with CancelledError leaving `state` resumable. */
  cancelled?(): boolean;
}

/**
 * Trains `state` in place up to `settings.epochs`, resuming from its epoch and batch. Class weights
 * n / (2 nᵢ) balance the loss; each epoch's order and augmentation come from the seed and the epoch
 * alone, so a resumed run equals an uninterrupted one.
 */
export async function train(
  layout: CnnLayout,
  set: StampSet,
  split: { train: Int32Array; val: Int32Array },
  settings: TrainSettings,
  state: TrainState,
  engine: GradientEngine,
  callbacks: TrainCallbacks = {},
): Promise<TrainState> {
  const n = split.train.length;
  if (n === 0) throw new RangeError('no training samples');
  let pos = 0;
  for (const i of split.train) pos += set.labels[i];
  const classWeight = [pos < n ? n / (2 * (n - pos)) : 1, pos > 0 ? n / (2 * pos) : 1];
  const batches = Math.ceil(n / settings.batchSize);
  const total = batches * settings.epochs;
  const square = set.height === set.width;
  while (state.epoch < settings.epochs) {
    const rng = createRng(deriveSeed(settings.seed, 100 + state.epoch));
    const order = Array.from(split.train);
    shuffle(order, rng);
    const aug = Uint8Array.from(order, () => (settings.augment ? rng.int(square ? 8 : 4) : 0));
    let t0 = performance.now();
    for (let b = state.batch; b < batches; b++) {
      if (callbacks.cancelled?.()) throw new CancelledError('training cancelled');
      const start = b * settings.batchSize;
      const end = Math.min(n, start + settings.batchSize);
      const chunks: Chunk[] = [];
      for (let c = start; c < end; c += settings.chunkSize) {
        const e = Math.min(end, c + settings.chunkSize);
        const indices = Int32Array.from(order.slice(c, e));
        chunks.push({
          indices,
          augment: aug.slice(c, e),
          weights: Float32Array.from(indices, (i) => classWeight[set.labels[i]]),
        });
      }
      const results = await engine.gradients(state.params, chunks);
      const grad = new Float64Array(layout.paramCount);
      let weight = 0;
      for (const ch of chunks) for (const w of ch.weights) weight += w;
      for (const r of results) {
        for (let i = 0; i < grad.length; i++) grad[i] += r.grad[i];
        state.lossSum += r.loss;
      }
      for (let i = 0; i < grad.length; i++) grad[i] /= weight;
      state.weightSum += weight;
      adamStep(state.params, grad, state.adam, settings.learningRate);
      state.batch = b + 1;
      const now = performance.now();
      state.epochSeconds += (now - t0) / 1000;
      t0 = now;
      callbacks.onBatch?.(state.epoch * batches + state.batch, total, state);
    }
    const valScores = split.val.length ? await engine.predict(state.params, split.val) : new Float32Array(0);
    const valLabels = Array.from(split.val, (i) => set.labels[i]);
    const vm = heldOutMetrics(valScores, valLabels, 2);
    const metrics: EpochMetrics = {
      epoch: state.epoch + 1,
      loss: state.lossSum / Math.max(state.weightSum, 1e-12),
      valLoss: split.val.length ? meanLogLoss(valScores, valLabels) : Number.NaN,
      valAuc: split.val.length ? rocAuc(valScores, valLabels) : Number.NaN,
      valAccuracy: vm.accuracy,
      seconds: state.epochSeconds,
      timestampMs: Date.now(),
    };
    state.history.push(metrics);
    state.epoch++;
    state.batch = 0;
    state.lossSum = 0;
    state.weightSum = 0;
    state.epochSeconds = 0;
    await callbacks.onEpoch?.(metrics, state);
  }
  return state;
}
