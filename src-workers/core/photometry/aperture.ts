import type { Image } from '../image/image.js';
import { circleRectOverlap } from './circular-overlap.js';
import { ellipsePixelOverlap } from './ellipse-overlap.js';

/** Result of summing an aperture: background-subtracted sum and the geometry actually covered. */
export interface ApertureSum {
  /** Σ (pixel − background) × overlap, ADU (NaN pixels contribute nothing). */
  sum: number;
  /** Geometric area of the aperture, px². */
  area: number;
  /** Overlap area covered by valid (finite, unmasked, in-frame) pixels, px². */
  validArea: number;
  /** Σ overlap × max(pixel − background, 0), for the Poisson term of the error. */
  positiveSum: number;
  /** True when part of the aperture falls off the frame or on NaN/masked pixels. */
  incomplete: boolean;
}

/**
 * Circular aperture sum with exact pixel-overlap weights (photutils `method='exact'`), centred at (xPx, yPx)
 * in 0-based pixel-centre coordinates, after subtracting a constant `background` [0].
 * Optional `valueAt(index)` replaces pixel values (e.g. neighbour correction); NaN excludes a pixel.
 * With an integer origin (`originX`, `originY`) [0, 0], `xPx`/`yPx` are relative to that pixel: the arithmetic
 * then depends only on relative coordinates, so results do not change with where a tile starts.
 */
export function circularApertureSum(
  image: Image,
  xPx: number,
  yPx: number,
  radiusPx: number,
  background = 0,
  valueAt?: (index: number) => number,
  originX = 0,
  originY = 0,
): ApertureSum {
  const { width, height, data } = image;
  const r = radiusPx;
  const area = Math.PI * r * r;
  const result: ApertureSum = { sum: 0, area, validArea: 0, positiveSum: 0, incomplete: false };
  if (!(r > 0) || !Number.isFinite(xPx) || !Number.isFinite(yPx)) {
    result.sum = Number.NaN;
    result.incomplete = true;
    return result;
  }
  const ix0 = Math.floor(xPx - r + 0.5) + originX;
  const ix1 = Math.ceil(xPx + r - 0.5) + originX;
  const iy0 = Math.floor(yPx - r + 0.5) + originY;
  const iy1 = Math.ceil(yPx + r - 0.5) + originY;
  if (ix0 < 0 || iy0 < 0 || ix1 >= width || iy1 >= height) result.incomplete = true;
  const r2 = r * r;
  for (let py = Math.max(0, iy0); py <= Math.min(height - 1, iy1); py++) {
    const dy0 = py - originY - 0.5 - yPx;
    const dy1 = dy0 + 1;
    const nearY = dy0 > 0 ? dy0 : dy1 < 0 ? -dy1 : 0;
    const farY = Math.max(Math.abs(dy0), Math.abs(dy1));
    for (let px = Math.max(0, ix0); px <= Math.min(width - 1, ix1); px++) {
      const dx0 = px - originX - 0.5 - xPx;
      const dx1 = dx0 + 1;
      const nearX = dx0 > 0 ? dx0 : dx1 < 0 ? -dx1 : 0;
      if (nearX * nearX + nearY * nearY >= r2) continue;
      const farX = Math.max(Math.abs(dx0), Math.abs(dx1));
      const w = farX * farX + farY * farY <= r2 ? 1 : circleRectOverlap(dx0, dy0, dx1, dy1, r);
      if (w <= 0) continue;
      const index = py * width + px;
      addPixel(result, w, valueAt ? valueAt(index) : data[index], background);
    }
  }
  return result;
}

/**
 * Elliptical aperture sum (semi-axes `aPx`, `bPx`, angle `thetaDeg` counter-clockwise from +x). Boundary
 * pixels are weighted by their exact overlap with the ellipse [`subsample` 0, photutils `method='exact'`],
 * or by sub-pixel sampling with `subsample`² points (SExtractor's AUTO apertures use 5).
 * `valueAt(index)` may replace pixel values (e.g. neighbour correction); return NaN to exclude.
 * `originX`/`originY` as in `circularApertureSum`.
 */
export function ellipticalApertureSum(
  image: Image,
  xPx: number,
  yPx: number,
  aPx: number,
  bPx: number,
  thetaDeg: number,
  background = 0,
  subsample = 0,
  valueAt?: (index: number) => number,
  originX = 0,
  originY = 0,
): ApertureSum {
  const { width, height, data } = image;
  const area = Math.PI * aPx * bPx;
  const result: ApertureSum = { sum: 0, area, validArea: 0, positiveSum: 0, incomplete: false };
  if (!(aPx > 0) || !(bPx > 0) || !Number.isFinite(xPx) || !Number.isFinite(yPx)) {
    result.sum = Number.NaN;
    result.incomplete = true;
    return result;
  }
  const t = (thetaDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  // Ellipse as cxx·dx² + cyy·dy² + cxy·dx·dy ≤ 1.
  const cxx = (c * c) / (aPx * aPx) + (s * s) / (bPx * bPx);
  const cyy = (s * s) / (aPx * aPx) + (c * c) / (bPx * bPx);
  const cxy = 2 * c * s * (1 / (aPx * aPx) - 1 / (bPx * bPx));
  // Bounding box of the ellipse.
  const hx = Math.sqrt(aPx * aPx * c * c + bPx * bPx * s * s);
  const hy = Math.sqrt(aPx * aPx * s * s + bPx * bPx * c * c);
  const ix0 = Math.floor(xPx - hx + 0.5) + originX;
  const ix1 = Math.ceil(xPx + hx - 0.5) + originX;
  const iy0 = Math.floor(yPx - hy + 0.5) + originY;
  const iy1 = Math.ceil(yPx + hy - 0.5) + originY;
  if (ix0 < 0 || iy0 < 0 || ix1 >= width || iy1 >= height) result.incomplete = true;
  // A pixel whose centre lies within (1 ± margin) in elliptical radius is fully in/out.
  const margin = 0.75 / bPx;
  const inner = Math.max(0, 1 - margin) ** 2;
  const outer = (1 + margin) ** 2;
  const step = subsample > 0 ? 1 / subsample : 0;
  const offset = -0.5 + step / 2;
  for (let py = Math.max(0, iy0); py <= Math.min(height - 1, iy1); py++) {
    const dy = py - originY - yPx;
    // Columns where this row can meet the outer ellipse (±1 px slack; the exact test below decides).
    const disc = cxy * cxy * dy * dy - 4 * cxx * (cyy * dy * dy - outer);
    if (disc < 0) continue;
    const sq = Math.sqrt(disc);
    const pxLo = Math.max(0, ix0, Math.floor(xPx + originX + (-cxy * dy - sq) / (2 * cxx)) - 1);
    const pxHi = Math.min(width - 1, ix1, Math.ceil(xPx + originX + (-cxy * dy + sq) / (2 * cxx)) + 1);
    for (let px = pxLo; px <= pxHi; px++) {
      const dx = px - originX - xPx;
      const r2 = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
      if (r2 > outer) continue;
      let w: number;
      if (r2 <= inner) w = 1;
      else if (subsample === 0) w = ellipsePixelOverlap(dx, dy, aPx, bPx, t);
      else {
        let n = 0;
        for (let sy = 0; sy < subsample; sy++) {
          const ddy = dy + offset + sy * step;
          for (let sx = 0; sx < subsample; sx++) {
            const ddx = dx + offset + sx * step;
            if (cxx * ddx * ddx + cyy * ddy * ddy + cxy * ddx * ddy <= 1) n++;
          }
        }
        w = n / (subsample * subsample);
      }
      if (w <= 0) continue;
      const index = py * width + px;
      addPixel(result, w, valueAt ? valueAt(index) : data[index], background);
    }
  }
  return result;
}

/** Adds pixel value `v` with overlap weight `w` to `result`; a NaN pixel marks the aperture incomplete. */
function addPixel(result: ApertureSum, w: number, v: number, background: number): void {
  if (v !== v) {
    result.incomplete = true;
    return;
  }
  const s = v - background;
  result.sum += w * s;
  if (s > 0) result.positiveSum += w * s;
  result.validArea += w;
}

/**
 * 1σ error of an aperture sum: background variance over the covered area plus Poisson noise of the source,
 * σ² = A·rms² + max(sum, 0)/gain (gain in e⁻/ADU; omitted or ≤ 0 = background term only).
 */
export function apertureSumError(sum: ApertureSum, rmsAdu: number, gainEPerAdu?: number): number {
  let variance = sum.validArea * rmsAdu * rmsAdu;
  if (gainEPerAdu !== undefined && gainEPerAdu > 0) variance += Math.max(sum.positiveSum, 0) / gainEPerAdu;
  return Math.sqrt(variance);
}
