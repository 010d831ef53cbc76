/**
 * Interactive aperture photometry, as AstroImageJ's aperture tool reports it: the exact-overlap sum in a
 * circle (photutils `method='exact'`), the local sky as the sigma-clipped median of an annulus (photutils
 * `ApertureStats` with `SigmaClip(sigma=3, maxiters=10)`, centre-in-annulus pixels), the net flux, its
 * error from the CCD equation with the sky-estimate term (Merline & Howell 1995), SNR and an
 * instrumental magnitude.
 */
import type { Image } from '../image/image.js';
import { annulusBackground } from '../photometry/annulus.js';
import { circularApertureSum } from '../photometry/aperture.js';

export interface ApertureReadoutOptions {
  /** Aperture radius, px. */
  radiusPx: number;
  /** Sky annulus inner and outer radii, px (inner ≥ radius is usual, not required). */
  annulusInnerPx: number;
  annulusOuterPx: number;
  /** e⁻ per ADU for the source's Poisson term [none: background terms only]. */
  gainEPerAdu?: number;
  /** Zero point of the instrumental magnitude [25]. */
  zeroPointMag?: number;
}

export interface ApertureReadout {
  xPx: number;
  yPx: number;
  radiusPx: number;
  annulusInnerPx: number;
  annulusOuterPx: number;
  /** Σ pixel × overlap inside the aperture, sky included, ADU. */
  rawSum: number;
  /** Aperture area, px² (πr²; the covered area when part of it is off the frame). */
  areaPx: number;
  /** Sky per pixel (sigma-clipped annulus median), ADU; NaN when no annulus pixel survived. */
  skyAdu: number;
  /** Standard deviation of the surviving annulus pixels, ADU. */
  skyStdAdu: number;
  skyCount: number;
  /** rawSum − sky × area, ADU. */
  netFlux: number;
  /** 1σ of netFlux: √(net/gain + A·σ² + A²·σ²/n), ADU. */
  netFluxErr: number;
  snr: number;
  /** zeroPoint − 2.5 log10(netFlux); NaN when the net flux is not positive. */
  magInst: number;
  magErr: number;
  /** Part of the aperture is off the frame or on NaN pixels. */
  incomplete: boolean;
}

/**
 * Photometry of one aperture at (xPx, yPx) (0-based pixel centres) on `image`. Throws a RangeError
 * naming the option when a radius is not a positive finite number or the annulus is empty.
 */
export function apertureReadout(image: Image, xPx: number, yPx: number, o: ApertureReadoutOptions): ApertureReadout {
  for (const key of ['radiusPx', 'annulusInnerPx', 'annulusOuterPx'] as const) {
    const v = o[key];
    if (!(Number.isFinite(v) && v >= 0) || (key === 'radiusPx' && !(v > 0)))
      throw new RangeError(`'${key}' must be a positive finite number, got ${v}`);
  }
  if (!(o.annulusOuterPx > o.annulusInnerPx))
    throw new RangeError(`'annulusOuterPx' (${o.annulusOuterPx}) must exceed 'annulusInnerPx' (${o.annulusInnerPx})`);
  const raw = circularApertureSum(image, xPx, yPx, o.radiusPx, 0);
  const sky = annulusBackground(image, xPx, yPx, o.annulusInnerPx, o.annulusOuterPx);
  const area = raw.incomplete ? raw.validArea : raw.area;
  const netFlux = raw.sum - sky.median * area;
  const gain = o.gainEPerAdu !== undefined && o.gainEPerAdu > 0 ? o.gainEPerAdu : undefined;
  const variance =
    (gain ? Math.max(netFlux, 0) / gain : 0) +
    area * sky.std * sky.std +
    (sky.count > 0 ? (area * area * sky.std * sky.std) / sky.count : 0);
  const netFluxErr = Math.sqrt(variance);
  const zp = o.zeroPointMag ?? 25;
  const magInst = netFlux > 0 ? zp - 2.5 * Math.log10(netFlux) : Number.NaN;
  return {
    xPx,
    yPx,
    radiusPx: o.radiusPx,
    annulusInnerPx: o.annulusInnerPx,
    annulusOuterPx: o.annulusOuterPx,
    rawSum: raw.sum,
    areaPx: area,
    skyAdu: sky.median,
    skyStdAdu: sky.std,
    skyCount: sky.count,
    netFlux,
    netFluxErr,
    snr: netFluxErr > 0 ? netFlux / netFluxErr : Number.NaN,
    magInst,
    magErr: netFlux > 0 ? (2.5 / Math.LN10) * (netFluxErr / netFlux) : Number.NaN,
    incomplete: raw.incomplete,
  };
}
