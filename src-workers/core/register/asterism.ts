/**
 * Star-list matching by triangle asterisms (Groth 1986; Beroiz, Cabral & Sanchez 2020 "astroalign"):
 * triangles of each star and its nearest neighbours are described by two side-length ratios that do
 * not change under translation, rotation, scale or mirroring; similar triangles propose transforms,
 * and the proposal that brings the most stars into coincidence wins (an exhaustive, hence
 * deterministic, RANSAC). The winner is refined by iterated least squares on every matched star.
 */
import { fitAffine, fitSimilarity, type PointPairs } from './fit.js';
import { applyAffine, type Affine } from './transform.js';

/** A star list (0-based pixel centres), brightest first is not required. */
export interface StarList {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  flux: ArrayLike<number>;
  count: number;
}

export interface MatchOptions {
  /** Stars (brightest) used to build triangles [40]. */
  maxStars?: number;
  /** Neighbours per star for triangles [5, i.e. 10 triangles per star]. */
  neighbours?: number;
  /** Invariant-space tolerance for similar triangles [0.01]. */
  invariantTolerance?: number;
  /** Distance under which a transformed reference star matches a frame star, px [3]. */
  matchRadiusPx?: number;
  /** Accepted scale range of a proposal [0.5, 2]. */
  minScale?: number;
  maxScale?: number;
  /** Fit family of the refinement [similarity]. */
  model?: 'similarity' | 'affine';
  /** Minimum matched stars for success [4]. */
  minMatches?: number;
}

export interface MatchResult {
  transform: Affine;
  /** Stars matched by the final transform. */
  matched: number;
  /** RMS of the matched stars' residuals, px. */
  rmsPx: number;
  /** Indices of matched pairs (reference star, frame star). */
  refIndex: Int32Array;
  frameIndex: Int32Array;
}

interface Triangle {
  /** Vertices ordered: opposite the shortest, middle and longest side. */
  v0: number;
  v1: number;
  v2: number;
  r1: number;
  r2: number;
  /** Orientation sign of (v0, v1, v2): mirrored pairs have opposite signs. */
  orient: number;
}

function brightestIndices(s: StarList, n: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < s.count; i++) if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) idx.push(i);
  idx.sort((p, q) => s.flux[q] - s.flux[p] || p - q);
  return idx.slice(0, n);
}

function buildTriangles(s: StarList, ids: number[], k: number): Triangle[] {
  const seen = new Set<string>();
  const out: Triangle[] = [];
  for (const i of ids) {
    const near = ids
      .filter((j) => j !== i)
      .map((j) => [j, (s.x[j] - s.x[i]) ** 2 + (s.y[j] - s.y[i]) ** 2] as const)
      .sort((p, q) => p[1] - q[1] || p[0] - q[0])
      .slice(0, k - 1)
      .map((p) => p[0]);
    const group = [i, ...near];
    for (let p = 0; p < group.length; p++) {
      for (let q = p + 1; q < group.length; q++) {
        for (let r = q + 1; r < group.length; r++) {
          const tri = [group[p], group[q], group[r]].sort((u, v) => u - v);
          const key = tri.join(',');
          if (seen.has(key)) continue;
          seen.add(key);
          const t = describeTriangle(s, tri[0], tri[1], tri[2]);
          if (t) out.push(t);
        }
      }
    }
  }
  return out;
}

function describeTriangle(s: StarList, i: number, j: number, k: number): Triangle | null {
  const d = (p: number, q: number): number => Math.hypot(s.x[p] - s.x[q], s.y[p] - s.y[q]);
  // side opposite each vertex
  const sides = [
    [d(j, k), i],
    [d(i, k), j],
    [d(i, j), k],
  ].sort((p, q) => p[0] - q[0]);
  const [s0, s1, s2] = sides.map((p) => p[0]);
  if (!(s2 > 0) || s0 / s2 < 0.05) return null; // degenerate or nearly collinear
  const v0 = sides[0][1];
  const v1 = sides[1][1];
  const v2 = sides[2][1];
  const cross = (s.x[v1] - s.x[v0]) * (s.y[v2] - s.y[v0]) - (s.y[v1] - s.y[v0]) * (s.x[v2] - s.x[v0]);
  return { v0, v1, v2, r1: s1 / s2, r2: s0 / s1, orient: Math.sign(cross) };
}

/** Spatial hash of frame stars for nearest-neighbour queries within a radius. */
class Grid {
  private readonly cells = new Map<number, number[]>();
  constructor(
    private readonly s: StarList,
    private readonly cellPx: number,
  ) {
    for (let i = 0; i < s.count; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) continue;
      const key = this.key(Math.floor(s.x[i] / cellPx), Math.floor(s.y[i] / cellPx));
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
    }
  }
  private key(cx: number, cy: number): number {
    return (cx + 50000) * 100003 + (cy + 50000);
  }
  /** Index of the nearest star within `radius` of (x, y), or −1. */
  nearest(x: number, y: number, radius: number): number {
    const cx = Math.floor(x / this.cellPx);
    const cy = Math.floor(y / this.cellPx);
    let best = -1;
    let bestD = radius * radius;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const list = this.cells.get(this.key(cx + dx, cy + dy));
        if (!list) continue;
        for (const i of list) {
          const d = (this.s.x[i] - x) ** 2 + (this.s.y[i] - y) ** 2;
          if (d < bestD || (d === bestD && i < best)) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best;
  }
}

function countMatches(t: Affine, ref: StarList, ids: readonly number[], grid: Grid, radius: number): number {
  let n = 0;
  for (const i of ids) {
    const [x, y] = applyAffine(t, ref.x[i], ref.y[i]);
    if (grid.nearest(x, y, radius) >= 0) n++;
  }
  return n;
}

/**
 * Finds the transform mapping `ref` star positions onto `frame` star positions. Returns null when no
 * proposal matches at least `minMatches` stars (a frame that cannot be registered by stars).
 */
export function matchStars(ref: StarList, frame: StarList, options: MatchOptions = {}): MatchResult | null {
  const maxStars = options.maxStars ?? 40;
  const k = options.neighbours ?? 5;
  const tol = options.invariantTolerance ?? 0.01;
  const radius = options.matchRadiusPx ?? 3;
  const minScale = options.minScale ?? 0.5;
  const maxScale = options.maxScale ?? 2;
  const minMatches = options.minMatches ?? 4;
  const refIds = brightestIndices(ref, maxStars);
  const frameIds = brightestIndices(frame, maxStars);
  if (refIds.length < 3 || frameIds.length < 3) return null;
  const refTris = buildTriangles(ref, refIds, k);
  const frameTris = buildTriangles(frame, frameIds, k).sort((p, q) => p.r1 - q.r1);
  const frameR1 = Float64Array.from(frameTris, (t) => t.r1);
  const grid = new Grid(frame, Math.max(8, 4 * radius));
  const pairs = {
    xr: new Float64Array(3),
    yr: new Float64Array(3),
    xf: new Float64Array(3),
    yf: new Float64Array(3),
    count: 3,
  };
  let best: Affine | null = null;
  let bestCount = 0;
  for (const rt of refTris) {
    let lo = lowerBound(frameR1, rt.r1 - tol);
    for (; lo < frameTris.length && frameTris[lo].r1 <= rt.r1 + tol; lo++) {
      const ft = frameTris[lo];
      if ((ft.r1 - rt.r1) ** 2 + (ft.r2 - rt.r2) ** 2 > tol * tol) continue;
      const rv = [rt.v0, rt.v1, rt.v2];
      const fv = [ft.v0, ft.v1, ft.v2];
      for (let m = 0; m < 3; m++) {
        pairs.xr[m] = ref.x[rv[m]];
        pairs.yr[m] = ref.y[rv[m]];
        pairs.xf[m] = frame.x[fv[m]];
        pairs.yf[m] = frame.y[fv[m]];
      }
      const t = fitSimilarity(pairs, rt.orient !== ft.orient);
      if (!t) continue;
      const scale = Math.sqrt(Math.abs(t.a * t.d - t.b * t.c));
      if (scale < minScale || scale > maxScale) continue;
      const c = countMatches(t, ref, refIds, grid, radius);
      if (c > bestCount) {
        bestCount = c;
        best = t;
      }
    }
  }
  if (!best || bestCount < Math.min(minMatches, refIds.length)) return null;
  return refine(best, ref, frame, grid, radius, options.model ?? 'similarity', minMatches);
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Iterated least squares on all stars within the match radius, with 3σ clipping of residuals. */
function refine(
  start: Affine,
  ref: StarList,
  frame: StarList,
  grid: Grid,
  radius: number,
  model: 'similarity' | 'affine',
  minMatches: number,
): MatchResult | null {
  let t = start;
  const n = ref.count;
  const xr = new Float64Array(n);
  const yr = new Float64Array(n);
  const xf = new Float64Array(n);
  const yf = new Float64Array(n);
  const ri = new Int32Array(n);
  const fi = new Int32Array(n);
  let m = 0;
  let rms = 0;
  let limit = radius;
  const mirrored = t.a * t.d - t.b * t.c < 0;
  for (let iter = 0; iter < 6; iter++) {
    m = 0;
    const used = new Uint8Array(frame.count);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(ref.x[i]) || !Number.isFinite(ref.y[i])) continue;
      const [x, y] = applyAffine(t, ref.x[i], ref.y[i]);
      const j = grid.nearest(x, y, limit);
      if (j < 0 || used[j]) continue;
      used[j] = 1;
      xr[m] = ref.x[i];
      yr[m] = ref.y[i];
      xf[m] = frame.x[j];
      yf[m] = frame.y[j];
      ri[m] = i;
      fi[m] = j;
      m++;
    }
    if (m < Math.max(2, Math.min(minMatches, 3))) return null;
    const pairs: PointPairs = { xr, yr, xf, yf, count: m };
    const next = model === 'affine' && m >= 6 ? fitAffine(pairs) : fitSimilarity(pairs, mirrored);
    if (!next) return null;
    t = next;
    const residual = new Float64Array(m);
    let ss = 0;
    for (let p = 0; p < m; p++) {
      const [x, y] = applyAffine(t, xr[p], yr[p]);
      residual[p] = Math.hypot(x - xf[p], y - yf[p]);
      ss += residual[p] ** 2;
    }
    rms = Math.sqrt(ss / m);
    // Clip on a robust scale so that spurious pairs (hot pixels, blends) cannot hold the radius open.
    residual.sort();
    const robust = 1.4826 * residual[m >> 1];
    limit = Math.min(radius, Math.max(3 * robust, 0.3));
  }
  if (m < minMatches) return null;
  return { transform: t, matched: m, rmsPx: rms, refIndex: ri.slice(0, m), frameIndex: fi.slice(0, m) };
}
