import { InputError } from '../../errors.js';
import type { Image } from '../../image/image.js';

/**
 * An empirical PSF (Anderson & King 2000; photutils `EPSFBuilder`): a grid oversampled `oversampling` times,
 * centred on the star, normalised so that the PSF integrates to 1 over pixels (the grid sums to
 * oversampling²). `value(dx, dy)` is the fraction of a star's flux in the pixel whose centre is (dx, dy) from
 * the star (bilinear interpolation on the grid).
 */
export interface Epsf {
  oversampling: number;
  /** Grid side (odd), in oversampled cells. */
  size: number;
  data: Float64Array;
  /** Half-width of the PSF support in image pixels. */
  radiusPx: number;
  /** Stars used for the final stack. */
  nStars: number;
}

/** Fraction of flux in the pixel centred (dx, dy) px from the star; 0 outside the support. */
export function epsfValue(psf: Epsf, dx: number, dy: number): number {
  const c = (psf.size - 1) / 2;
  const gx = dx * psf.oversampling + c;
  const gy = dy * psf.oversampling + c;
  const x0 = Math.floor(gx);
  const y0 = Math.floor(gy);
  if (x0 < 0 || y0 < 0 || x0 >= psf.size - 1 || y0 >= psf.size - 1) return 0;
  const fx = gx - x0;
  const fy = gy - y0;
  const i = y0 * psf.size + x0;
  const d = psf.data;
  return (1 - fy) * ((1 - fx) * d[i] + fx * d[i + 1]) + fy * ((1 - fx) * d[i + psf.size] + fx * d[i + psf.size + 1]);
}

/** Options of `buildEpsf`. */
export interface EpsfOptions {
  /** Oversampling factor [4]. */
  oversampling?: number;
  /** Half-width of the stamps, px [12]. */
  radiusPx?: number;
  /** Recentring iterations [4]. */
  iterations?: number;
}

/**
 * Builds an ePSF from stars at (xs, ys) with local backgrounds `backgrounds` (ADU): each stamp is normalised by
 * its flux within `radiusPx`, its pixels are stacked on the oversampled grid at their offset from the star,
 * each cell takes the sigma-clipped mean, the grid is smoothed (3×3 quadratic kernel as photutils' 'quadratic'),
 * normalised, and star centres are re-measured on the new PSF; `iterations` times.
 * Throws `InputError('PSF_NO_STARS')` with fewer than 3 usable stars.
 */
export function buildEpsf(
  image: Image,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  backgrounds: ArrayLike<number>,
  options: EpsfOptions = {},
): Epsf {
  const os = Math.max(1, Math.round(options.oversampling ?? 4));
  const radius = Math.max(2, Math.round(options.radiusPx ?? 12));
  const iterations = Math.max(1, Math.round(options.iterations ?? 4));
  const size = 2 * radius * os + 1;
  const c = (size - 1) / 2;
  const cx = Float64Array.from(xs);
  const cy = Float64Array.from(ys);
  const { width, height, data } = image;
  const usable: number[] = [];
  for (let s = 0; s < cx.length; s++) {
    const x0 = Math.round(cx[s]) - radius;
    const y0 = Math.round(cy[s]) - radius;
    if (x0 < 0 || y0 < 0 || x0 + 2 * radius >= width || y0 + 2 * radius >= height) continue;
    let ok = true;
    for (let y = y0; y <= y0 + 2 * radius && ok; y++)
      for (let x = x0; x <= x0 + 2 * radius; x++) if (data[y * width + x] !== data[y * width + x]) ok = false;
    if (ok) usable.push(s);
  }
  if (usable.length < 3)
    throw new InputError(
      'PSF_NO_STARS',
      `PSF: ${usable.length} isolated stars fully inside the frame, need at least 3`,
    );
  let psf: Epsf = {
    oversampling: os,
    size,
    data: new Float64Array(size * size),
    radiusPx: radius,
    nStars: usable.length,
  };
  for (let it = 0; it < iterations; it++) {
    const cells: number[][] = Array.from({ length: size * size }, () => []);
    for (const s of usable) {
      const x0 = Math.round(cx[s]) - radius;
      const y0 = Math.round(cy[s]) - radius;
      let flux = 0;
      for (let y = y0; y <= y0 + 2 * radius; y++)
        for (let x = x0; x <= x0 + 2 * radius; x++) flux += data[y * width + x] - backgrounds[s];
      if (!(flux > 0)) continue;
      for (let y = y0; y <= y0 + 2 * radius; y++) {
        const gy = Math.round((y - cy[s]) * os + c);
        if (gy < 0 || gy >= size) continue;
        for (let x = x0; x <= x0 + 2 * radius; x++) {
          const gx = Math.round((x - cx[s]) * os + c);
          if (gx < 0 || gx >= size) continue;
          cells[gy * size + gx].push((data[y * width + x] - backgrounds[s]) / flux);
        }
      }
    }
    const grid = new Float64Array(size * size);
    const filled = new Uint8Array(size * size);
    for (let k = 0; k < grid.length; k++) {
      const v = cells[k];
      if (v.length === 0) continue;
      grid[k] = clippedMean(v);
      filled[k] = 1;
    }
    fillHoles(grid, filled, size);
    const smooth = smoothQuadratic(grid, size);
    // Normalise: sampling at integer pixel offsets must sum to 1, i.e. the grid sums to os².
    let total = 0;
    for (const v of smooth) total += v;
    for (let k = 0; k < smooth.length; k++) smooth[k] *= (os * os) / total;
    psf = { oversampling: os, size, data: smooth, radiusPx: radius, nStars: usable.length };
    if (it === iterations - 1) break;
    // Recentre each star on the current PSF (least squares in position and flux, fixed background).
    for (const s of usable) {
      const fit = fitSingle(image, psf, cx[s], cy[s], backgrounds[s], Math.min(radius, 3 * os));
      if (fit && Math.hypot(fit.x - cx[s], fit.y - cy[s]) < 1) {
        cx[s] = fit.x;
        cy[s] = fit.y;
      }
    }
  }
  return psf;
}

function clippedMean(v: number[]): number {
  if (v.length < 3) return v.reduce((a, b) => a + b, 0) / v.length;
  const s = [...v].sort((a, b) => a - b);
  const med = s[s.length >> 1];
  const mad = 1.4826 * [...s].map((x) => Math.abs(x - med)).sort((a, b) => a - b)[s.length >> 1];
  let sum = 0;
  let n = 0;
  for (const x of s)
    if (mad === 0 || Math.abs(x - med) <= 3 * mad) {
      sum += x;
      n++;
    }
  return n > 0 ? sum / n : med;
}

/** Empty cells take the mean of their filled 8-neighbours, repeated until none is empty. */
function fillHoles(grid: Float64Array, filled: Uint8Array, size: number): void {
  for (let pass = 0; pass < size; pass++) {
    let missing = 0;
    const next = new Uint8Array(filled);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const k = y * size + x;
        if (filled[k]) continue;
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            const yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= size || yy >= size || !filled[yy * size + xx]) continue;
            s += grid[yy * size + xx];
            n++;
          }
        if (n > 0) {
          grid[k] = s / n;
          next[k] = 1;
        } else missing++;
      }
    }
    filled.set(next);
    if (missing === 0) return;
  }
}

/** 3×3 smoothing with weights [1,2,1]⊗[1,2,1]/16 (edges renormalised). */
function smoothQuadratic(grid: Float64Array, size: number): Float64Array {
  const out = new Float64Array(grid.length);
  const w = [1, 2, 1];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= size || yy >= size) continue;
          const k = w[dx + 1] * w[dy + 1];
          s += k * grid[yy * size + xx];
          n += k;
        }
      out[y * size + x] = s / n;
    }
  }
  return out;
}

/** Least-squares flux and position of one star on `psf` within `fitRadiusPx` (background fixed). */
export function fitSingle(
  image: Image,
  psf: Epsf,
  x: number,
  y: number,
  background: number,
  fitRadiusPx: number,
): { x: number; y: number; flux: number } | undefined {
  let px = x;
  let py = y;
  let flux = 0;
  const { width, height, data } = image;
  for (let it = 0; it < 10; it++) {
    // Normal equations for (flux, dx, dy) by Gauss–Newton with numeric PSF gradients.
    const A = new Float64Array(9);
    const b = new Float64Array(3);
    const h = 0.05;
    let sPP = 0;
    let sPD = 0;
    for (
      let yy = Math.max(0, Math.ceil(py - fitRadiusPx));
      yy <= Math.min(height - 1, Math.floor(py + fitRadiusPx));
      yy++
    ) {
      for (
        let xx = Math.max(0, Math.ceil(px - fitRadiusPx));
        xx <= Math.min(width - 1, Math.floor(px + fitRadiusPx));
        xx++
      ) {
        if ((xx - px) ** 2 + (yy - py) ** 2 > fitRadiusPx * fitRadiusPx) continue;
        const v = data[yy * width + xx];
        if (v !== v) continue;
        const d = v - background;
        const p = epsfValue(psf, xx - px, yy - py);
        sPP += p * p;
        sPD += p * d;
        if (it === 0) continue;
        const gx = -(epsfValue(psf, xx - px + h, yy - py) - epsfValue(psf, xx - px - h, yy - py)) / (2 * h);
        const gy = -(epsfValue(psf, xx - px, yy - py + h) - epsfValue(psf, xx - px, yy - py - h)) / (2 * h);
        const j = [p, flux * gx, flux * gy];
        const r = d - flux * p;
        for (let a = 0; a < 3; a++) {
          b[a] += j[a] * r;
          for (let c = 0; c < 3; c++) A[a * 3 + c] += j[a] * j[c];
        }
      }
    }
    if (it === 0) {
      if (!(sPP > 0)) return undefined;
      flux = sPD / sPP;
      if (!(flux > 0)) return undefined;
      continue;
    }
    const step = solve3(A, b);
    if (!step) return undefined;
    flux += step[0];
    px += Math.max(-0.5, Math.min(0.5, step[1]));
    py += Math.max(-0.5, Math.min(0.5, step[2]));
    if (Math.abs(step[1]) < 1e-4 && Math.abs(step[2]) < 1e-4) break;
  }
  return Number.isFinite(flux) ? { x: px, y: py, flux } : undefined;
}

function solve3(A: Float64Array, b: Float64Array): number[] | undefined {
  const m = [A[0], A[1], A[2], A[3], A[4], A[5], A[6], A[7], A[8]];
  const det =
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (!(Math.abs(det) > 1e-300)) return undefined;
  const inv = [
    m[4] * m[8] - m[5] * m[7],
    m[2] * m[7] - m[1] * m[8],
    m[1] * m[5] - m[2] * m[4],
    m[5] * m[6] - m[3] * m[8],
    m[0] * m[8] - m[2] * m[6],
    m[2] * m[3] - m[0] * m[5],
    m[3] * m[7] - m[4] * m[6],
    m[1] * m[6] - m[0] * m[7],
    m[0] * m[4] - m[1] * m[3],
  ];
  return [0, 1, 2].map((r) => (inv[r * 3] * b[0] + inv[r * 3 + 1] * b[1] + inv[r * 3 + 2] * b[2]) / det);
}
