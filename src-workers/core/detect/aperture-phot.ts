import type { BackgroundEvaluator } from '../background/background-model.js';
import type { SourceCatalog } from '../catalog/catalog.js';
import { SourceFlag } from '../catalog/flags.js';
import type { Image } from '../image/image.js';
import { annulusBackground, createAnnulusScratch } from '../photometry/annulus.js';
import { apertureSumError, circularApertureSum } from '../photometry/aperture.js';

/** Aperture photometry settings of a detection run. */
export interface ApertureSettings {
  radiusPx: number;
  /** Local background annulus [inner, outer] px; without it the `background` column is subtracted. */
  annulusPx?: [number, number];
  gainEPerAdu?: number;
}

/** How far from the centroid `measureApertures` reads pixels, px. */
export function apertureReachPx(settings: ApertureSettings): number {
  return Math.ceil(Math.max(settings.radiusPx, settings.annulusPx ? settings.annulusPx[1] : 0)) + 1;
}

/**
 * Fills `flux`/`fluxErr` of rows [from, to) of `cat` (full-frame positions) from exact circular apertures on
 * `image`, which sits at (x0, y0) in the full frame. Positions are split into an integer pixel and a
 * fraction so the arithmetic is identical whichever tile measures them. Background: sigma-clipped annulus
 * median when asked (error adds A²σ²/N for its uncertainty), else the catalog's `background` column; noise:
 * annulus std or the model RMS. Sets APERTURE_INCOMPLETE when the aperture leaves the frame or hits NaN.
 */
export function measureApertures(
  image: Image,
  x0: number,
  y0: number,
  evaluator: BackgroundEvaluator,
  cat: SourceCatalog,
  settings: ApertureSettings,
  mask?: Uint8Array,
  from = 0,
  to = cat.count,
): void {
  const valueAt = mask ? (i: number): number => (mask[i] !== 0 ? Number.NaN : image.data[i]) : undefined;
  const exclude = mask ? (i: number): boolean => mask[i] !== 0 : undefined;
  cat.apertureRadiusPx = settings.radiusPx;
  const scratch = createAnnulusScratch();
  for (let i = from; i < to; i++) {
    const gx = cat.x[i];
    const gy = cat.y[i];
    if (!Number.isFinite(gx) || !Number.isFinite(gy)) continue;
    const ix = Math.floor(gx);
    const iy = Math.floor(gy);
    const fx = gx - ix;
    const fy = gy - iy;
    let bkg = cat.background[i];
    // The model RMS is the noise only when no annulus gives one (evaluating it costs a spline solve).
    let rms = Number.NaN;
    let annulusN = 0;
    if (settings.annulusPx) {
      const a = annulusBackground(
        image,
        fx,
        fy,
        settings.annulusPx[0],
        settings.annulusPx[1],
        3,
        10,
        exclude,
        ix - x0,
        iy - y0,
        scratch,
      );
      if (a.count > 0) {
        bkg = a.median;
        rms = a.std;
        annulusN = a.count;
      } else {
        cat.flags[i] |= SourceFlag.APERTURE_INCOMPLETE;
      }
    }
    if (annulusN === 0) rms = evaluator.at(gx, gy).rms;
    const s = circularApertureSum(image, fx, fy, settings.radiusPx, bkg, valueAt, ix - x0, iy - y0);
    cat.flux[i] = s.sum;
    let err = apertureSumError(s, rms, settings.gainEPerAdu);
    if (annulusN > 0) err = Math.sqrt(err * err + (s.validArea * s.validArea * rms * rms) / annulusN);
    cat.fluxErr[i] = err;
    if (s.incomplete) cat.flags[i] |= SourceFlag.APERTURE_INCOMPLETE;
  }
}
