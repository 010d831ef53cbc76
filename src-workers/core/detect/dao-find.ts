/**
 * DAOFIND (Stetson 1987, PASP 99, 191) as photutils' `DAOStarFinder` formulates it (photutils 1.6,
 * `photutils/detection/daofinder.py`): a zero-sum Gaussian kernel, peaks of the convolved image above
 * `threshold × relerr` that are the maximum of the kernel's footprint, centroids from 1-D marginal
 * Gaussian fits, and the sharpness and two roundness statistics that reject cosmic rays, hot pixels and
 * blends. Same definitions, units and defaults, so catalogs can be compared column by column.
 */
import type { Image } from '../image/index.js';

/** The DAOFIND kernel (photutils `_StarFinderKernel`): an elliptical Gaussian truncated at `sigmaRadius`. */
export interface DaoKernel {
  nx: number;
  ny: number;
  xc: number;
  yc: number;
  xSigma: number;
  ySigma: number;
  /** 1 inside the footprint (elliptical radius ≤ sigmaRadius²/2, or within 2 px), row-major ny × nx. */
  mask: Uint8Array;
  npixels: number;
  /** The Gaussian before masking, row-major. */
  gaussianUnmasked: Float64Array;
  /** The zero-sum, unit-response convolution kernel (zero outside the footprint). */
  data: Float64Array;
  /** 1 / sqrt(Σg² − (Σg)²/n): converts the convolved peak into the amplitude's units. */
  relerr: number;
}

/** Options of `daoFind`; defaults are DAOStarFinder's. */
export interface DaoFindOptions {
  /** Detection threshold in the image's units (background-subtracted), like photutils' `threshold`. */
  threshold: number;
  /** Gaussian FWHM along the major axis, px. */
  fwhmPx: number;
  /** Minor / major axis ratio, (0, 1] [1]. */
  ratio?: number;
  /** Major axis angle from +x, counter-clockwise, degrees [0]. */
  thetaDeg?: number;
  /** Kernel truncation in sigmas [1.5]. */
  sigmaRadius?: number;
  /** Sharpness bounds, exclusive [0.2, 1.0]. */
  sharpLo?: number;
  sharpHi?: number;
  /** Bounds for roundness1 and roundness2, exclusive [-1, 1]. */
  roundLo?: number;
  roundHi?: number;
  /** Background already in the data, subtracted from `peak` and (× npix) from `flux` [0]. */
  sky?: number;
  /** Drop peaks whose footprint leaves the image [false]. */
  excludeBorder?: boolean;
  /** Keep only this many of largest `flux`, ordered by decreasing flux [all, in row-major order]. */
  brightest?: number;
  /** Drop sources whose `peak` is at or above this [none]. */
  peakMax?: number;
}

/** DAOStarFinder's catalog, column for column (positions 0-based pixel centres). */
export interface DaoCatalog {
  count: number;
  x: Float64Array;
  y: Float64Array;
  sharpness: Float64Array;
  roundness1: Float64Array;
  roundness2: Float64Array;
  /** Pixels in the kernel box (nx × ny), as photutils 1.6 reports it. */
  npix: Int32Array;
  sky: Float64Array;
  /** Data value at the peak pixel minus `sky`. */
  peak: Float64Array;
  /** Convolved peak / (threshold × relerr) − sky × npix: DAOFIND's "flux", in units of the threshold. */
  flux: Float64Array;
  /** −2.5 log10(flux); NaN where flux ≤ 0. */
  mag: Float64Array;
}

const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.LN2));

/** Builds the DAOFIND kernel for `fwhmPx` (see `DaoFindOptions` for the other parameters). */
export function daoKernel(fwhmPx: number, ratio = 1, thetaDeg = 0, sigmaRadius = 1.5): DaoKernel {
  if (!(fwhmPx > 0) || !Number.isFinite(fwhmPx)) throw new RangeError(`'fwhmPx' must be positive, got ${fwhmPx}`);
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`'ratio' must be in (0, 1], got ${ratio}`);
  if (!(sigmaRadius > 0)) throw new RangeError(`'sigmaRadius' must be positive, got ${sigmaRadius}`);
  const xSigma = fwhmPx * FWHM_TO_SIGMA;
  const ySigma = xSigma * ratio;
  const t = (thetaDeg * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const xs2 = xSigma * xSigma;
  const ys2 = ySigma * ySigma;
  const a = (cos * cos) / (2 * xs2) + (sin * sin) / (2 * ys2);
  const b = 0.5 * cos * sin * (1 / xs2 - 1 / ys2);
  const c = (sin * sin) / (2 * xs2) + (cos * cos) / (2 * ys2);
  const f = (sigmaRadius * sigmaRadius) / 2;
  const det = a * c - b * b;
  const nx = 2 * Math.trunc(Math.max(2, Math.sqrt((c * f) / det))) + 1;
  const ny = 2 * Math.trunc(Math.max(2, Math.sqrt((a * f) / det))) + 1;
  const xc = nx >> 1;
  const yc = ny >> 1;
  const n = nx * ny;
  const mask = new Uint8Array(n);
  const gaussianUnmasked = new Float64Array(n);
  let npixels = 0;
  let sum = 0;
  let sum2 = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const dx = i - xc;
      const dy = j - yc;
      const ell = a * dx * dx + 2 * b * dx * dy + c * dy * dy;
      const k = j * nx + i;
      gaussianUnmasked[k] = Math.exp(-ell);
      if (ell <= f || Math.sqrt(dx * dx + dy * dy) <= 2) {
        mask[k] = 1;
        npixels++;
        sum += gaussianUnmasked[k];
        sum2 += gaussianUnmasked[k] ** 2;
      }
    }
  }
  const denom = sum2 - (sum * sum) / npixels;
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) if (mask[k]) data[k] = (gaussianUnmasked[k] - sum / npixels) / denom;
  return { nx, ny, xc, yc, xSigma, ySigma, mask, npixels, gaussianUnmasked, data, relerr: 1 / Math.sqrt(denom) };
}

/**
 * Finds stars with DAOFIND in a background-subtracted image (NaN pixels count as 0). Returns the
 * sources that pass the sharpness, roundness and `peakMax` cuts, in row-major order of their peaks (or
 * by decreasing flux with `brightest`). Does not modify `image`.
 */
export function daoFind(image: Image, options: DaoFindOptions): DaoCatalog {
  const { width, height } = image;
  if (!Number.isFinite(options.threshold)) throw new RangeError(`'threshold' must be finite, got ${options.threshold}`);
  const kernel = daoKernel(options.fwhmPx, options.ratio, options.thetaDeg, options.sigmaRadius);
  const data = new Float64Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = image.data[i];
    data[i] = v === v ? v : 0;
  }
  const conv = convolve(data, width, height, kernel);
  const thresholdEff = options.threshold * kernel.relerr;
  const peaks = findPeaks(conv, width, height, kernel, thresholdEff, options.excludeBorder ?? false);
  const sky = options.sky ?? 0;
  const rows: Row[] = [];
  for (const p of peaks) {
    const row = measure(data, conv, width, height, kernel, p % width, Math.floor(p / width), thresholdEff, sky);
    if (passes(row, options)) rows.push(row);
  }
  let kept = rows;
  if (options.brightest !== undefined) kept = [...rows].sort((p, q) => q.flux - p.flux).slice(0, options.brightest);
  return toCatalog(kept, kernel.nx * kernel.ny, sky);
}

interface Row {
  x: number;
  y: number;
  sharpness: number;
  roundness1: number;
  roundness2: number;
  peak: number;
  flux: number;
  ok: boolean;
}

/** The footprint's taps: offsets dx, dy, flat offset dy·width + dx, and kernel weight. */
interface Taps {
  dx: Int32Array;
  dy: Int32Array;
  flat: Int32Array;
  w: Float64Array;
}

function footprintTaps(k: DaoKernel, width: number): Taps {
  const dx: number[] = [];
  const dy: number[] = [];
  const w: number[] = [];
  for (let j = 0; j < k.ny; j++) {
    for (let i = 0; i < k.nx; i++) {
      if (!k.mask[j * k.nx + i]) continue;
      dx.push(i - k.xc);
      dy.push(j - k.yc);
      w.push(k.data[j * k.nx + i]);
    }
  }
  return {
    dx: Int32Array.from(dx),
    dy: Int32Array.from(dy),
    flat: Int32Array.from(dx, (x, t) => dy[t] * width + x),
    w: Float64Array.from(w),
  };
}

/** Convolution with zeros outside the image (scipy.ndimage.convolve, mode 'constant', cval 0). */
function convolve(data: Float64Array, width: number, height: number, k: DaoKernel): Float64Array {
  // The kernel is symmetric under a half turn, so convolution and correlation agree.
  const { dx, dy, flat, w } = footprintTaps(k, width);
  const n = w.length;
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const inside = y >= k.yc && y < height - k.yc;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let s = 0;
      if (inside && x >= k.xc && x < width - k.xc) {
        // Same taps in the same order as at the border, so the sums are bit-identical either way.
        for (let t = 0; t < n; t++) s += w[t] * data[p + flat[t]];
      } else {
        for (let t = 0; t < n; t++) {
          const xx = x + dx[t];
          const yy = y + dy[t];
          if (xx >= 0 && xx < width && yy >= 0 && yy < height) s += w[t] * data[p + flat[t]];
        }
      }
      out[p] = s;
    }
  }
  return out;
}

/** Pixels above `threshold` that are the maximum of the kernel footprint around them (outside = 0). */
function findPeaks(
  conv: Float64Array,
  width: number,
  height: number,
  k: DaoKernel,
  threshold: number,
  excludeBorder: boolean,
): number[] {
  const { dx, dy, flat } = footprintTaps(k, width);
  const n = flat.length;
  const peaks: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const v = conv[p];
      if (!(v > threshold)) continue;
      // As photutils: strictly inside by the kernel's half-size.
      if (excludeBorder && (x <= k.xc || y <= k.yc || x >= width - k.xc || y >= height - k.yc)) continue;
      let isMax = true;
      for (let t = 0; t < n && isMax; t++) {
        const xx = x + dx[t];
        const yy = y + dy[t];
        const u = xx >= 0 && xx < width && yy >= 0 && yy < height ? conv[p + flat[t]] : 0;
        if (u > v) isMax = false;
      }
      if (isMax) peaks.push(p);
    }
  }
  return peaks;
}

/** The kernel-sized cutout centred on (x0, y0), zeros outside the image. */
function cutout(src: Float64Array, width: number, height: number, k: DaoKernel, x0: number, y0: number): Float64Array {
  const out = new Float64Array(k.nx * k.ny);
  for (let j = 0; j < k.ny; j++) {
    const yy = y0 + j - k.yc;
    if (yy < 0 || yy >= height) continue;
    for (let i = 0; i < k.nx; i++) {
      const xx = x0 + i - k.xc;
      if (xx >= 0 && xx < width) out[j * k.nx + i] = src[yy * width + xx];
    }
  }
  return out;
}

function measure(
  data: Float64Array,
  conv: Float64Array,
  width: number,
  height: number,
  k: DaoKernel,
  x0: number,
  y0: number,
  thresholdEff: number,
  sky: number,
): Row {
  const cd = cutout(data, width, height, k, x0, y0);
  const cc = cutout(conv, width, height, k, x0, y0);
  const centre = k.yc * k.nx + k.xc;
  const dataPeak = cd[centre];
  const convPeak = cc[centre];
  // Sharpness: peak above the mean of the rest of the footprint, in units of the fitted amplitude.
  let masked = 0;
  for (let q = 0; q < cd.length; q++) if (k.mask[q]) masked += cd[q];
  const sharpness = (dataPeak - (masked - dataPeak) / (k.npixels - 1)) / convPeak;
  const roundness1 = quadrantRoundness(cc, k);
  const [dx, hx] = marginalFit(cd, k, 0);
  const [dy, hy] = marginalFit(cd, k, 1);
  return {
    x: x0 + dx,
    y: y0 + dy,
    sharpness,
    roundness1,
    roundness2: (2 * (hx - hy)) / (hx + hy),
    peak: dataPeak - sky,
    flux: convPeak / thresholdEff - sky * k.nx * k.ny,
    ok: !Number.isNaN(dx) && !Number.isNaN(dy) && !Number.isNaN(hx) && !Number.isNaN(hy),
  };
}

/** roundness1: 2 (−q1 + q2 − q3 + q4) / Σ|conv| over the quadrants of the convolved cutout (centre excluded). */
function quadrantRoundness(cc: Float64Array, k: DaoKernel): number {
  let sum2 = 0;
  let sum4 = 0;
  for (let j = 0; j < k.ny; j++) {
    for (let i = 0; i < k.nx; i++) {
      if (j === k.yc && i === k.xc) continue;
      const v = cc[j * k.nx + i];
      sum4 += Math.abs(v);
      // photutils' quadrants, rows j (y) and columns i (x) of the cutout, each axis pixel in one of them.
      if (j <= k.yc && i > k.xc) sum2 -= v;
      else if (j < k.yc && i <= k.xc) sum2 += v;
      else if (j >= k.yc && i < k.xc) sum2 -= v;
      else if (j > k.yc && i >= k.xc) sum2 += v;
    }
  }
  return (2 * sum2) / sum4;
}

/**
 * DAOFIND's 1-D marginal Gaussian fit along x (`axis` 0) or y (1): returns the centroid offset from
 * the peak pixel and the fitted height, NaN when the fit has no positive height.
 */
function marginalFit(cd: Float64Array, k: DaoKernel, axis: 0 | 1): [number, number] {
  const { nx, ny, xc, yc } = k;
  const size = axis === 0 ? nx : ny;
  const center = axis === 0 ? xc : yc;
  const sigma = axis === 0 ? k.xSigma : k.ySigma;
  // Triangular weights, largest at the centre.
  const wt = (c: number, i: number): number => c - Math.abs(i - c) + 1;
  let wtSum = 0;
  let kernSum = 0;
  let kern2Sum = 0;
  let dkernSum = 0;
  let dkern2Sum = 0;
  let kernDkernSum = 0;
  let dataSum = 0;
  let dataKernSum = 0;
  let dataDkernSum = 0;
  let dataDxSum = 0;
  for (let s = 0; s < size; s++) {
    // Collapse the other axis with its own triangular weights.
    let kern1d = 0;
    let data1d = 0;
    const other = axis === 0 ? ny : nx;
    const otherCentre = axis === 0 ? yc : xc;
    for (let o = 0; o < other; o++) {
      const w = wt(otherCentre, o);
      const q = axis === 0 ? o * nx + s : s * nx + o;
      kern1d += k.gaussianUnmasked[q] * w;
      data1d += cd[q] * w;
    }
    const w = wt(center, s);
    const dx = center - s;
    // photutils measures the fallback offset with opposite signs on the two axes.
    const dxx = axis === 0 ? center - s : s - center;
    const dkern = kern1d * dx;
    wtSum += w;
    kernSum += kern1d * w;
    kern2Sum += kern1d * kern1d * w;
    dkernSum += dkern * w;
    dkern2Sum += dkern * dkern * w;
    kernDkernSum += kern1d * dkern * w;
    dataSum += data1d * w;
    dataKernSum += data1d * kern1d * w;
    dataDkernSum += data1d * dkern * w;
    dataDxSum += data1d * dxx * w;
  }
  const hxNumer = dataKernSum - (dataSum * kernSum) / wtSum;
  const hxDenom = kern2Sum - (kernSum * kernSum) / wtSum;
  if (hxNumer <= 0 || hxDenom <= 0) return [Number.NaN, Number.NaN];
  const hx = hxNumer / hxDenom;
  let dx = (kernDkernSum - (dataDkernSum - dkernSum * dataSum)) / ((hx * dkern2Sum) / (sigma * sigma));
  const hsize = size / 2;
  if (Math.abs(dx) > hsize) dx = dataSum === 0 ? 0 : dataDxSum / dataSum;
  if (Math.abs(dx) > hsize) dx = 0;
  return [dx, hx];
}

function passes(r: Row, o: DaoFindOptions): boolean {
  const roundLo = o.roundLo ?? -1;
  const roundHi = o.roundHi ?? 1;
  return (
    r.ok &&
    r.sharpness > (o.sharpLo ?? 0.2) &&
    r.sharpness < (o.sharpHi ?? 1) &&
    r.roundness1 > roundLo &&
    r.roundness1 < roundHi &&
    r.roundness2 > roundLo &&
    r.roundness2 < roundHi &&
    (o.peakMax === undefined || r.peak < o.peakMax)
  );
}

function toCatalog(rows: Row[], npix: number, sky: number): DaoCatalog {
  const n = rows.length;
  const col = (get: (r: Row) => number): Float64Array => Float64Array.from(rows, get);
  const flux = col((r) => r.flux);
  return {
    count: n,
    x: col((r) => r.x),
    y: col((r) => r.y),
    sharpness: col((r) => r.sharpness),
    roundness1: col((r) => r.roundness1),
    roundness2: col((r) => r.roundness2),
    npix: new Int32Array(n).fill(npix),
    sky: new Float64Array(n).fill(sky),
    peak: col((r) => r.peak),
    flux,
    mag: Float64Array.from(flux, (f) => (f > 0 ? -2.5 * Math.log10(f) : Number.NaN)),
  };
}
