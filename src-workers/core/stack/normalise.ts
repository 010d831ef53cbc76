/**
 * Frame normalisation and weights for stacking (Siril's "additive with scaling" family): each frame's
 * pixels become v·scale + offset so that its background and noise scale match the reference frame's;
 * weights follow the normalised noise (1/σ²) or the seeing (1/FWHM²), rescaled to mean 1.
 */
import type { FrameQuality } from './quality.js';

/** Normalisation: none, additive (match backgrounds), multiplicative (match background ratios), addscale. */
export type NormaliseMode = 'none' | 'additive' | 'multiplicative' | 'addscale';

/** Frame weighting scheme. */
export type WeightMode = 'none' | 'noise' | 'fwhm';

/** v' = v·scale + offset. */
export interface Normalisation {
  scale: number;
  offset: number;
}

/** The normalisation taking `frame` onto `ref` under `mode`. */
export function normalisationFor(frame: FrameQuality, ref: FrameQuality, mode: NormaliseMode): Normalisation {
  switch (mode) {
    case 'additive':
      return { scale: 1, offset: ref.backgroundAdu - frame.backgroundAdu };
    case 'multiplicative': {
      const scale = frame.backgroundAdu !== 0 ? ref.backgroundAdu / frame.backgroundAdu : 1;
      return { scale, offset: 0 };
    }
    case 'addscale': {
      const scale = frame.noiseAdu > 0 && ref.noiseAdu > 0 ? ref.noiseAdu / frame.noiseAdu : 1;
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
