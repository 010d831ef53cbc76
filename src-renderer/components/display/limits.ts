/**
 * Display limits for the viewer, computed by `core/display` (zscale and percentiles as astropy
 * defines them, tested against astropy.visualization) on a strided sample, so a 4096² frame costs a
 * few milliseconds per change.
 */
import { displayLimits } from '../../../src-workers/core/display/index.js';

/** A sorted, strided sample of the finite pixels (at most `maxSamples`). */
export function samplePixels(data: Float32Array, maxSamples = 20000): Float32Array {
  const stride = Math.max(1, Math.floor(data.length / maxSamples));
  const out = new Float32Array(Math.ceil(data.length / stride));
  let n = 0;
  for (let i = 0; i < data.length; i += stride) {
    const v = data[i];
    if (v === v && v !== Infinity && v !== -Infinity) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

export interface Limits {
  lo: number;
  hi: number;
}

function widen([lo, hi]: [number, number]): Limits {
  return hi > lo ? { lo, hi } : { lo, hi: lo + 1 };
}

export function percentileLimits(sample: Float32Array, lowPct = 0.5, highPct = 99.5): Limits {
  return widen(displayLimits(sample, { kind: 'percentile', lower: lowPct, upper: highPct }));
}

export function minMaxLimits(data: Float32Array): Limits {
  return widen(displayLimits(data, { kind: 'minmax' }));
}

/** IRAF/astropy zscale (contrast 0.25). */
export function zscaleLimits(data: Float32Array): Limits {
  return widen(displayLimits(data, { kind: 'zscale' }));
}
