/**
 * Natural cubic splines on fixed, possibly non-uniform knots (Numerical Recipes §3.3), split into a
 * per-knot-set precomputation and per-sample weights so that a full-resolution background row costs four
 * multiply-adds per pixel.
 */

/** Knot positions and the factors of the tridiagonal system of a natural spline through them. */
export interface SplineKnots {
  readonly t: Float64Array;
  /** Forward-elimination factors for the second-derivative solve (length n). */
  readonly diag: Float64Array;
}

/** Precomputes the elimination of the natural-spline system for knots `t` (strictly increasing). */
export function prepareKnots(t: Float64Array): SplineKnots {
  const n = t.length;
  const diag = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    const sig = (t[i] - t[i - 1]) / (t[i + 1] - t[i - 1]);
    const p = sig * diag[i - 1] + 2;
    diag[i] = (sig - 1) / p;
  }
  return { t, diag };
}

/** Second derivatives `d2` (length n) of the natural spline through values `v` (stride `stride` from `offset`). */
export function solveSecondDerivatives(
  knots: SplineKnots,
  v: ArrayLike<number>,
  offset: number,
  stride: number,
  d2: Float64Array,
  u: Float64Array,
): void {
  const { t, diag } = knots;
  const n = t.length;
  d2[0] = 0;
  u[0] = 0;
  if (n < 3) {
    d2.fill(0, 0, n);
    return;
  }
  for (let i = 1; i < n - 1; i++) {
    const sig = (t[i] - t[i - 1]) / (t[i + 1] - t[i - 1]);
    const p = sig * diag[i - 1] + 2;
    const vi = v[offset + i * stride];
    const dNext = (v[offset + (i + 1) * stride] - vi) / (t[i + 1] - t[i]);
    const dPrev = (vi - v[offset + (i - 1) * stride]) / (t[i] - t[i - 1]);
    u[i] = ((6 * (dNext - dPrev)) / (t[i + 1] - t[i - 1]) - sig * u[i - 1]) / p;
  }
  d2[n - 1] = 0;
  for (let k = n - 2; k >= 0; k--) d2[k] = diag[k] * d2[k + 1] + u[k];
}

/**
 * Weights of one sample position: value = wa·v[k] + wb·v[k+1] + wc·d2[k] + wd·d2[k+1].
 * Outside the knots the spline continues linearly along its end slope (no cubic blow-up at the edges).
 */
export interface SampleWeights {
  k: Int32Array;
  wa: Float64Array;
  wb: Float64Array;
  wc: Float64Array;
  wd: Float64Array;
}

/** Precomputes the weights of every integer sample position 0..count-1 (plus `origin`) on `knots`. */
export function sampleWeights(knots: SplineKnots, count: number, origin = 0): SampleWeights {
  const w: SampleWeights = {
    k: new Int32Array(count),
    wa: new Float64Array(count),
    wb: new Float64Array(count),
    wc: new Float64Array(count),
    wd: new Float64Array(count),
  };
  for (let i = 0; i < count; i++) fillWeights(knots, i + origin, w, i);
  return w;
}

/** Fills the weights of position `x` into slot `i` of `w`. */
export function fillWeights(knots: SplineKnots, x: number, w: SampleWeights, i: number): void {
  const { t } = knots;
  const n = t.length;
  if (n === 1) {
    w.k[i] = 0;
    w.wa[i] = 1;
    w.wb[i] = 0;
    w.wc[i] = 0;
    w.wd[i] = 0;
    return;
  }
  let k = 0;
  if (x >= t[n - 1]) k = n - 2;
  else if (x > t[0]) {
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (t[mid] > x) hi = mid;
      else lo = mid;
    }
    k = lo;
  }
  const h = t[k + 1] - t[k];
  w.k[i] = k;
  if (x < t[0] || x > t[n - 1]) {
    // Linear continuation with the end slope: s'(t0) = Δv/h − h·(2·d2[0] + d2[1])/6 (natural: d2[0] = 0).
    const atStart = x < t[0];
    const dx = atStart ? x - t[0] : x - t[n - 1];
    if (atStart) {
      w.wa[i] = 1 - dx / h;
      w.wb[i] = dx / h;
      w.wc[i] = (-dx * h * 2) / 6;
      w.wd[i] = (-dx * h) / 6;
    } else {
      // s'(t_{n-1}) = Δv/h + h·(d2[k] + 2·d2[k+1])/6
      w.wa[i] = -dx / h;
      w.wb[i] = 1 + dx / h;
      w.wc[i] = (dx * h) / 6;
      w.wd[i] = (dx * h * 2) / 6;
    }
    return;
  }
  const a = (t[k + 1] - x) / h;
  const b = 1 - a;
  w.wa[i] = a;
  w.wb[i] = b;
  w.wc[i] = ((a * a * a - a) * h * h) / 6;
  w.wd[i] = ((b * b * b - b) * h * h) / 6;
}
