/**
 * Photometric noise models for ensemble photometry: the CCD equation and scintillation.
 */
import { requirePositive } from '../errors.js';

/** Magnitudes per unit fractional flux error, 2.5/ln 10. */
export const MAG_PER_RELATIVE_FLUX = 2.5 / Math.LN10;

/** Detector and aperture terms of the CCD equation. */
export interface CcdNoiseTerms {
  /** Net source counts in the aperture (e⁻). */
  sourceE: number;
  /** Pixels in the aperture. */
  apertureAreaPx: number;
  /** Sky per pixel (e⁻). */
  skyPerPxE: number;
  /** Read noise (e⁻ rms per pixel) [0]. */
  readNoiseE?: number;
  /** Dark counts per pixel over the exposure (e⁻) [0]. */
  darkPerPxE?: number;
  /** Pixels used to estimate the sky (its error adds to the source's) [∞: sky known exactly]. */
  skyAreaPx?: number;
}

/**
 * 1σ error of the net source counts (e⁻) by the CCD equation (Merline & Howell 1995, Exp. Astron. 6, 163, eq. 1):
 * σ² = S + n·(1 + n/n_sky)·(sky + dark + RN²).
 */
export function ccdNoiseE(terms: CcdNoiseTerms): number {
  const n = terms.apertureAreaPx;
  const perPx = terms.skyPerPxE + (terms.darkPerPxE ?? 0) + (terms.readNoiseE ?? 0) ** 2;
  const skyFactor = 1 + n / (terms.skyAreaPx ?? Infinity);
  return Math.sqrt(Math.max(terms.sourceE, 0) + n * skyFactor * perPx);
}

/** The telescope terms of Young's scintillation formula. */
export interface ScintillationTerms {
  /** Telescope aperture diameter (m). */
  apertureM: number;
  /** Observatory altitude above sea level (m). */
  altitudeM: number;
  /** Airmass of the observation. */
  airmass: number;
  /** Exposure time (s). */
  exposureSec: number;
  /**
   * Multiplier on Young's median value [1]; Osborn et al. (2015, MNRAS 452, 1707) find 1.5 a better
   * typical value at good sites.
   */
  scale?: number;
}

/**
 * Fractional scintillation noise σ_F/F by Young's formula (Young 1967, AJ 72, 747; as in Gilliland et al.
 * 1993, PASP 105, 278, eq. 4): 0.09·D^(−2/3)·X^1.75·e^(−h/8000 m)/√(2t), with D in cm and t in s.
 */
export function scintillationRelative(terms: ScintillationTerms): number {
  requirePositive('apertureM', terms.apertureM);
  requirePositive('airmass', terms.airmass);
  requirePositive('exposureSec', terms.exposureSec);
  const dCm = 100 * terms.apertureM;
  return (
    ((terms.scale ?? 1) * 0.09 * dCm ** (-2 / 3) * terms.airmass ** 1.75 * Math.exp(-terms.altitudeM / 8000)) /
    Math.sqrt(2 * terms.exposureSec)
  );
}
