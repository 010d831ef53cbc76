import { InputError } from '../core/errors.js';
import { cnnLayout, type CnnSpec } from './cnn.js';
import type { TrainState } from './trainer.js';

/** The model artefact (`model.json`): spec, weights and what the inputs must look like. */
export interface ModelFile {
  format: 'owb-cnn';
  version: 1;
  task: string;
  spec: CnnSpec;
  /** How stamps were normalised (see normalize.ts). */
  normalization: 'asinh-mad-v1';
  /** Class names: [label 0, label 1]; the score is the probability of label 1. */
  classes: [string, string];
  /** Float32 little-endian weights, base64. */
  params: string;
}

/** Float32Array ⇄ base64 (little-endian, as every platform Node runs on). */
export function floatsToBase64(a: Float32Array | Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function base64ToFloat32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function base64ToFloat64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function encodeModel(task: string, spec: CnnSpec, classes: [string, string], params: Float32Array): ModelFile {
  return {
    format: 'owb-cnn',
    version: 1,
    task,
    spec,
    normalization: 'asinh-mad-v1',
    classes,
    params: floatsToBase64(params),
  };
}

/** Parses and checks a model file's JSON; `name` goes into the error message. */
export function decodeModel(text: string, name: string): { model: ModelFile; params: Float32Array } {
  let model: ModelFile;
  try {
    model = JSON.parse(text) as ModelFile;
  } catch {
    throw new InputError('MODEL_BAD', `${name}: not a model file (invalid JSON)`);
  }
  if (model?.format !== 'owb-cnn' || model.version !== 1)
    throw new InputError('MODEL_BAD', `${name}: not an owb-cnn version 1 model`);
  const params = base64ToFloat32(model.params);
  const layout = cnnLayout(model.spec);
  if (params.length !== layout.paramCount)
    throw new InputError(
      'MODEL_BAD',
      `${name}: holds ${params.length} weights, the network needs ${layout.paramCount}`,
    );
  return { model, params };
}

/** A checkpoint on disk (`checkpoint.json`): the training state in JSON with binary arrays in base64. */
export function encodeCheckpoint(state: TrainState): string {
  return JSON.stringify({
    ...state,
    params: floatsToBase64(state.params),
    adam: { step: state.adam.step, m: floatsToBase64(state.adam.m), v: floatsToBase64(state.adam.v) },
  });
}

export function decodeCheckpoint(text: string): TrainState {
  const raw = JSON.parse(text) as Omit<TrainState, 'params' | 'adam'> & {
    params: string;
    adam: { step: number; m: string; v: string };
  };
  return {
    ...raw,
    params: base64ToFloat32(raw.params),
    adam: { step: raw.adam.step, m: base64ToFloat64(raw.adam.m), v: base64ToFloat64(raw.adam.v) },
  };
}
