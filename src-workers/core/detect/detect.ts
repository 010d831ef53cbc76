import {
  buildBackgroundModel,
  createBackgroundEvaluator,
  type BackgroundModel,
} from '../background/background-model.js';
import { medianFinite } from '../background/mesh-stats.js';
import { selectRows, type SourceCatalog } from '../catalog/catalog.js';
import { cleanCatalog } from './clean.js';
import { SourceFlag } from '../catalog/flags.js';
import { InputError, requireInRange, requirePositive, type CancelToken } from '../errors.js';
import type { Image } from '../image/image.js';
import { measureApertures } from './aperture-phot.js';
import { detectRegion, type RegionOptions } from './detect-region.js';
import { validateFilterKernel, type FilterKernel } from './kernel.js';
import { noiseForDetection, type ThreshRms } from './threshold-noise.js';

/** Options of `detectSources`; defaults in brackets follow SExtractor's. */
export interface DetectOptions {
  /** Detection threshold in units of the background RMS [1.5]. */
  threshSigma?: number;
  /** The RMS of the threshold and of the background errors: one global value, or the mesh map ['global']. */
  threshRms?: ThreshRms;
  /** Minimum number of connected pixels above threshold [5]. */
  minAreaPx?: number;
  /** FWHM of the Gaussian matched filter, px [3]. */
  filterFwhmPx?: number;
  /** A user matched-filter kernel (e.g. from a SExtractor `.conv` file via `parseConvKernel`) [Gaussian]. */
  filterKernel?: FilterKernel;
  /** Deblending levels [32]. */
  deblendNthresh?: number;
  /** Minimum flux fraction of a deblended branch [0.005]. */
  deblendCont?: number;
  /** Background mesh size, px [64]. */
  backSizePx?: number;
  /** Background median filter size, meshes [3]. */
  backFilter?: number;
  /** Saturation level, ADU [none]. */
  saturationLevel?: number;
  /** Detector gain for Poisson errors, e⁻/ADU [none: background noise only]. */
  gainEPerAdu?: number;
  /** Non-zero = bad pixel; same length as the image data. */
  mask?: Uint8Array;
  /** Radius of the circular aperture for `flux`, px [2 × median FWHM]. */
  apertureRadiusPx?: number;
  /** Local background annulus for `flux` [inner, outer] px [the background map at the centroid]. */
  annulusPx?: [number, number];
  /** Remove spurious detections in the wings of brighter objects (SExtractor CLEAN) [true]. */
  clean?: boolean;
  /** Moffat index of the CLEAN wing model [1]. */
  cleanParam?: number;
  /** A precomputed background model (e.g. shared by tiles) [estimated from the image]. */
  background?: BackgroundModel;
  cancel?: CancelToken;
}

/** Validates `options` and fills defaults; throws `InputError` naming the bad parameter. */
export function resolveDetectOptions(
  options: DetectOptions,
): RegionOptions & { backSizePx: number; backFilter: number; threshRms: ThreshRms } {
  const threshSigma = requirePositive('threshSigma', options.threshSigma ?? 1.5);
  const threshRms = options.threshRms ?? 'global';
  if (threshRms !== 'global' && threshRms !== 'map') {
    throw new InputError('BAD_PARAMETER', `'threshRms' must be 'global' or 'map', not ${JSON.stringify(threshRms)}`);
  }
  const minAreaPx = Math.round(requireInRange('minAreaPx', options.minAreaPx ?? 5, 1, 1e9));
  const filterFwhmPx = requirePositive('filterFwhmPx', options.filterFwhmPx ?? 3);
  const deblendNthresh = Math.round(requireInRange('deblendNthresh', options.deblendNthresh ?? 32, 1, 256));
  const deblendCont = requireInRange('deblendCont', options.deblendCont ?? 0.005, 0, 1);
  const backSizePx = Math.round(requireInRange('backSizePx', options.backSizePx ?? 64, 1, 1e6));
  const backFilter = Math.round(requireInRange('backFilter', options.backFilter ?? 3, 1, 99));
  if (options.saturationLevel !== undefined && Number.isNaN(options.saturationLevel)) {
    requirePositive('saturationLevel', options.saturationLevel);
  }
  if (options.gainEPerAdu !== undefined) requirePositive('gainEPerAdu', options.gainEPerAdu);
  if (options.cleanParam !== undefined) requirePositive('cleanParam', options.cleanParam);
  if (options.apertureRadiusPx !== undefined) requirePositive('apertureRadiusPx', options.apertureRadiusPx);
  if (options.annulusPx !== undefined) {
    requirePositive('annulusPx[0]', options.annulusPx[0]);
    requirePositive('annulusPx[1] − annulusPx[0]', options.annulusPx[1] - options.annulusPx[0]);
  }
  return {
    threshSigma,
    threshRms,
    minAreaPx,
    filterFwhmPx,
    filterKernel: options.filterKernel ? validateFilterKernel(options.filterKernel) : undefined,
    deblendNthresh,
    deblendCont,
    backSizePx,
    backFilter,
    saturationLevel: options.saturationLevel,
    gainEPerAdu: options.gainEPerAdu,
    mask: options.mask,
    cancel: options.cancel,
  };
}

/**
 * Detects and measures sources (SExtractor/SEP class): background mesh model, Gaussian matched filter,
 * threshold in RMS units (global or per-pixel, `threshRms`), 8-connected labelling with minimum area, multi-threshold deblending,
 * then per-object measurements and a circular aperture flux. Returns a columnar catalog in 0-based
 * pixel-centre coordinates, ordered by the raster position of each blend's first pixel. An image with
 * nothing above threshold (or no valid pixel) gives an empty catalog.
 */
export function detectSources(image: Image, options: DetectOptions = {}): SourceCatalog {
  const resolved = resolveDetectOptions(options);
  if (options.mask !== undefined && options.mask.length !== image.data.length) {
    requireInRange('mask.length', options.mask.length, image.data.length, image.data.length);
  }
  const model = noiseForDetection(
    options.background ??
      buildBackgroundModel(image, {
        meshSizePx: resolved.backSizePx,
        filterSize: resolved.backFilter,
        mask: options.mask,
        saturationLevel: options.saturationLevel,
      }),
    resolved.threshRms,
  );
  const region = detectRegion(
    image,
    { x0: 0, y0: 0, fullWidth: image.width, fullHeight: image.height },
    model,
    resolved,
    { x0: 0, y0: 0, x1: image.width - 1, y1: image.height - 1 },
  );
  const cat =
    options.clean === false
      ? region.catalog
      : selectRows(region.catalog, cleanCatalog(region.catalog, region.cleanInfo, options.cleanParam ?? 1));
  return addApertureFluxes(
    image,
    model,
    cat,
    options.apertureRadiusPx,
    options.gainEPerAdu,
    options.mask,
    options.annulusPx,
  );
}

/** Default aperture radius: 2 × the median FWHM of unflagged objects (3 px when there are none). */
export function defaultApertureRadius(cat: SourceCatalog): number {
  const clean: number[] = [];
  const bad = SourceFlag.SATURATED | SourceFlag.BLENDED | SourceFlag.MEASURE_FAILED | SourceFlag.TRUNCATED;
  for (let i = 0; i < cat.count; i++) if ((cat.flags[i] & bad) === 0 && cat.fwhm[i] > 0) clean.push(cat.fwhm[i]);
  const med = medianFinite(clean.length > 0 ? clean : Array.from(cat.fwhm));
  return Number.isFinite(med) && med > 0 ? 2 * med : 3;
}

/**
 * Fills `flux`/`fluxErr` with exact circular aperture sums at the catalog positions (radius: given or
 * `defaultApertureRadius`; background: annulus median when given, else the `background` column) and sets
 * APERTURE_INCOMPLETE where needed. Mutates and returns `cat` (which the caller owns).
 */
export function addApertureFluxes(
  image: Image,
  model: BackgroundModel,
  cat: SourceCatalog,
  radiusPx: number | undefined,
  gainEPerAdu?: number,
  mask?: Uint8Array,
  annulusPx?: [number, number],
): SourceCatalog {
  const radius = radiusPx ?? defaultApertureRadius(cat);
  measureApertures(
    image,
    0,
    0,
    createBackgroundEvaluator(model),
    cat,
    { radiusPx: radius, annulusPx, gainEPerAdu },
    mask,
  );
  return cat;
}
