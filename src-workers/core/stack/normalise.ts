/**
 * Frame normalisation and weights for stacking (Siril's "additive with scaling" family): each frame's
 * pixels become v·scale + offset so that its background, and for `addscale` its stars' fluxes, match the
 * reference frame's; weights follow the normalised noise (1/σ²) or the seeing (1/FWHM²), rescaled to
 * mean 1. A frame with thinner cloud or a longer exposure is scaled down, and its noise with it, so
 * noise weights then favour the frames with the best signal-to-noise ratio.
 */
import type { FrameQuality, StarList } from './quality.js';

/** Normalisation: none, additive (match backgrounds), multiplicative (match background ratios), addscale. */
export type NormaliseMode = 'none' | 'additive' | 'multiplicative' | 'addscale';

/** Frame weighting scheme. */
export type WeightMode = 'none' | 'noise' | 'fwhm';

/** v' = v·scale + offset. */
export interface Normalisation {
  scale: number;
  offset: number;
}

/**
 * The normalisation taking `frame` onto `ref` under `mode`. `addscale` needs `signalScale`, the ratio of
 * the reference's star fluxes to the frame's (`photometricScale`); without it only the backgrounds are
 * matched (as `additive`).
 */
export function normalisationFor(
  frame: FrameQuality,
  ref: FrameQuality,
  mode: NormaliseMode,
  signalScale?: number,
): Normalisation {
  switch (mode) {
    case 'additive':
      return { scale: 1, offset: ref.backgroundAdu - frame.backgroundAdu };
    case 'multiplicative': {
      const scale = frame.backgroundAdu !== 0 ? ref.backgroundAdu / frame.backgroundAdu : 1;
      return { scale, offset: 0 };
    }
    case 'addscale': {
      const scale = signalScale !== undefined && signalScale > 0 && Number.isFinite(signalScale) ? signalScale : 1;
      return { scale, offset: ref.backgroundAdu - frame.backgroundAdu * scale };
    }
    default:
      return { scale: 1, offset: 0 };
  }
}

/** Weights (mean 1) for frames after normalisation; non-finite metrics get the mean weight. */
export function frameWeights(
  list: readonly FrameQuality[],
  norms: readonly Normalisation[],
  mode: WeightMode,
): Float64Array {
  const w = new Float64Array(list.length);
  for (let k = 0; k < list.length; k++) {
    let v = 1;
    if (mode === 'noise') {
      const s = list[k].noiseAdu * norms[k].scale;
      v = s > 0 ? 1 / (s * s) : Number.NaN;
    } else if (mode === 'fwhm') {
      const f = list[k].fwhmPx;
      v = f > 0 ? 1 / (f * f) : Number.NaN;
    }
    w[k] = v;
  }
  let sum = 0;
  let m = 0;
  for (const v of w) {
    if (Number.isFinite(v)) {
      sum += v;
      m++;
    }
  }
  const mean = m ? sum / m : 1;
  for (let k = 0; k < w.length; k++) w[k] = Number.isFinite(w[k]) ? w[k] / mean : 1;
  return w;
}

/**
 * The factor that brings `frame`'s star fluxes onto `ref`'s: the median flux ratio of the stars found in
 * both within `radiusPx` (frames aligned, as stacking inputs are), each star matched to its nearest
 * neighbour both ways. `undefined` with fewer than `minMatches` pairs.
 */
export function photometricScale(
  frame: StarList,
  ref: StarList,
  radiusPx = 1.5,
  minMatches = 5,
): { scale: number; matched: number } | undefined {
  const nearestFrameOf = nearestWithin(ref, frame, radiusPx);
  const nearestRefOf = nearestWithin(frame, ref, radiusPx);
  const ratios: number[] = [];
  for (let i = 0; i < ref.x.length; i++) {
    const j = nearestFrameOf[i];
    if (j >= 0 && nearestRefOf[j] === i && frame.flux[j] > 0 && ref.flux[i] > 0)
      ratios.push(ref.flux[i] / frame.flux[j]);
  }
  if (ratios.length < minMatches) return undefined;
  ratios.sort((a, b) => a - b);
  const m = ratios.length >> 1;
  const scale = ratios.length % 2 ? ratios[m] : Math.sqrt(ratios[m - 1] * ratios[m]);
  return { scale, matched: ratios.length };
}

/** For each star of `from`, the index of the nearest star of `to` within `radius` (−1 if none). */
function nearestWithin(from: StarList, to: StarList, radius: number): Int32Array {
  // Stars of `to` bucketed on a grid of `radius` cells: a match lies in the 3×3 cells around a star.
  const cells = new Map<string, number[]>();
  const key = (cx: number, cy: number): string => `${cx},${cy}`;
  for (let j = 0; j < to.x.length; j++) {
    const k = key(Math.floor(to.x[j] / radius), Math.floor(to.y[j] / radius));
    const list = cells.get(k);
    if (list) list.push(j);
    else cells.set(k, [j]);
  }
  const out = new Int32Array(from.x.length).fill(-1);
  for (let i = 0; i < from.x.length; i++) {
    const cx = Math.floor(from.x[i] / radius);
    const cy = Math.floor(from.y[i] / radius);
    let best = radius * radius;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const j of cells.get(key(cx + dx, cy + dy)) ?? []) {
          const d2 = (to.x[j] - from.x[i]) ** 2 + (to.y[j] - from.y[i]) ** 2;
          if (d2 <= best) {
            best = d2;
            out[i] = j;
          }
        }
      }
    }
  }
  return out;
}
