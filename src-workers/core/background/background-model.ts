import type { Image } from '../image/image.js';
import { createHistogramScratch, histogramMode, medianFinite } from './mesh-stats.js';
import { fillWeights, prepareKnots, sampleWeights, solveSecondDerivatives, type SampleWeights } from './spline.js';

/**
 * The low-resolution background model of SExtractor/SEP: one level and one noise value per mesh, median
 * filtered, interpolated to full resolution by a bicubic (natural) spline on demand. It is plain data
 * (typed arrays and numbers), so it can be sent to workers and evaluated there for any tile.
 */
export interface BackgroundModel {
  readonly width: number;
  readonly height: number;
  readonly meshSizePx: number;
  /** Meshes along x and y. */
  readonly nx: number;
  readonly ny: number;
  /** Mesh background levels, row-major (ny × nx), after filtering. */
  readonly level: Float32Array;
  /** Mesh noise (1σ), same layout. */
  readonly sigma: Float32Array;
  /** Median of the mesh levels and of the mesh noise values. */
  readonly globalBackground: number;
  readonly globalRms: number;
}

/** Options of `buildBackgroundModel`. */
export interface BackgroundModelOptions {
  /** Mesh size in pixels [64]. */
  meshSizePx?: number;
  /** Median filter size in meshes (odd) [3]. */
  filterSize?: number;
  /** Pixels to ignore (non-zero = masked), same shape as the image. */
  mask?: Uint8Array;
  /** Pixels at or above this level are ignored (saturated) [none]. */
  saturationLevel?: number;
}

/**
 * Estimates the per-mesh background and noise (SExtractor manual, "Background"): sigma-clipped mode per mesh,
 * meshes with less than half their pixels valid are filled from their valid neighbours, then a median filter
 * of `filterSize` meshes. NaN pixels, masked pixels and saturated pixels are ignored.
 */
export function buildBackgroundModel(image: Image, options: BackgroundModelOptions = {}): BackgroundModel {
  const grid = meshGrid(image.width, image.height, options);
  const raw = meshEstimates(image, options, 0, grid.ny);
  return modelFromMeshes(image.width, image.height, options, raw.level, raw.sigma);
}

/** Mesh size and the number of meshes along x and y of a `width × height` frame. */
export function meshGrid(
  width: number,
  height: number,
  options: BackgroundModelOptions = {},
): { mesh: number; nx: number; ny: number } {
  const mesh = Math.max(1, Math.floor(options.meshSizePx ?? 64));
  return { mesh, nx: Math.max(1, Math.ceil(width / mesh)), ny: Math.max(1, Math.ceil(height / mesh)) };
}

/**
 * The raw (unfilled, unfiltered) level and noise of mesh rows [j0, j1) of the full frame `image`, row-major
 * (j1 − j0) × nx; NaN for meshes with fewer than half their pixels valid. Each mesh depends on its own pixels
 * only, so rows may be estimated in separate threads and concatenated (`buildBackgroundModel` does all).
 */
export function meshEstimates(
  image: Image,
  options: BackgroundModelOptions,
  j0: number,
  j1: number,
): { level: Float32Array; sigma: Float32Array } {
  const { width, height, data } = image;
  const { mesh, nx } = meshGrid(width, height, options);
  const mask = options.mask;
  const satur = options.saturationLevel ?? Number.POSITIVE_INFINITY;
  const level = new Float32Array(nx * (j1 - j0));
  const sigma = new Float32Array(nx * (j1 - j0));
  const scratch = new Float32Array(mesh * mesh);
  const hist = createHistogramScratch();
  for (let j = j0; j < j1; j++) {
    const y0 = j * mesh;
    const y1 = Math.min(height, y0 + mesh);
    const o = (j - j0) * nx;
    for (let i = 0; i < nx; i++) {
      const x0 = i * mesh;
      const x1 = Math.min(width, x0 + mesh);
      let n = 0;
      for (let y = y0; y < y1; y++) {
        const row = y * width;
        for (let x = x0; x < x1; x++) {
          const v = data[row + x];
          if (v === v && v < satur && (mask === undefined || mask[row + x] === 0)) scratch[n++] = v;
        }
      }
      const area = (y1 - y0) * (x1 - x0);
      if (n < Math.max(3, area / 2)) {
        level[o + i] = Number.NaN;
        sigma[o + i] = Number.NaN;
        continue;
      }
      const est = histogramMode(scratch, n, hist);
      level[o + i] = est.level;
      sigma[o + i] = est.sigma;
    }
  }
  return { level, sigma };
}

/**
 * The model from the raw estimates of every mesh (`meshEstimates`, ny × nx, modified in place): bad meshes
 * filled from their neighbours, then the median filter and the global medians.
 */
export function modelFromMeshes(
  width: number,
  height: number,
  options: BackgroundModelOptions,
  level: Float32Array,
  sigma: Float32Array,
): BackgroundModel {
  const { mesh, nx, ny } = meshGrid(width, height, options);
  const filterSize = Math.max(1, Math.floor(options.filterSize ?? 3));
  fillBadMeshes(level, sigma, nx, ny);
  const fLevel = medianFilterGrid(level, nx, ny, filterSize);
  const fSigma = medianFilterGrid(sigma, nx, ny, filterSize);
  return {
    width,
    height,
    meshSizePx: mesh,
    nx,
    ny,
    level: fLevel,
    sigma: fSigma,
    globalBackground: finiteOr(medianFinite(fLevel), 0),
    globalRms: finiteOr(medianFinite(fSigma), 0),
  };
}

function finiteOr(v: number, fallback: number): number {
  return Number.isFinite(v) ? v : fallback;
}

/** Replaces NaN meshes by the mean of their valid 8-neighbours, growing outwards; all-bad grids become 0. */
function fillBadMeshes(level: Float32Array, sigma: Float32Array, nx: number, ny: number): void {
  let remaining = 0;
  for (let k = 0; k < level.length; k++) if (!Number.isFinite(level[k])) remaining++;
  if (remaining === level.length) {
    level.fill(0);
    sigma.fill(0);
    return;
  }
  while (remaining > 0) {
    const nextLevel = new Float32Array(level);
    const nextSigma = new Float32Array(sigma);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (Number.isFinite(level[k])) continue;
        let sl = 0;
        let ss = 0;
        let c = 0;
        for (let dj = -1; dj <= 1; dj++) {
          for (let di = -1; di <= 1; di++) {
            const jj = j + dj;
            const ii = i + di;
            if (jj < 0 || jj >= ny || ii < 0 || ii >= nx) continue;
            const kk = jj * nx + ii;
            if (!Number.isFinite(level[kk])) continue;
            sl += level[kk];
            ss += sigma[kk];
            c++;
          }
        }
        if (c > 0) {
          nextLevel[k] = sl / c;
          nextSigma[k] = ss / c;
          remaining--;
        }
      }
    }
    level.set(nextLevel);
    sigma.set(nextSigma);
  }
}

/**
 * Median filter of a mesh grid with a `size`×`size` box. Near the borders the box shrinks symmetrically
 * (a corner mesh keeps its own value, an edge mesh is filtered along the edge only), as SExtractor's
 * `filterback` does: a one-sided box would pull the edge meshes towards the interior, where a large galaxy
 * raises the level, and hide faint sources near the frame's edges.
 */
function medianFilterGrid(grid: Float32Array, nx: number, ny: number, size: number): Float32Array {
  if (size <= 1) return new Float32Array(grid);
  const half = size >> 1;
  const out = new Float32Array(grid.length);
  const window: number[] = [];
  for (let j = 0; j < ny; j++) {
    const hy = Math.min(half, j, ny - 1 - j);
    for (let i = 0; i < nx; i++) {
      const hx = Math.min(half, i, nx - 1 - i);
      window.length = 0;
      for (let jj = j - hy; jj <= j + hy; jj++) {
        for (let ii = i - hx; ii <= i + hx; ii++) window.push(grid[jj * nx + ii]);
      }
      out[j * nx + i] = medianFinite(window);
    }
  }
  return out;
}

/** Knot positions (pixel coordinates of mesh centres) along one axis. */
function meshCentres(count: number, mesh: number, size: number): Float64Array {
  const t = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const a = i * mesh;
    const b = Math.min(size, a + mesh);
    t[i] = (a + b - 1) / 2;
  }
  return t;
}

/** Evaluates a `BackgroundModel` row by row or at single points, identically for any tile. */
export interface BackgroundEvaluator {
  /** Writes background and noise of row `y` for columns [x0, x0 + count) into `bkg`/`rms` (length ≥ count). */
  row(y: number, x0: number, count: number, bkg: Float32Array, rms: Float32Array): void;
  /** Background and noise at a (sub-)pixel position. */
  at(x: number, y: number): { background: number; rms: number };
}

/** Precomputes spline weights for the model's full extent; cheap (O(width + height + meshes)). */
export function createBackgroundEvaluator(model: BackgroundModel): BackgroundEvaluator {
  const { nx, ny, width, height, meshSizePx } = model;
  const xKnots = prepareKnots(meshCentres(nx, meshSizePx, width));
  const yKnots = prepareKnots(meshCentres(ny, meshSizePx, height));
  // Second derivatives along y for every mesh column, for level and sigma.
  const d2yLevel = new Float64Array(nx * ny);
  const d2ySigma = new Float64Array(nx * ny);
  const tmp = new Float64Array(Math.max(nx, ny));
  const u = new Float64Array(Math.max(nx, ny));
  for (let i = 0; i < nx; i++) {
    solveSecondDerivatives(yKnots, model.level, i, nx, tmp, u);
    for (let j = 0; j < ny; j++) d2yLevel[j * nx + i] = tmp[j];
    solveSecondDerivatives(yKnots, model.sigma, i, nx, tmp, u);
    for (let j = 0; j < ny; j++) d2ySigma[j * nx + i] = tmp[j];
  }
  const xw = sampleWeights(xKnots, width);
  const colLevel = new Float64Array(nx);
  const colSigma = new Float64Array(nx);
  const d2xLevel = new Float64Array(nx);
  const d2xSigma = new Float64Array(nx);
  const ywOne = sampleWeights(yKnots, 1);
  const xwOne = sampleWeights(xKnots, 1);

  const columnsAt = (yw: SampleWeights, slot: number): void => {
    const k = yw.k[slot];
    const k1 = Math.min(ny - 1, k + 1);
    for (let i = 0; i < nx; i++) {
      const a = k * nx + i;
      const b = k1 * nx + i;
      colLevel[i] =
        yw.wa[slot] * model.level[a] +
        yw.wb[slot] * model.level[b] +
        yw.wc[slot] * d2yLevel[a] +
        yw.wd[slot] * d2yLevel[b];
      colSigma[i] =
        yw.wa[slot] * model.sigma[a] +
        yw.wb[slot] * model.sigma[b] +
        yw.wc[slot] * d2ySigma[a] +
        yw.wd[slot] * d2ySigma[b];
    }
    solveSecondDerivatives(xKnots, colLevel, 0, 1, d2xLevel, u);
    solveSecondDerivatives(xKnots, colSigma, 0, 1, d2xSigma, u);
  };
  const evalX = (w: SampleWeights, slot: number, values: Float64Array, d2: Float64Array): number => {
    const k = w.k[slot];
    const k1 = Math.min(nx - 1, k + 1);
    return w.wa[slot] * values[k] + w.wb[slot] * values[k1] + w.wc[slot] * d2[k] + w.wd[slot] * d2[k1];
  };
  return {
    row(y, x0, count, bkg, rms) {
      fillWeights(yKnots, y, ywOne, 0);
      columnsAt(ywOne, 0);
      const { k: xk, wa, wb, wc, wd } = xw;
      const last = nx - 1;
      for (let i = 0; i < count; i++) {
        const x = x0 + i;
        const k = xk[x];
        const k1 = k < last ? k + 1 : last;
        bkg[i] = wa[x] * colLevel[k] + wb[x] * colLevel[k1] + wc[x] * d2xLevel[k] + wd[x] * d2xLevel[k1];
        const r = wa[x] * colSigma[k] + wb[x] * colSigma[k1] + wc[x] * d2xSigma[k] + wd[x] * d2xSigma[k1];
        rms[i] = r > 0 ? r : 0;
      }
    },
    at(x, y) {
      fillWeights(yKnots, y, ywOne, 0);
      columnsAt(ywOne, 0);
      fillWeights(xKnots, x, xwOne, 0);
      return { background: evalX(xwOne, 0, colLevel, d2xLevel), rms: Math.max(0, evalX(xwOne, 0, colSigma, d2xSigma)) };
    },
  };
}
