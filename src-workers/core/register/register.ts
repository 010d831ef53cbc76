/**
 * Registering a frame onto a reference: stars are detected (detection core), matched by asterisms and
 * fitted; a frame with too few stars falls back to FFT phase correlation (translation only); a frame
 * that still cannot be registered yields a reason, never an exception. Deterministic: no randomness.
 */
import { detectSources, type DetectOptions } from '../detect/index.js';
import type { Image } from '../image/index.js';
import { matchStars, type MatchOptions, type StarList } from './asterism.js';
import { findStarsFast } from './fast-stars.js';
import { phaseCorrelate } from './phase-correlation.js';
import type { Affine } from './transform.js';

export interface RegisterOptions extends MatchOptions {
  /** Star finder: the fast peak finder of this folder, or full source extraction [fast]. */
  finder?: 'fast' | 'detect';
  /** Source-extraction settings for `finder: 'detect'` [threshSigma 5, minAreaPx 5]. */
  detect?: DetectOptions;
  /** Try phase correlation when stars fail [true]. */
  phaseCorrelation?: boolean;
  /** Minimum phase-correlation peak over surface RMS to trust a shift [10]. */
  minPhaseSignificance?: number;
  /** Most stars kept per frame for matching and refinement (brightest) [800]. */
  maxRefineStars?: number;
}

/** Outcome of registering one frame. */
export type Registration =
  | { ok: true; transform: Affine; method: 'stars' | 'phase'; matched: number; rmsPx: number; stars: number }
  | { ok: false; reason: string; stars: number };

/** Detects stars for registration, brightest first (fast finder unless `finder: 'detect'`). */
export function findStars(image: Image, options: RegisterOptions = {}): StarList {
  if ((options.finder ?? 'fast') === 'fast') return findStarsFast(image, { maxStars: options.maxRefineStars ?? 800 });
  const cat = detectSources(image, { threshSigma: 5, minAreaPx: 5, ...options.detect });
  const idx: number[] = [];
  for (let i = 0; i < cat.count; i++) {
    // Hot pixels and cosmic-ray hits are sharper than any star: drop FWHM < 1 px.
    if (Number.isFinite(cat.x[i]) && Number.isFinite(cat.y[i]) && cat.flux[i] > 0 && !(cat.fwhm[i] < 1)) idx.push(i);
  }
  idx.sort((p, q) => cat.flux[q] - cat.flux[p] || p - q);
  const keep = idx.slice(0, options.maxRefineStars ?? 800);
  return {
    count: keep.length,
    x: Float64Array.from(keep, (i) => cat.x[i]),
    y: Float64Array.from(keep, (i) => cat.y[i]),
    flux: Float64Array.from(keep, (i) => cat.flux[i]),
  };
}

/**
 * Registers `frame` (with its `frameStars`) onto the reference. The transform maps reference pixels to
 * frame pixels.
 */
export function registerFrame(
  ref: { image: Image; stars: StarList },
  frame: { image: Image; stars: StarList },
  options: RegisterOptions = {},
): Registration {
  const stars = frame.stars.count;
  if (frame.image.width !== ref.image.width || frame.image.height !== ref.image.height) {
    return {
      ok: false,
      stars,
      reason: `size ${frame.image.width}×${frame.image.height} differs from the reference (${ref.image.width}×${ref.image.height})`,
    };
  }
  let why: string;
  if (ref.stars.count >= 3 && stars >= 3) {
    const m = matchStars(ref.stars, frame.stars, options);
    if (m) return { ok: true, transform: m.transform, method: 'stars', matched: m.matched, rmsPx: m.rmsPx, stars };
    why = `no asterism match among ${stars} stars (reference: ${ref.stars.count})`;
  } else {
    why = `too few stars (${stars} found, reference ${ref.stars.count})`;
  }
  if (options.phaseCorrelation === false) return { ok: false, stars, reason: why };
  const pc = phaseCorrelate(ref.image, frame.image);
  const minSig = options.minPhaseSignificance ?? 10;
  if (!(pc.significance >= minSig)) {
    return {
      ok: false,
      stars,
      reason: `${why}; phase correlation found no clear peak (significance ${pc.significance.toFixed(1)} < ${minSig})`,
    };
  }
  return {
    ok: true,
    transform: { a: 1, b: 0, tx: pc.dx, c: 0, d: 1, ty: pc.dy },
    method: 'phase',
    matched: 0,
    rmsPx: Number.NaN,
    stars,
  };
}
