import { SourceFlag } from '../../catalog/flags.js';
import type { Image } from '../../image/image.js';
import { epsfValue, type Epsf } from './epsf.js';

/** Options of `fitPsfPhotometry`. */
export interface PsfFitOptions {
  /** Pixels within this distance of a star take part in its fit, px [3 px or the PSF support]. */
  fitRadiusPx?: number;
  /** Stars closer than this are fitted together (friends of friends), px [2 × fitRadiusPx]. */
  groupRadiusPx?: number;
  /** Background noise per pixel (ADU) for each star, for weights and errors. */
  rmsAdu: ArrayLike<number>;
  gainEPerAdu?: number;
  /** Largest group fitted jointly [25]; larger groups are fitted star by star (flagged BLENDED). */
  maxGroup?: number;
}

/** PSF photometry results, one row per input star. */
export interface PsfFit {
  x: Float64Array;
  y: Float64Array;
  flux: Float64Array;
  fluxErr: Float64Array;
  /** Reduced χ² of the (group) fit. */
  chi2: Float64Array;
  /** Size of the group the star was fitted in. */
  groupSize: Int32Array;
  flags: Int32Array;
}

/**
 * Fits flux and position of every star on an ePSF (photutils `PSFPhotometry` with a `SourceGrouper`): stars
 * within `groupRadiusPx` of each other are fitted simultaneously by weighted Gauss–Newton (weights
 * 1/(rms² + model/gain)), with the local background fixed at `backgrounds`. Errors from the covariance
 * matrix; χ² reduced by the degrees of freedom. Stars whose fit fails keep NaN and get PSF_FAILED.
 */
export function fitPsfPhotometry(
  image: Image,
  psf: Epsf,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  backgrounds: ArrayLike<number>,
  options: PsfFitOptions,
): PsfFit {
  const n = xs.length;
  const fitR = options.fitRadiusPx ?? Math.min(3, psf.radiusPx);
  const groupR = options.groupRadiusPx ?? 2 * fitR;
  const maxGroup = options.maxGroup ?? 25;
  const out: PsfFit = {
    x: Float64Array.from(xs),
    y: Float64Array.from(ys),
    flux: new Float64Array(n).fill(Number.NaN),
    fluxErr: new Float64Array(n).fill(Number.NaN),
    chi2: new Float64Array(n).fill(Number.NaN),
    groupSize: new Int32Array(n),
    flags: new Int32Array(n),
  };
  for (const group of friendsOfFriends(xs, ys, groupR)) {
    if (group.length > maxGroup) {
      for (const s of group) {
        fitGroup(image, psf, [s], out, backgrounds, options, fitR);
        out.flags[s] |= SourceFlag.BLENDED;
        out.groupSize[s] = group.length;
      }
    } else {
      fitGroup(image, psf, group, out, backgrounds, options, fitR);
      for (const s of group) out.groupSize[s] = group.length;
    }
  }
  return out;
}

function friendsOfFriends(xs: ArrayLike<number>, ys: ArrayLike<number>, link: number): number[][] {
  const n = xs.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  const cell = Math.max(link, 1e-6);
  const grid = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    const k = `${Math.floor(xs[i] / cell)},${Math.floor(ys[i] / cell)}`;
    let l = grid.get(k);
    if (!l) grid.set(k, (l = []));
    l.push(i);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    const gx = Math.floor(xs[i] / cell);
    const gy = Math.floor(ys[i] / cell);
    for (let yy = gy - 1; yy <= gy + 1; yy++)
      for (let xx = gx - 1; xx <= gx + 1; xx++) {
        for (const j of grid.get(`${xx},${yy}`) ?? []) {
          if (j <= i || Math.hypot(xs[i] - xs[j], ys[i] - ys[j]) > link) continue;
          const a = find(i);
          const b = find(j);
          if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
        }
      }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(i);
  }
  return [...groups.values()];
}

function fitGroup(
  image: Image,
  psf: Epsf,
  group: number[],
  out: PsfFit,
  backgrounds: ArrayLike<number>,
  options: PsfFitOptions,
  fitR: number,
): void {
  const { width, height, data } = image;
  const k = group.length;
  const np = 3 * k;
  const gain = options.gainEPerAdu && options.gainEPerAdu > 0 ? options.gainEPerAdu : 0;
  const x = group.map((s) => out.x[s]);
  const y = group.map((s) => out.y[s]);
  const startX = [...x];
  const startY = [...y];
  const f = new Float64Array(k);
  const bkg = group.reduce((a, s) => a + backgrounds[s], 0) / k;
  const rms = group.reduce((a, s) => a + options.rmsAdu[s], 0) / k;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let a = 0; a < k; a++) {
    x0 = Math.min(x0, Math.ceil(x[a] - fitR));
    x1 = Math.max(x1, Math.floor(x[a] + fitR));
    y0 = Math.min(y0, Math.ceil(y[a] - fitR));
    y1 = Math.max(y1, Math.floor(y[a] + fitR));
  }
  x0 = Math.max(0, x0);
  y0 = Math.max(0, y0);
  x1 = Math.min(width - 1, x1);
  y1 = Math.min(height - 1, y1);
  // Pixels of the fit: within fitR of the starting position of any star of the group.
  const px: number[] = [];
  const py: number[] = [];
  const pd: number[] = [];
  for (let yy = y0; yy <= y1; yy++)
    for (let xx = x0; xx <= x1; xx++) {
      const v = data[yy * width + xx];
      if (v !== v) continue;
      let inside = false;
      for (let a = 0; a < k && !inside; a++) inside = (xx - x[a]) ** 2 + (yy - y[a]) ** 2 <= fitR * fitR;
      if (!inside) continue;
      px.push(xx);
      py.push(yy);
      pd.push(v - bkg);
    }
  const m = px.length;
  const fail = (): void => {
    for (const s of group) out.flags[s] |= SourceFlag.PSF_FAILED;
  };
  if (m <= np) return fail();
  const h = 0.05;
  let cov: Float64Array | undefined;
  let chi2 = Number.NaN;
  const J = new Float64Array(np);
  for (let it = 0; it < 12; it++) {
    const fluxOnly = it === 0;
    const q = fluxOnly ? k : np;
    const A = new Float64Array(q * q);
    const b = new Float64Array(q);
    chi2 = 0;
    for (let i = 0; i < m; i++) {
      let model = 0;
      for (let a = 0; a < k; a++) {
        const dx = px[i] - x[a];
        const dy = py[i] - y[a];
        const p = epsfValue(psf, dx, dy);
        model += f[a] * p;
        J[a] = p;
        if (!fluxOnly) {
          J[k + 2 * a] = (-f[a] * (epsfValue(psf, dx + h, dy) - epsfValue(psf, dx - h, dy))) / (2 * h);
          J[k + 2 * a + 1] = (-f[a] * (epsfValue(psf, dx, dy + h) - epsfValue(psf, dx, dy - h))) / (2 * h);
        }
      }
      const variance = rms * rms + (gain > 0 && model > 0 ? model / gain : 0);
      const w = variance > 0 ? 1 / variance : 1;
      const r = pd[i] - model;
      chi2 += w * r * r;
      for (let a = 0; a < q; a++) {
        if (J[a] === 0) continue;
        b[a] += w * J[a] * r;
        for (let c = 0; c < q; c++) A[a * q + c] += w * J[a] * J[c];
      }
    }
    const step = solveLinear(A, b, q);
    if (!step) return fail();
    let maxMove = 0;
    for (let a = 0; a < k; a++) f[a] += step[a];
    if (!fluxOnly) {
      for (let a = 0; a < k; a++) {
        const sx = Math.max(-0.5, Math.min(0.5, step[k + 2 * a]));
        const sy = Math.max(-0.5, Math.min(0.5, step[k + 2 * a + 1]));
        x[a] += sx;
        y[a] += sy;
        maxMove = Math.max(maxMove, Math.abs(sx), Math.abs(sy));
      }
      cov = invert(A, q);
      if (maxMove < 1e-4) break;
    }
  }
  if (!cov) return fail();
  const dof = Math.max(1, m - np);
  for (let a = 0; a < k; a++) {
    const s = group[a];
    out.x[s] = x[a];
    out.y[s] = y[a];
    out.flux[s] = f[a];
    out.fluxErr[s] = Math.sqrt(Math.max(0, cov[a * np + a]));
    out.chi2[s] = chi2 / dof;
    if (!Number.isFinite(f[a]) || Math.hypot(x[a] - startX[a], y[a] - startY[a]) > fitR)
      out.flags[s] |= SourceFlag.PSF_FAILED;
  }
}

/** Solves A·x = b (q×q, row-major) by Gaussian elimination with partial pivoting; undefined when singular. */
function solveLinear(A: Float64Array, b: Float64Array, q: number): Float64Array | undefined {
  const M = new Float64Array(A);
  const v = new Float64Array(b);
  for (let col = 0; col < q; col++) {
    let piv = col;
    for (let r = col + 1; r < q; r++) if (Math.abs(M[r * q + col]) > Math.abs(M[piv * q + col])) piv = r;
    if (!(Math.abs(M[piv * q + col]) > 1e-300)) return undefined;
    if (piv !== col) {
      for (let c = 0; c < q; c++) [M[col * q + c], M[piv * q + c]] = [M[piv * q + c], M[col * q + c]];
      [v[col], v[piv]] = [v[piv], v[col]];
    }
    for (let r = col + 1; r < q; r++) {
      const factor = M[r * q + col] / M[col * q + col];
      if (factor === 0) continue;
      for (let c = col; c < q; c++) M[r * q + c] -= factor * M[col * q + c];
      v[r] -= factor * v[col];
    }
  }
  const x = new Float64Array(q);
  for (let r = q - 1; r >= 0; r--) {
    let s = v[r];
    for (let c = r + 1; c < q; c++) s -= M[r * q + c] * x[c];
    x[r] = s / M[r * q + r];
  }
  return x;
}

function invert(A: Float64Array, q: number): Float64Array | undefined {
  const inv = new Float64Array(q * q);
  for (let c = 0; c < q; c++) {
    const e = new Float64Array(q);
    e[c] = 1;
    const col = solveLinear(A, e, q);
    if (!col) return undefined;
    for (let r = 0; r < q; r++) inv[r * q + c] = col[r];
  }
  return inv;
}
