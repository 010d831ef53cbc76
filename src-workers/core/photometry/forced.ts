import type { BackgroundEvaluator } from '../background/background-model.js';
import { SourceFlag } from '../catalog/flags.js';
import { requirePositive } from '../errors.js';
import type { Image } from '../image/image.js';
import { annulusBackground, createAnnulusScratch } from './annulus.js';
import { apertureSumError, circularApertureSum } from './aperture.js';

/** Options of `forcedPhotometry`. */
export interface ForcedPhotometryOptions {
  /** Aperture radius, px. */
  radiusPx: number;
  /** Local background annulus [inner, outer] radii in px; without it the background model (or 0) is used. */
  annulusPx?: [number, number];
  /** Background map evaluator used when no annulus is given. */
  background?: BackgroundEvaluator;
  /** Background noise per pixel when neither annulus nor model gives one, ADU [0]. */
  rmsAdu?: number;
  gainEPerAdu?: number;
}

/** Columns of forced photometry at given positions. */
export interface ForcedPhotometry {
  count: number;
  x: Float64Array;
  y: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array;
  /** Background per pixel subtracted, ADU. */
  background: Float64Array;
  /** Aperture area actually covered by valid pixels, px². */
  area: Float64Array;
  flags: Int32Array;
}

/**
 * Circular-aperture photometry at fixed positions (0-based pixel centres) with exact pixel overlap
 * (photutils `aperture_photometry(method='exact')`), background from a sigma-clipped annulus median
 * (or the background model), errors σ² = A·σ_bkg² + F/gain (+ A²·σ_bkg²/N_annulus for the annulus mean).
 */
export function forcedPhotometry(
  image: Image,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  options: ForcedPhotometryOptions,
): ForcedPhotometry {
  requirePositive('radiusPx', options.radiusPx);
  if (options.annulusPx) {
    const [rin, rout] = options.annulusPx;
    requirePositive('annulus inner radius', rin);
    if (!(rout > rin)) requirePositive('annulus outer radius − inner radius', rout - rin);
  }
  const n = xs.length;
  const out: ForcedPhotometry = {
    count: n,
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    flux: new Float64Array(n),
    fluxErr: new Float64Array(n),
    background: new Float64Array(n),
    area: new Float64Array(n),
    flags: new Int32Array(n),
  };
  const scratch = createAnnulusScratch();
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const y = ys[i];
    let bkg = 0;
    let rms = options.rmsAdu ?? 0;
    let annulusN = 0;
    if (options.annulusPx) {
      const a = annulusBackground(
        image,
        x,
        y,
        options.annulusPx[0],
        options.annulusPx[1],
        3,
        10,
        undefined,
        0,
        0,
        scratch,
      );
      bkg = a.median;
      rms = a.std;
      annulusN = a.count;
      if (!(a.count > 0)) out.flags[i] |= SourceFlag.APERTURE_INCOMPLETE;
    } else if (options.background) {
      const b = options.background.at(x, y);
      bkg = b.background;
      rms = b.rms;
    }
    const s = circularApertureSum(image, x, y, options.radiusPx, bkg);
    out.flux[i] = s.sum;
    out.area[i] = s.validArea;
    out.background[i] = bkg;
    let err = apertureSumError(s, rms, options.gainEPerAdu);
    if (annulusN > 0) err = Math.sqrt(err * err + (s.validArea * s.validArea * rms * rms) / annulusN);
    out.fluxErr[i] = err;
    if (s.incomplete) out.flags[i] |= SourceFlag.APERTURE_INCOMPLETE;
  }
  return out;
}
