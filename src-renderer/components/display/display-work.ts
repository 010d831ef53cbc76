/**
 * What the display worker computes, as plain functions (the worker file only relays messages, so the
 * same code runs in tests and on the main thread when a worker cannot start).
 */
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { blockAverage } from './levels.js';
import { minMaxLimits, percentileLimits, zscaleLimits, type Limits } from './limits.js';

export type LimitsRequest = { kind: 'zscale' } | { kind: 'percentile'; lower: number; upper: number };

export type DisplayRequest =
  | { id: number; op: 'levels'; level: PixelsDto; factors: number[] }
  | { id: number; op: 'limits'; sample: Float32Array; limits: LimitsRequest[] };

export type DisplayReply =
  | { id: number; op: 'levels'; levels: PixelsDto[] }
  | { id: number; op: 'limits'; sorted: Float32Array; limits: Limits[]; range: Limits }
  | { id: number; op: 'error'; message: string };

/**
 * `levels`: block averages of `level` by each factor (as the server's binned levels). `limits`: the
 * sample sorted, then each requested limit pair on it (zscale as astropy's ZScaleInterval on the
 * sample, percentiles of the sample) and its min/max.
 */
export function handleDisplayRequest(request: DisplayRequest): { reply: DisplayReply; transfer: Transferable[] } {
  try {
    if (request.op === 'levels') {
      const levels = request.factors.map((f) => blockAverage(request.level, f));
      return {
        reply: { id: request.id, op: 'levels', levels },
        transfer: levels.filter((l) => l !== request.level).map((l) => l.data.buffer),
      };
    }
    const sorted = finiteSorted(request.sample);
    const limits = request.limits.map((l) =>
      l.kind === 'zscale' ? zscaleLimits(sorted) : percentileLimits(sorted, l.lower, l.upper),
    );
    return {
      reply: { id: request.id, op: 'limits', sorted, limits, range: minMaxLimits(sorted) },
      transfer: [sorted.buffer],
    };
  } catch (e) {
    return {
      reply: { id: request.id, op: 'error', message: e instanceof Error ? e.message : String(e) },
      transfer: [],
    };
  }
}

function finiteSorted(sample: Float32Array): Float32Array {
  const out = new Float32Array(sample.length);
  let n = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i];
    if (v === v && v !== Infinity && v !== -Infinity) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}
