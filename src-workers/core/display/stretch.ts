/**
 * Display stretches: functions from normalised values x in [0, 1] to [0, 1], with the definitions and
 * default parameters of astropy.visualization (LinearStretch, LogStretch a = 1000, SqrtStretch,
 * AsinhStretch a = 0.1) plus histogram equalisation over the displayed range.
 */
import { percentiles, zscale } from '../stats/index.js';

export type StretchName = 'linear' | 'log' | 'sqrt' | 'asinh' | 'histeq';
export const STRETCHES: readonly StretchName[] = ['linear', 'log', 'sqrt', 'asinh', 'histeq'];

/** How the display range [vmin, vmax] is chosen. */
export type Limits =
  | { kind: 'minmax' }
  | { kind: 'zscale'; contrast?: number }
  | { kind: 'percentile'; lower: number; upper: number }
  | { kind: 'manual'; vmin: number; vmax: number };

export interface StretchOptions {
  stretch?: StretchName;
  /** Display range [zscale]. */
  limits?: Limits;
  /** LogStretch exponent `a` [1000]. */
  logA?: number;
  /** AsinhStretch softening `a` [0.1]. */
  asinhA?: number;
}

/** [vmin, vmax] of `data` under `limits` (NaN and ±Infinity ignored); falls back to [0, 1] when empty. */
export function displayLimits(data: ArrayLike<number>, limits: Limits = { kind: 'zscale' }): [number, number] {
  let lo: number;
  let hi: number;
  switch (limits.kind) {
    case 'manual':
      [lo, hi] = [limits.vmin, limits.vmax];
      break;
    case 'zscale':
      [lo, hi] = zscale(data, { contrast: limits.contrast ?? 0.25 });
      break;
    case 'percentile':
      [lo, hi] = percentiles(finiteOnly(data), [limits.lower, limits.upper]);
      break;
    default: {
      lo = Infinity;
      hi = -Infinity;
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  return [lo, hi];
}

function finiteOnly(data: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) out[j++] = data[i];
  return out;
}

/** A scalar stretch y(x) for x in [0, 1]. */
export function stretchFunction(name: StretchName, options: StretchOptions = {}): (x: number) => number {
  switch (name) {
    case 'log': {
      const a = options.logA ?? 1000;
      const k = 1 / Math.log(a + 1);
      return (x) => Math.log(a * x + 1) * k;
    }
    case 'sqrt':
      return Math.sqrt;
    case 'asinh': {
      const a = options.asinhA ?? 0.1;
      const k = 1 / Math.asinh(1 / a);
      return (x) => Math.asinh(x / a) * k;
    }
    default:
      return (x) => x;
  }
}

/**
 * Maps pixel values to 8-bit levels 0–255 (NaN → 0 and reported in `nanMask` when given).
 * Values are normalised by [vmin, vmax], clipped to [0, 1], stretched, and rounded.
 */
export function stretchToBytes(
  data: ArrayLike<number>,
  options: StretchOptions = {},
  nanMask?: Uint8Array,
): { bytes: Uint8Array; vmin: number; vmax: number } {
  const [vmin, vmax] = displayLimits(data, options.limits ?? { kind: 'zscale' });
  const n = data.length;
  const out = new Uint8Array(n);
  const span = vmax > vmin ? vmax - vmin : 1;
  const name = options.stretch ?? 'linear';
  if (name === 'histeq') {
    histogramEqualise(data, vmin, vmax, out, nanMask);
    return { bytes: out, vmin, vmax };
  }
  // A 65536-entry lookup table keeps transcendental stretches cheap on 16-Mpixel frames (≤ 1 level error).
  const f = stretchFunction(name, options);
  const LUT = 65536;
  const lut = new Uint8Array(LUT + 1);
  for (let i = 0; i <= LUT; i++) lut[i] = Math.round(Math.min(1, Math.max(0, f(i / LUT))) * 255);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v !== v) {
      if (nanMask) nanMask[i] = 1;
      continue;
    }
    let x = (v - vmin) / span;
    x = x < 0 ? 0 : x > 1 ? 1 : x;
    out[i] = lut[Math.round(x * LUT)];
  }
  return { bytes: out, vmin, vmax };
}

/** Histogram equalisation of the values inside [vmin, vmax] (4096 bins): level = 255 × CDF(value). */
function histogramEqualise(
  data: ArrayLike<number>,
  vmin: number,
  vmax: number,
  out: Uint8Array,
  nanMask?: Uint8Array,
): void {
  const bins = 4096;
  const counts = new Float64Array(bins);
  const span = vmax > vmin ? vmax - vmin : 1;
  const binOf = (v: number): number => {
    const x = (v - vmin) / span;
    return x <= 0 ? 0 : x >= 1 ? bins - 1 : Math.floor(x * bins);
  };
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === v) {
      counts[binOf(v)]++;
      total++;
    }
  }
  const cdf = new Uint8Array(bins);
  let acc = 0;
  for (let b = 0; b < bins; b++) {
    acc += counts[b];
    cdf[b] = total ? Math.round((acc / total) * 255) : 0;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) {
      if (nanMask) nanMask[i] = 1;
      continue;
    }
    out[i] = cdf[binOf(v)];
  }
}
