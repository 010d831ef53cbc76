import { estimateBackground } from '../background/index.js';
import type { SourceCatalog } from '../catalog/catalog.js';
import { SourceFlag } from '../catalog/flags.js';
import { detectSources } from '../detect/index.js';
import { InputError, requirePositive } from '../errors.js';
import { createImage, type Image } from '../image/image.js';
import { circularApertureSum } from '../photometry/aperture.js';
import { madStd, median } from '../stats/basic.js';
import { gaussianBlur } from './gaussian-blur.js';

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

export interface DifferenceOptions {
  /** Detection threshold on the difference image, in units of its RMS [5]. */
  threshSigma?: number;
  /** Minimum connected pixels of a candidate [5]. */
  minAreaPx?: number;
  /** Seeing FWHM of the science and reference frames, px [measured from their stars]. */
  scienceFwhmPx?: number;
  referenceFwhmPx?: number;
  /** Photometric scale science/reference [fitted on stars common to both]. */
  fluxScale?: number;
  /** Background mesh size, px [64]. */
  backSizePx?: number;
  /** Gain, e⁻/ADU, for the Poisson term of candidate flux errors [none: background noise only]. */
  gainEPerAdu?: number;
}

/** A change between the reference and the science frame, in science-frame pixel coordinates. */
export interface TransientCandidate {
  x: number;
  y: number;
  /** +1: brighter in the science frame (new or brightening source); −1: fainter (fading or vanished). */
  sign: 1 | -1;
  /** Aperture flux on the difference image (science units, ADU), radius `apertureRadiusPx`; signed. */
  flux: number;
  fluxErr: number;
  /** |flux| / fluxErr. */
  snr: number;
  fwhm: number;
  /** Aperture flux of whatever was at the position in the (scaled, matched) reference, ADU. */
  referenceFlux: number;
  /** A detection of the opposite sign within 2 FWHM: typical of misalignment, a bogus-looking dipole. */
  dipole: boolean;
  /** `SourceFlag` bits of the detection on the difference image. */
  flags: number;
}

export interface DifferenceResult {
  /** Science − scale × reference after background subtraction and seeing matching, ADU. */
  difference: Image;
  /** Robust RMS of the difference image per pixel, ADU. */
  differenceRms: number;
  /** Robust scatter of aperture sums placed on empty sky of the difference image, ADU: the flux error
   * floor of a candidate, including the pixel-to-pixel correlation that seeing matching introduces. */
  apertureNoise: number;
  fluxScale: number;
  /** Which frame was blurred to match the other, and by which Gaussian σ (px). */
  blurred: 'science' | 'reference' | 'none';
  blurSigmaPx: number;
  scienceFwhmPx: number;
  referenceFwhmPx: number;
  /** Stars common to both frames used for the flux scale. */
  matchedStars: number;
  apertureRadiusPx: number;
  candidates: TransientCandidate[];
}

/**
 * Image differencing for transients: subtracts each frame's background, blurs the sharper frame with
 * the Gaussian that brings it to the other's seeing (σ² = σ_broad² − σ_sharp², the Gaussian-PSF case of
 * Alard & Lupton 1998), scales the reference by the median flux ratio of stars found in both, subtracts,
 * and detects positive and negative residuals above `threshSigma`. Both frames must already be on the
 * same pixel grid (register and resample the reference first). An empty list means nothing changed.
 */
export function differenceImages(science: Image, reference: Image, options: DifferenceOptions = {}): DifferenceResult {
  if (science.width !== reference.width || science.height !== reference.height) {
    throw new InputError(
      'SIZE_MISMATCH',
      `reference is ${reference.width}×${reference.height} but the science frame is ${science.width}×${science.height}; register and resample it first`,
    );
  }
  const threshSigma = requirePositive('threshSigma', options.threshSigma ?? 5);
  const backSizePx = options.backSizePx ?? 64;
  const sci = subtractBackground(science, backSizePx);
  const ref = subtractBackground(reference, backSizePx);
  const sciStars = brightStars(sci);
  const refStars = brightStars(ref);
  const scienceFwhmPx = options.scienceFwhmPx ?? medianFwhm(sciStars);
  const referenceFwhmPx = options.referenceFwhmPx ?? medianFwhm(refStars);
  if (!(scienceFwhmPx > 0) || !(referenceFwhmPx > 0)) {
    throw new InputError(
      'NO_STARS',
      'cannot measure the seeing: no unflagged stars in one of the frames (give the FWHM of both)',
    );
  }
  const sigmaSci = scienceFwhmPx / FWHM_PER_SIGMA;
  const sigmaRef = referenceFwhmPx / FWHM_PER_SIGMA;
  const blurSigmaPx = Math.sqrt(Math.abs(sigmaSci * sigmaSci - sigmaRef * sigmaRef));
  const blurred: DifferenceResult['blurred'] =
    blurSigmaPx < 0.05 ? 'none' : sigmaSci > sigmaRef ? 'reference' : 'science';
  const sciMatched = blurred === 'science' ? gaussianBlur(sci, blurSigmaPx) : sci;
  const refMatched = blurred === 'reference' ? gaussianBlur(ref, blurSigmaPx) : ref;
  const broadFwhm = Math.max(scienceFwhmPx, referenceFwhmPx);
  const apertureRadiusPx = 1.5 * broadFwhm;

  const { scale, matched } =
    options.fluxScale !== undefined
      ? { scale: requirePositive('fluxScale', options.fluxScale), matched: 0 }
      : fitFluxScale(sciMatched, refMatched, sciStars, refStars, 3 * broadFwhm);

  const difference = createImage(science.width, science.height);
  for (let i = 0; i < difference.data.length; i++) difference.data[i] = sciMatched.data[i] - scale * refMatched.data[i];
  const differenceRms = estimateBackground(difference, { meshSizePx: backSizePx }).globalRms;

  const apertureNoise = emptyApertureNoise(difference, apertureRadiusPx);
  const detectOptions = { threshSigma, minAreaPx: options.minAreaPx ?? 5, filterFwhmPx: broadFwhm, backSizePx };
  const negated = createImage(difference.width, difference.height);
  for (let i = 0; i < negated.data.length; i++) negated.data[i] = -difference.data[i];
  const positive = detectSources(difference, detectOptions);
  const negative = detectSources(negated, detectOptions);
  const candidates: TransientCandidate[] = [];
  const collect = (cat: SourceCatalog, other: SourceCatalog, sign: 1 | -1, signed: Image): void => {
    for (let i = 0; i < cat.count; i++) {
      const x = cat.x[i];
      const y = cat.y[i];
      const diffSum = circularApertureSum(signed, x, y, apertureRadiusPx);
      const refSum = circularApertureSum(refMatched, x, y, apertureRadiusPx);
      const poisson = options.gainEPerAdu ? Math.max(diffSum.sum, 0) / options.gainEPerAdu : 0;
      const floor = Number.isFinite(apertureNoise) ? apertureNoise : differenceRms * Math.sqrt(diffSum.area);
      const fluxErr = Math.sqrt(floor * floor + poisson);
      let dipole = false;
      for (let j = 0; j < other.count && !dipole; j++)
        dipole = Math.hypot(other.x[j] - x, other.y[j] - y) < 2 * broadFwhm;
      candidates.push({
        x,
        y,
        sign,
        flux: sign * diffSum.sum,
        fluxErr,
        snr: Math.abs(diffSum.sum) / fluxErr,
        fwhm: cat.fwhm[i],
        referenceFlux: scale * refSum.sum,
        dipole,
        flags: cat.flags[i],
      });
    }
  };
  collect(positive, negative, 1, difference);
  collect(negative, positive, -1, negated);
  candidates.sort((a, b) => b.snr - a.snr);
  return {
    difference,
    differenceRms,
    apertureNoise,
    fluxScale: scale,
    blurred,
    blurSigmaPx: blurred === 'none' ? 0 : blurSigmaPx,
    scienceFwhmPx,
    referenceFwhmPx,
    matchedStars: matched,
    apertureRadiusPx,
    candidates,
  };
}

/**
 * Noise of an aperture sum on the difference image, measured the empirical way (sums in apertures on a
 * regular grid, robust standard deviation via the MAD), so correlated noise from the blur is included and
 * the few apertures that land on real residuals do not inflate it.
 */
function emptyApertureNoise(image: Image, radiusPx: number): number {
  const step = Math.max(2, Math.ceil(4 * radiusPx));
  const start = Math.ceil(2 * radiusPx);
  const sums: number[] = [];
  for (let y = start; y < image.height - start; y += step) {
    for (let x = start; x < image.width - start; x += step) {
      const s = circularApertureSum(image, x, y, radiusPx);
      if (!s.incomplete) sums.push(s.sum);
    }
  }
  return sums.length >= 10 ? madStd(sums) : Number.NaN;
}

function subtractBackground(image: Image, meshSizePx: number): Image {
  const { background } = estimateBackground(image, { meshSizePx });
  const out = createImage(image.width, image.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = image.data[i] - background.data[i];
  return out;
}

/** Isolated, unsaturated, well-measured stars at SNR ≥ 20, for seeing and flux-scale estimates. */
function brightStars(image: Image): SourceCatalog {
  return detectSources(image, { threshSigma: 5, minAreaPx: 5, deblendNthresh: 16 });
}

const UNCLEAN =
  SourceFlag.BLENDED | SourceFlag.SATURATED | SourceFlag.TRUNCATED | SourceFlag.MEASURE_FAILED | SourceFlag.NEAR_MASKED;

function medianFwhm(cat: SourceCatalog): number {
  const values: number[] = [];
  for (let i = 0; i < cat.count; i++)
    if ((cat.flags[i] & UNCLEAN) === 0 && cat.snr[i] >= 20 && cat.fwhm[i] > 0) values.push(cat.fwhm[i]);
  return values.length >= 3 ? median(values) : Number.NaN;
}

/** Median science/reference flux ratio of stars found in both within 1 px, measured on the matched images. */
function fitFluxScale(
  sci: Image,
  ref: Image,
  sciStars: SourceCatalog,
  refStars: SourceCatalog,
  radiusPx: number,
): { scale: number; matched: number } {
  const ratios: number[] = [];
  for (let i = 0; i < sciStars.count; i++) {
    if ((sciStars.flags[i] & UNCLEAN) !== 0 || sciStars.snr[i] < 20) continue;
    let best = -1;
    let bestD = 1;
    for (let j = 0; j < refStars.count; j++) {
      const d = Math.hypot(refStars.x[j] - sciStars.x[i], refStars.y[j] - sciStars.y[i]);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (best < 0 || (refStars.flags[best] & UNCLEAN) !== 0) continue;
    const s = circularApertureSum(sci, sciStars.x[i], sciStars.y[i], radiusPx);
    const r = circularApertureSum(ref, sciStars.x[i], sciStars.y[i], radiusPx);
    if (!s.incomplete && !r.incomplete && r.sum > 0 && s.sum > 0) ratios.push(s.sum / r.sum);
  }
  if (ratios.length < 3) {
    throw new InputError(
      'NO_COMMON_STARS',
      `only ${ratios.length} stars common to both frames; give --flux-scale or check the registration`,
    );
  }
  return { scale: median(ratios), matched: ratios.length };
}
