/**
 * The ML runtime behind one small interface (ARCHITECTURE.md, `ml` row): a hand-written CNN on typed
 * arrays — train (`train` with a `GradientEngine`), predict (`predictIndices`, `ThreadEngine.predict`),
 * save and load (`encodeModel`, `decodeModel`, checkpoints). No ML package: see docs/ml.md for the measurements.
 */
export { cnnLayout, forward, backward, sigmoid, CnnWorkspace, type CnnSpec, type CnnLayout } from './cnn.js';
export { dihedral } from './augment.js';
export { normalizeStamp } from './normalize.js';
export * from './metrics.js';
export * from './stamp-set.js';
export * from './trainer.js';
export * from './model-file.js';
