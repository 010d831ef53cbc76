/**
 * Ensemble differential photometry (Honeycutt 1992, PASP 104, 435; Broeg, Fernández & Neuhäuser 2005,
 * AN 326, 134): every frame's zero point is the weighted mean offset of a set of comparison stars from their
 * own mean magnitudes, so transparency changes common to the field cancel. Comparison stars are chosen
 * automatically (brightness and colour near the target, unsaturated, isolated, measured in most frames) and
 * variable ones are rejected iteratively by their leave-one-out χ² against the others' ensemble.
 */
import { InputError } from '../errors.js';
import { flagOutliers, linearFit } from './detrend.js';
import { MAG_PER_RELATIVE_FLUX, scintillationRelative } from './noise.js';

/** Flag bits of a light-curve point (one producer: this module). */
export const LC_FLAG = {
  /** Rejected as an outlier (kept in the output, excluded from statistics). */
  OUTLIER: 1,
  /** The target measurement was flagged saturated. */
  SATURATED: 2,
  /** No target measurement in this frame (flux not finite or ≤ 0). */
  MISSING: 4,
  /** Fewer than `minComps` comparison stars measured in this frame: no zero point. */
  NO_ZERO_POINT: 8,
} as const;

/** Measurement flag bit meaning "saturated" in {@link EnsembleInput.flags}. */
export const MEASUREMENT_SATURATED = 1;

/** Per-frame observing conditions. */
export interface EnsembleFrame {
  exposureSec: number;
  airmass?: number;
  fwhmPx?: number;
  skyE?: number;
  /** Pointing drift of the frame (px), for detrending. */
  dxPx?: number;
  dyPx?: number;
}

/** Per-star properties used to choose comparison stars. */
export interface EnsembleStar {
  xPx: number;
  yPx: number;
  /** Colour index (any band pair, same for all stars) [unknown: no colour cut]. */
  colour?: number;
}

/** The measurements of one field: `nFrames × nStars` matrices, frame-major (`[frame * nStars + star]`). */
export interface EnsembleInput {
  frames: EnsembleFrame[];
  stars: EnsembleStar[];
  /** Net aperture flux (e⁻); NaN or ≤ 0 where not measured. */
  fluxE: ArrayLike<number>;
  /** CCD-equation 1σ error of `fluxE` (e⁻), see `ccdNoiseE`. */
  fluxErrE: ArrayLike<number>;
  /** Measurement flag bits; {@link MEASUREMENT_SATURATED} excludes a comparison measurement [none]. */
  flags?: ArrayLike<number>;
}

/** Covariates a light curve can be detrended against. */
export type DetrendKey = 'airmass' | 'fwhm' | 'x' | 'y' | 'sky';

/** Options of {@link ensemblePhotometry}. */
export interface EnsembleOptions {
  /** Comparison stars chosen by the user (star indices); skips the automatic choice, not the rejection. */
  comps?: number[];
  /** Most comparison stars kept [10]. */
  maxComps?: number;
  /** Fewest comparison stars; rejection stops here and a frame needs this many measured [2]. */
  minComps?: number;
  /** Largest |Δmag| from the target for a comparison [1.5]. */
  maxDeltaMag?: number;
  /** Largest |Δcolour| from the target, when both colours are known [0.5]. */
  maxDeltaColour?: number;
  /** Nearest other star at least this far (px) [8]. */
  minSeparationPx?: number;
  /** Fraction of frames a comparison must be measured (unsaturated) in [0.9]. */
  minCoverage?: number;
  /** A comparison whose leave-one-out reduced χ² exceeds this is rejected as variable [3]. */
  rejectChi2?: number;
  /** Telescope for scintillation noise (Young's formula); omitted: no scintillation term. */
  telescope?: { apertureM: number; altitudeM: number; scintillationScale?: number };
  /** Covariates to remove by a weighted linear fit (with intercept) [none]. */
  detrend?: DetrendKey[];
  /** Points deviating more than this many σ from the running median of 7 are flagged OUTLIER [5; 0 = off]. */
  outlierSigma?: number;
}

/** A rejected comparison star and why. */
export interface RejectedComp {
  star: number;
  reducedChi2: number;
}

/** The differential light curve of one target. */
export interface EnsembleResult {
  comps: number[];
  rejectedComps: RejectedComp[];
  /** Per-frame ensemble zero point (mag, instrumental minus ensemble mean); NaN where none. */
  zeroPoint: Float64Array;
  zeroPointErr: Float64Array;
  /** Target instrumental magnitude −2.5·log10(F/t). */
  magInst: Float64Array;
  /** Differential magnitude magInst − zeroPoint, detrended if asked. */
  mag: Float64Array;
  /** Differential magnitude before detrending. */
  magRaw: Float64Array;
  /** Total error: target CCD noise, target scintillation and the zero point's error, in quadrature (mag). */
  magErr: Float64Array;
  /** Flux relative to the target's weighted mean, from `mag`. */
  relativeFlux: Float64Array;
  flags: Uint8Array;
  /** Detrending coefficients (mag per unit of each covariate), in the order asked. */
  trend: number[];
}

interface Matrix {
  mag: Float64Array;
  err: Float64Array;
}

/** Instrumental magnitudes and their total errors (CCD ⊕ scintillation), NaN where unusable. */
function magnitudes(input: EnsembleInput, options: EnsembleOptions): Matrix {
  const nF = input.frames.length;
  const nS = input.stars.length;
  const mag = new Float64Array(nF * nS);
  const err = new Float64Array(nF * nS);
  for (let f = 0; f < nF; f++) {
    const frame = input.frames[f];
    let scint = 0;
    if (options.telescope) {
      scint = scintillationRelative({
        apertureM: options.telescope.apertureM,
        altitudeM: options.telescope.altitudeM,
        airmass: frame.airmass ?? 1,
        exposureSec: frame.exposureSec,
        scale: options.telescope.scintillationScale,
      });
    }
    for (let s = 0; s < nS; s++) {
      const k = f * nS + s;
      const flux = input.fluxE[k];
      const e = input.fluxErrE[k];
      if (!(flux > 0) || !(e > 0) || !Number.isFinite(flux) || !Number.isFinite(e)) {
        mag[k] = Number.NaN;
        err[k] = Number.NaN;
        continue;
      }
      mag[k] = -2.5 * Math.log10(flux / frame.exposureSec);
      err[k] = MAG_PER_RELATIVE_FLUX * Math.sqrt((e / flux) ** 2 + scint * scint);
    }
  }
  return { mag, err };
}

function usable(input: EnsembleInput, m: Matrix, k: number): boolean {
  return m.mag[k] === m.mag[k] && !((input.flags?.[k] ?? 0) & MEASUREMENT_SATURATED);
}

/** Per-frame zero points from `comps` (iterating comparison means and zero points three times). */
function zeroPoints(
  input: EnsembleInput,
  m: Matrix,
  comps: number[],
  minComps: number,
): { zp: Float64Array; zpErr: Float64Array; meanMag: Float64Array } {
  const nF = input.frames.length;
  const nS = input.stars.length;
  const meanMag = new Float64Array(comps.length);
  const zp = new Float64Array(nF);
  const zpErr = new Float64Array(nF);
  for (let c = 0; c < comps.length; c++) {
    let sw = 0;
    let swm = 0;
    for (let f = 0; f < nF; f++) {
      const k = f * nS + comps[c];
      if (!usable(input, m, k)) continue;
      const w = 1 / m.err[k] ** 2;
      sw += w;
      swm += w * m.mag[k];
    }
    meanMag[c] = swm / sw;
  }
  for (let iter = 0; iter < 3; iter++) {
    for (let f = 0; f < nF; f++) {
      let sw = 0;
      let swd = 0;
      let count = 0;
      for (let c = 0; c < comps.length; c++) {
        const k = f * nS + comps[c];
        if (!usable(input, m, k)) continue;
        const w = 1 / m.err[k] ** 2;
        sw += w;
        swd += w * (m.mag[k] - meanMag[c]);
        count++;
      }
      zp[f] = count >= minComps ? swd / sw : Number.NaN;
      zpErr[f] = count >= minComps ? 1 / Math.sqrt(sw) : Number.NaN;
    }
    for (let c = 0; c < comps.length; c++) {
      let sw = 0;
      let swm = 0;
      for (let f = 0; f < nF; f++) {
        const k = f * nS + comps[c];
        if (!usable(input, m, k) || zp[f] !== zp[f]) continue;
        const w = 1 / m.err[k] ** 2;
        sw += w;
        swm += w * (m.mag[k] - zp[f]);
      }
      meanMag[c] = swm / sw;
    }
  }
  return { zp, zpErr, meanMag };
}

/** Reduced χ² of comparison `c` about a constant, against the ensemble of the others. */
function leaveOneOutChi2(input: EnsembleInput, m: Matrix, comps: number[], c: number, minComps: number): number {
  const others = comps.filter((_, i) => i !== c);
  const { zp, zpErr } = zeroPoints(input, m, others, Math.max(1, minComps - 1));
  const nS = input.stars.length;
  const d: number[] = [];
  const e: number[] = [];
  for (let f = 0; f < input.frames.length; f++) {
    const k = f * nS + comps[c];
    if (!usable(input, m, k) || zp[f] !== zp[f]) continue;
    d.push(m.mag[k] - zp[f]);
    e.push(Math.hypot(m.err[k], zpErr[f]));
  }
  if (d.length < 2) return Infinity;
  let sw = 0;
  let swd = 0;
  for (let i = 0; i < d.length; i++) {
    sw += 1 / e[i] ** 2;
    swd += d[i] / e[i] ** 2;
  }
  const mean = swd / sw;
  let chi2 = 0;
  for (let i = 0; i < d.length; i++) chi2 += ((d[i] - mean) / e[i]) ** 2;
  return chi2 / (d.length - 1);
}

/** Median instrumental magnitude of each star over the frames where it is usable (NaN if never). */
function medianMags(input: EnsembleInput, m: Matrix): { median: Float64Array; coverage: Float64Array } {
  const nF = input.frames.length;
  const nS = input.stars.length;
  const median = new Float64Array(nS);
  const coverage = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    const v: number[] = [];
    for (let f = 0; f < nF; f++) if (usable(input, m, f * nS + s)) v.push(m.mag[f * nS + s]);
    v.sort((a, b) => a - b);
    coverage[s] = v.length / nF;
    median[s] = v.length ? (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2 : Number.NaN;
  }
  return { median, coverage };
}

/**
 * Chooses comparison stars for `target` (−1: none, e.g. a field-wide ensemble): unsaturated and measured in
 * at least `minCoverage` of the frames, isolated, within `maxDeltaMag` (and `maxDeltaColour`) of the target,
 * closest in magnitude first, at most `maxComps`.
 */
export function chooseComparisons(input: EnsembleInput, target: number, options: EnsembleOptions = {}): number[] {
  const m = magnitudes(input, options);
  const { median, coverage } = medianMags(input, m);
  const minSep = options.minSeparationPx ?? 8;
  const maxDelta = options.maxDeltaMag ?? 1.5;
  const maxDColour = options.maxDeltaColour ?? 0.5;
  const minCoverage = options.minCoverage ?? 0.9;
  const stars = input.stars;
  const candidates: number[] = [];
  for (let s = 0; s < stars.length; s++) {
    if (s === target || !(coverage[s] >= minCoverage)) continue;
    if (target >= 0 && !(Math.abs(median[s] - median[target]) <= maxDelta)) continue;
    const ct = target >= 0 ? stars[target].colour : undefined;
    const cs = stars[s].colour;
    if (ct !== undefined && cs !== undefined && Math.abs(cs - ct) > maxDColour) continue;
    let isolated = true;
    for (let o = 0; o < stars.length && isolated; o++) {
      if (o !== s) isolated = Math.hypot(stars[o].xPx - stars[s].xPx, stars[o].yPx - stars[s].yPx) >= minSep;
    }
    if (isolated) candidates.push(s);
  }
  const ref = target >= 0 ? median[target] : -Infinity;
  candidates.sort((a, b) => Math.abs(median[a] - ref) - Math.abs(median[b] - ref) || a - b);
  return candidates.slice(0, options.maxComps ?? 10);
}

function covariate(frame: EnsembleFrame, key: DetrendKey): number | undefined {
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
 * Differential light curve of star `target` against an ensemble of comparison stars.
 *
 * @throws InputError on inconsistent matrix sizes, a bad target index, or fewer usable comparisons than `minComps`
 */
export function ensemblePhotometry(
  input: EnsembleInput,
  target: number,
  options: EnsembleOptions = {},
): EnsembleResult {
  const nF = input.frames.length;
  const nS = input.stars.length;
  if (
    input.fluxE.length !== nF * nS ||
    input.fluxErrE.length !== nF * nS ||
    (input.flags && input.flags.length !== nF * nS)
  ) {
    throw new InputError('ENSEMBLE_SHAPE', `fluxE, fluxErrE and flags must hold nFrames × nStars = ${nF * nS} values`);
  }
  if (!(Number.isInteger(target) && target >= 0 && target < nS)) {
    throw new InputError('ENSEMBLE_TARGET', `target must be a star index in [0, ${nS - 1}], got ${target}`);
  }
  for (const c of options.comps ?? []) {
    if (!(Number.isInteger(c) && c >= 0 && c < nS) || c === target) {
      throw new InputError(
        'ENSEMBLE_COMPS',
        `comparison ${c} must be a star index in [0, ${nS - 1}] other than the target`,
      );
    }
  }
  const minComps = options.minComps ?? 2;
  const rejectChi2 = options.rejectChi2 ?? 3;
  const m = magnitudes(input, options);
  const comps = options.comps ? [...options.comps] : chooseComparisons(input, target, options);
  if (comps.length < minComps) {
    throw new InputError(
      'ENSEMBLE_FEW_COMPS',
      `only ${comps.length} usable comparison stars; at least ${minComps} are needed`,
    );
  }
  const rejected: RejectedComp[] = [];
  while (comps.length > minComps) {
    const chi2 = comps.map((_, c) => leaveOneOutChi2(input, m, comps, c, minComps));
    let worst = 0;
    for (let c = 1; c < comps.length; c++) if (chi2[c] > chi2[worst]) worst = c;
    if (!(chi2[worst] > rejectChi2)) break;
    rejected.push({ star: comps[worst], reducedChi2: chi2[worst] });
    comps.splice(worst, 1);
  }
  const { zp, zpErr } = zeroPoints(input, m, comps, minComps);
  const magInst = new Float64Array(nF);
  const magRaw = new Float64Array(nF);
  const magErr = new Float64Array(nF);
  const flags = new Uint8Array(nF);
  for (let f = 0; f < nF; f++) {
    const k = f * nS + target;
    magInst[f] = m.mag[k];
    magRaw[f] = m.mag[k] - zp[f];
    magErr[f] = Math.hypot(m.err[k], zpErr[f]);
    if (m.mag[k] !== m.mag[k]) flags[f] |= LC_FLAG.MISSING;
    if ((input.flags?.[k] ?? 0) & MEASUREMENT_SATURATED) flags[f] |= LC_FLAG.SATURATED;
    if (zp[f] !== zp[f]) flags[f] |= LC_FLAG.NO_ZERO_POINT;
  }
  const mag = Float64Array.from(magRaw);
  const outlierSigma = options.outlierSigma ?? 5;
  if (outlierSigma > 0) flagOutliers(magRaw, magErr, flags, outlierSigma, LC_FLAG.OUTLIER);
  let trend: number[] = [];
  const keys = options.detrend ?? [];
  if (keys.length) {
    const rows: number[][] = [];
    const y: number[] = [];
    const w: number[] = [];
    const means = keys.map((key) => {
      let s = 0;
      for (const fr of input.frames) s += covariate(fr, key) ?? Number.NaN;
      return s / nF;
    });
    keys.forEach((key, j) => {
      if (!Number.isFinite(means[j]))
        throw new InputError('DETREND_MISSING', `detrending by '${key}' needs it for every frame`);
    });
    for (let f = 0; f < nF; f++) {
      if (flags[f]) continue;
      rows.push([1, ...keys.map((key, j) => (covariate(input.frames[f], key) as number) - means[j])]);
      y.push(magRaw[f]);
      w.push(1 / magErr[f] ** 2);
    }
    if (y.length <= keys.length + 1) throw new InputError('DETREND_DEGENERATE', 'too few good points to detrend');
    const coef = linearFit(rows, y, w);
    trend = coef.slice(1);
    for (let f = 0; f < nF; f++) {
      let t = 0;
      keys.forEach((key, j) => (t += trend[j] * ((covariate(input.frames[f], key) as number) - means[j])));
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
  return {
    comps,
    rejectedComps: rejected,
    zeroPoint: zp,
    zeroPointErr: zpErr,
    magInst,
    mag,
    magRaw,
    magErr,
    relativeFlux,
    flags,
    trend,
  };
}
