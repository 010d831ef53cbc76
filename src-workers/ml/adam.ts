/**
 * Adam (Kingma & Ba 2015) with float64 moments, applied in place to float32 parameters.
 * Defaults: learning rate 1e-3, β1 0.9, β2 0.999, ε 1e-8.
 */
export interface AdamState {
  step: number;
  m: Float64Array;
  v: Float64Array;
}

export function createAdam(size: number): AdamState {
  return { step: 0, m: new Float64Array(size), v: new Float64Array(size) };
}

export function adamStep(
  params: Float32Array,
  grad: Float64Array,
  state: AdamState,
  learningRate = 1e-3,
  beta1 = 0.9,
  beta2 = 0.999,
  eps = 1e-8,
): void {
  state.step++;
  const c1 = 1 - Math.pow(beta1, state.step);
  const c2 = 1 - Math.pow(beta2, state.step);
  const { m, v } = state;
  for (let i = 0; i < params.length; i++) {
    const g = grad[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    params[i] -= (learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
  }
}
