/**
 * Ensemble differential photometry (Honeycutt 1992, PASP 104, 435; Broeg, Fernández & Neuhäuser 2005,
 * AN 326, 134): every frame's zero point is the weighted mean offset of a set of comparison stars from their
 * own mean magnitudes, so transparency changes common to the field cancel. Comparison stars are chosen
 * automatically (brightness and colour near the target, unsaturated, isolated, measured in most frames) and
 * variable ones are rejected iteratively by their leave-one-out χ² against the others' ensemble.
 */
import { InputError } from '../errors.js';
import { differentialCurve, type CurveOptions, type LightCurvePoints, type StarColumns } from './light-curve.js';
import { MAG_PER_RELATIVE_FLUX, scintillationRelative } from './noise.js';

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

/** Options of {@link ensemblePhotometry}. */
export interface EnsembleOptions extends CurveOptions {
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
}

/** A rejected comparison star and why. */
export interface RejectedComp {
  star: number;
  reducedChi2: number;
}

/** The differential light curve of one target, with the ensemble it was measured against. */
export type EnsembleResult = LightCurvePoints & ZeroPointSolution;

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

/** One star's column of the magnitude matrix. */
function starColumns(input: EnsembleInput, m: Matrix, star: number): StarColumns {
  const nF = input.frames.length;
  const nS = input.stars.length;
  const mag = new Float64Array(nF);
  const err = new Float64Array(nF);
  const saturated = new Uint8Array(nF);
  for (let f = 0; f < nF; f++) {
    mag[f] = m.mag[f * nS + star];
    err[f] = m.err[f * nS + star];
    saturated[f] = (input.flags?.[f * nS + star] ?? 0) & MEASUREMENT_SATURATED ? 1 : 0;
  }
  return { mag, err, saturated };
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
  // Closest in magnitude to the target; for a field-wide ensemble the brightest (least noisy) first.
  const key = (s: number): number => (target >= 0 ? Math.abs(median[s] - median[target]) : median[s]);
  candidates.sort((a, b) => key(a) - key(b) || a - b);
  return candidates.slice(0, options.maxComps ?? 10);
}

/** The ensemble of one solution: its comparison stars and per-frame zero points. */
export interface ZeroPointSolution {
  comps: number[];
  rejectedComps: RejectedComp[];
  /** Per-frame ensemble zero point (mag, instrumental minus ensemble mean); NaN where none. */
  zeroPoint: Float64Array;
  zeroPointErr: Float64Array;
}

function checkInput(input: EnsembleInput, target: number, options: EnsembleOptions): void {
  const nF = input.frames.length;
  const nS = input.stars.length;
  if (
    input.fluxE.length !== nF * nS ||
    input.fluxErrE.length !== nF * nS ||
    (input.flags && input.flags.length !== nF * nS)
  ) {
    throw new InputError('ENSEMBLE_SHAPE', `fluxE, fluxErrE and flags must hold nFrames × nStars = ${nF * nS} values`);
  }
  if (!(Number.isInteger(target) && target >= -1 && target < nS)) {
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
}

function solve(input: EnsembleInput, m: Matrix, target: number, options: EnsembleOptions): ZeroPointSolution {
  const minComps = options.minComps ?? 2;
  const rejectChi2 = options.rejectChi2 ?? 3;
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
  return { comps, rejectedComps: rejected, zeroPoint: zp, zeroPointErr: zpErr };
}

/**
 * Chooses the comparison stars for `target` (−1: a field-wide ensemble of the brightest good stars),
 * rejects variable ones and solves the per-frame zero points.
 */
export function ensembleZeroPoints(
  input: EnsembleInput,
  target: number,
  options: EnsembleOptions = {},
): ZeroPointSolution {
  checkInput(input, target, options);
  return solve(input, magnitudes(input, options), target, options);
}

/**
 * Differential light curves of every star against one field-wide ensemble (target −1), for variability
 * statistics of a whole catalog. A comparison star's own curve uses the zero points of the other
 * comparisons, so it is not measured against itself. `visit` receives each star's curve in turn.
 */
export function forEachLightCurve(
  input: EnsembleInput,
  options: EnsembleOptions,
  visit: (star: number, curve: LightCurvePoints) => void,
): ZeroPointSolution {
  checkInput(input, -1, options);
  const m = magnitudes(input, options);
  const solution = solve(input, m, -1, options);
  const minComps = Math.max(1, (options.minComps ?? 2) - 1);
  for (let s = 0; s < input.stars.length; s++) {
    const c = solution.comps.indexOf(s);
    let { zeroPoint, zeroPointErr } = solution;
    if (c >= 0) {
      const own = zeroPoints(
        input,
        m,
        solution.comps.filter((_, i) => i !== c),
        minComps,
      );
      zeroPoint = own.zp;
      zeroPointErr = own.zpErr;
    }
    visit(s, differentialCurve(input.frames, starColumns(input, m, s), zeroPoint, zeroPointErr, options));
  }
  return solution;
}

/**
 * Differential light curve of star `target` against an automatically chosen (or given) ensemble.
 *
 * @throws InputError on inconsistent matrix sizes, a bad target index, or fewer usable comparisons than `minComps`
 */
export function ensemblePhotometry(
  input: EnsembleInput,
  target: number,
  options: EnsembleOptions = {},
): EnsembleResult {
  if (target < 0) throw new InputError('ENSEMBLE_TARGET', `target must be a star index ≥ 0, got ${target}`);
  checkInput(input, target, options);
  const m = magnitudes(input, options);
  const solution = solve(input, m, target, options);
  const curve = differentialCurve(
    input.frames,
    starColumns(input, m, target),
    solution.zeroPoint,
    solution.zeroPointErr,
    options,
  );
  return { ...solution, ...curve };
}
