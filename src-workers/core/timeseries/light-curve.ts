/**
 * From one star's instrumental magnitudes and a per-frame ensemble zero point to its differential light
 * curve: total errors, flags, running-median outlier flags (points kept) and optional linear detrending.
 */
import { InputError } from '../errors.js';
import { flagOutliers, linearFit } from './detrend.js';

/** Flag bits of a light-curve point (one producer: this module). */
export const LC_FLAG = {
  /** Rejected as an outlier (kept in the output, excluded from statistics). */
  OUTLIER: 1,
  /** The measurement was flagged saturated. */
  SATURATED: 2,
  /** No measurement in this frame (flux not finite or ≤ 0). */
  MISSING: 4,
  /** Too few comparison stars measured in this frame: no zero point. */
  NO_ZERO_POINT: 8,
} as const;

/** Covariates a light curve can be detrended against. */
export type DetrendKey = 'airmass' | 'fwhm' | 'x' | 'y' | 'sky';

/** The per-frame conditions detrending reads. */
export interface CurveFrame {
  airmass?: number;
  fwhmPx?: number;
  skyE?: number;
  dxPx?: number;
  dyPx?: number;
}

/** One star over the frames: instrumental magnitude, its total error (mag), saturation (1/0); NaN = missing. */
export interface StarColumns {
  mag: Float64Array;
  err: Float64Array;
  saturated: Uint8Array;
}

/** Options of {@link differentialCurve}. */
export interface CurveOptions {
  /** Covariates to remove by a weighted linear fit (with intercept) [none]. */
  detrend?: DetrendKey[];
  /** Points deviating more than this many σ from the running median of 7 are flagged OUTLIER [5; 0 = off]. */
  outlierSigma?: number;
}

/** A differential light curve, one entry per frame. */
export interface LightCurvePoints {
  /** Instrumental magnitude −2.5·log10(F/t). */
  magInst: Float64Array;
  /** Differential magnitude magInst − zeroPoint, detrended if asked. */
  mag: Float64Array;
  /** Differential magnitude before detrending. */
  magRaw: Float64Array;
  /** Total error: the star's own noise and the zero point's error, in quadrature (mag). */
  magErr: Float64Array;
  /** Flux relative to the star's weighted mean, from `mag`. */
  relativeFlux: Float64Array;
  /** {@link LC_FLAG} bits. */
  flags: Uint8Array;
  /** Detrending coefficients (mag per unit of each covariate, about its mean), in the order asked. */
  trend: number[];
}

function covariate(frame: CurveFrame, key: DetrendKey): number | undefined {
  switch (key) {
    case 'airmass':
      return frame.airmass;
    case 'fwhm':
      return frame.fwhmPx;
    case 'x':
      return frame.dxPx;
    case 'y':
      return frame.dyPx;
    case 'sky':
      return frame.skyE;
  }
}

/**
 * Differential light curve of one star against per-frame zero points.
 *
 * Detrending fits the unflagged points; on a variable whose signal correlates with a covariate it removes
 * part of the signal too, so it is off by default.
 *
 * @throws InputError `DETREND_MISSING` when a covariate is unknown for a frame, `DETREND_DEGENERATE` when the fit has too few points or collinear covariates
 */
export function differentialCurve(
  frames: readonly CurveFrame[],
  star: StarColumns,
  zeroPoint: Float64Array,
  zeroPointErr: Float64Array,
  options: CurveOptions = {},
): LightCurvePoints {
  const nF = frames.length;
  const magInst = Float64Array.from(star.mag);
  const magRaw = new Float64Array(nF);
  const magErr = new Float64Array(nF);
  const flags = new Uint8Array(nF);
  for (let f = 0; f < nF; f++) {
    magRaw[f] = star.mag[f] - zeroPoint[f];
    magErr[f] = Math.hypot(star.err[f], zeroPointErr[f]);
    if (star.mag[f] !== star.mag[f]) flags[f] |= LC_FLAG.MISSING;
    if (star.saturated[f]) flags[f] |= LC_FLAG.SATURATED;
    if (zeroPoint[f] !== zeroPoint[f]) flags[f] |= LC_FLAG.NO_ZERO_POINT;
  }
  const mag = Float64Array.from(magRaw);
  const outlierSigma = options.outlierSigma ?? 5;
  if (outlierSigma > 0) flagOutliers(magRaw, magErr, flags, outlierSigma, LC_FLAG.OUTLIER);
  let trend: number[] = [];
  const keys = options.detrend ?? [];
  if (keys.length) {
    const means = keys.map((key) => {
      let s = 0;
      for (const fr of frames) s += covariate(fr, key) ?? Number.NaN;
      return s / nF;
    });
    keys.forEach((key, j) => {
      if (!Number.isFinite(means[j]))
        throw new InputError('DETREND_MISSING', `detrending by '${key}' needs it for every frame`);
    });
    const x = (f: number, j: number): number => (covariate(frames[f], keys[j]) as number) - means[j];
    const rows: number[][] = [];
    const y: number[] = [];
    const w: number[] = [];
    for (let f = 0; f < nF; f++) {
      if (flags[f]) continue;
      rows.push([1, ...keys.map((_, j) => x(f, j))]);
      y.push(magRaw[f]);
      w.push(1 / magErr[f] ** 2);
    }
    if (y.length <= keys.length + 1) throw new InputError('DETREND_DEGENERATE', 'too few good points to detrend');
    trend = linearFit(rows, y, w).slice(1);
    for (let f = 0; f < nF; f++) {
      let t = 0;
      for (let j = 0; j < keys.length; j++) t += trend[j] * x(f, j);
      mag[f] = magRaw[f] - t;
    }
  }
  let sw = 0;
  let swm = 0;
  for (let f = 0; f < nF; f++) {
    if (flags[f]) continue;
    sw += 1 / magErr[f] ** 2;
    swm += mag[f] / magErr[f] ** 2;
  }
  const meanMag = swm / sw;
  const relativeFlux = new Float64Array(nF);
  for (let f = 0; f < nF; f++) relativeFlux[f] = 10 ** (-0.4 * (mag[f] - meanMag));
  return { magInst, mag, magRaw, magErr, relativeFlux, flags, trend };
}
