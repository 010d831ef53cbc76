/**
 * Per-frame quality metrics used to reject bad frames before stacking and to weight the rest:
 * median FWHM and eccentricity of the detected stars, sky background and noise, star count.
 */
import { robustStats } from '../calibrate/index.js';
import { detectSources, type DetectOptions, type SourceCatalog } from '../detect/index.js';
import type { Image } from '../image/index.js';

export interface FrameQuality {
  /** Median FWHM of unflagged stars, px (NaN without stars). */
  fwhmPx: number;
  /** Median eccentricity sqrt(1 − b²/a²) of the same stars (NaN without stars). */
  eccentricity: number;
  /** Median of the finite pixels, ADU. */
  backgroundAdu: number;
  /** Pixel noise from the MAD of horizontal neighbour differences (1.4826·MAD/√2), robust to stars and gradients, ADU. */
  noiseAdu: number;
  /** Stars detected (unflagged, FWHM ≥ 1 px). */
  starCount: number;
}

export interface QualityThresholds {
  /** Reject frames whose median FWHM exceeds this, px. */
  maxFwhmPx?: number;
  /** Reject frames whose median eccentricity exceeds this. */
  maxEccentricity?: number;
  /** Reject frames with fewer stars. */
  minStars?: number;
  /** Reject frames whose noise exceeds this many times the median noise of the set. */
  maxNoiseRatio?: number;
  /** Reject frames whose FWHM exceeds this many times the median FWHM of the set. */
  maxFwhmRatio?: number;
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/**
 * Positions (px) and Kron (AUTO) fluxes (ADU, background subtracted) of a frame's brightest clean stars:
 * Kron apertures grow with the seeing, so flux ratios between frames do not depend on it.
 */
export interface StarList {
  x: Float64Array;
  y: Float64Array;
  flux: Float64Array;
}

/** Most stars kept per frame for the photometric scale: the brightest, where flux errors are smallest. */
const MAX_SCALE_STARS = 300;

/** Metrics from an image and, when given, its catalog (detected here otherwise: threshSigma 5). */
export function frameQuality(image: Image, catalog?: SourceCatalog, detect?: DetectOptions): FrameQuality {
  return measureFrame(image, catalog, detect).quality;
}

/** `frameQuality` plus the brightest unflagged stars, for matching frames photometrically. */
export function measureFrame(
  image: Image,
  catalog?: SourceCatalog,
  detect?: DetectOptions,
): { quality: FrameQuality; stars: StarList } {
  const cat = catalog ?? detectSources(image, { threshSigma: 5, minAreaPx: 5, ...detect });
  const clean: number[] = [];
  for (let i = 0; i < cat.count; i++) if (cat.flags[i] === 0 && cat.fluxAuto[i] > 0) clean.push(i);
  clean.sort((a, b) => cat.fluxAuto[b] - cat.fluxAuto[a]);
  const bright = clean.slice(0, MAX_SCALE_STARS);
  const stars: StarList = {
    x: Float64Array.from(bright, (i) => cat.x[i]),
    y: Float64Array.from(bright, (i) => cat.y[i]),
    flux: Float64Array.from(bright, (i) => cat.fluxAuto[i]),
  };
  return { quality: qualityOf(image, cat), stars };
}

function qualityOf(image: Image, cat: SourceCatalog): FrameQuality {
  const fwhm: number[] = [];
  const ecc: number[] = [];
  for (let i = 0; i < cat.count; i++) {
    if (cat.flags[i] !== 0 || !(cat.fwhm[i] >= 1) || !(cat.a[i] > 0)) continue;
    fwhm.push(cat.fwhm[i]);
    const r = cat.b[i] / cat.a[i];
    ecc.push(Math.sqrt(Math.max(0, 1 - r * r)));
  }
  const { median: backgroundAdu } = robustStats(image.data);
  return {
    fwhmPx: median(fwhm),
    eccentricity: median(ecc),
    backgroundAdu,
    noiseAdu: differenceNoise(image),
    starCount: fwhm.length,
  };
}

/**
 * Reasons to reject each frame (null = keep), judged against absolute thresholds and against the set's
 * medians.
 */
export function qualityVerdicts(list: readonly FrameQuality[], t: QualityThresholds): Array<string | null> {
  const medNoise = median(list.map((q) => q.noiseAdu));
  const medFwhm = median(list.map((q) => q.fwhmPx));
  return list.map((q) => {
    if (t.minStars !== undefined && q.starCount < t.minStars)
      return `only ${q.starCount} stars (minimum ${t.minStars})`;
    if (t.maxFwhmPx !== undefined && q.fwhmPx > t.maxFwhmPx) return `FWHM ${q.fwhmPx.toFixed(2)} px > ${t.maxFwhmPx}`;
    if (t.maxEccentricity !== undefined && q.eccentricity > t.maxEccentricity) {
      return `eccentricity ${q.eccentricity.toFixed(2)} > ${t.maxEccentricity}`;
    }
    if (t.maxNoiseRatio !== undefined && q.noiseAdu > t.maxNoiseRatio * medNoise) {
      return `noise ${q.noiseAdu.toFixed(2)} ADU > ${t.maxNoiseRatio}× the median ${medNoise.toFixed(2)}`;
    }
    if (t.maxFwhmRatio !== undefined && q.fwhmPx > t.maxFwhmRatio * medFwhm) {
      return `FWHM ${q.fwhmPx.toFixed(2)} px > ${t.maxFwhmRatio}× the median ${medFwhm.toFixed(2)}`;
    }
    return null;
  });
}

/** σ from the MAD of differences of horizontally adjacent pixels (independent noise: σ_diff = √2·σ). */
function differenceNoise(image: Image): number {
  const { width, height, data } = image;
  const diffs = new Float32Array(Math.max(0, (width - 1) * height));
  let m = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const d = data[y * width + x + 1] - data[y * width + x];
      if (d === d) diffs[m++] = d;
    }
  }
  const d = diffs.subarray(0, m);
  let { median: center, sigma } = robustStats(d);
  // Clip star and edge pixels (3σ), recomputing the standard deviation of what remains.
  for (let it = 0; it < 5 && sigma > 0; it++) {
    let s1 = 0;
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < m; i++) {
      const v = d[i] - center;
      if (Math.abs(v) > 3 * sigma) continue;
      s1 += v;
      s2 += v * v;
      n++;
    }
    if (n < 2) break;
    const mean = s1 / n;
    // A 3σ clip keeps 97.3 % of a Gaussian and shrinks its std by 0.9866; undo that.
    sigma = Math.sqrt(s2 / n - mean * mean) / 0.9866;
    center += mean;
  }
  return sigma / Math.SQRT2;
}
