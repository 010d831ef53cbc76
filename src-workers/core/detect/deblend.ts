import { Scratch } from './scratch.js';

/**
 * Multi-threshold deblending (SExtractor manual §"Deblending"; Bertin & Arnouts 1996 §2.3): the pixels of
 * a parent are thresholded at `nthresh` levels spaced exponentially between the detection threshold and the
 * peak; a branch becomes a separate object when its flux above the level, Σ(value − level), exceeds `cont` ×
 * the parent's total (filtered) flux and at least one other branch at the same level does too. Pixels below the splitting level go to the
 * child with the highest Gaussian-model likelihood (from the child's own moments).
 */

/** Pixel data of one parent, tile-local. */
export interface ParentPixels {
  /** Number of pixels. */
  n: number;
  /** Pixel x, y (tile-local integers). */
  x: Int32Array;
  y: Int32Array;
  /** Filtered values used for the thresholds. */
  conv: Float32Array;
  /** Base (detection) threshold of the parent. */
  baseThresh: number;
}

export interface DeblendOptions {
  nthresh: number;
  cont: number;
  minAreaPx: number;
  /** Parents larger than this are not deblended (flagged) [2 000 000 px]. */
  maxPixels?: number;
}

/** Child label (0..count-1) of every parent pixel; `failed` when the parent was too large to deblend. */
export interface DeblendResult {
  count: number;
  label: Int32Array;
  failed: boolean;
}

/** Splits one parent into children; a parent that does not split is one child labelled 0. */
export function deblendParent(
  p: ParentPixels,
  options: DeblendOptions,
  scratch: Scratch = new Scratch(),
): DeblendResult {
  const { n } = p;
  const label = scratch.i32('label', n).fill(0);
  const maxPixels = options.maxPixels ?? 2_000_000;
  if (options.nthresh < 2 || options.cont >= 1 || n < 2 * options.minAreaPx) return { count: 1, label, failed: false };
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  let peak = -Infinity;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (p.x[i] < xmin) xmin = p.x[i];
    if (p.x[i] > xmax) xmax = p.x[i];
    if (p.y[i] < ymin) ymin = p.y[i];
    if (p.y[i] > ymax) ymax = p.y[i];
    if (p.conv[i] > peak) peak = p.conv[i];
    total += p.conv[i];
  }
  const bw = xmax - xmin + 1;
  const bh = ymax - ymin + 1;
  if (n > maxPixels || bw * bh > 4 * maxPixels) return { count: 1, label, failed: true };
  const base = Math.max(p.baseThresh, 1e-30);
  if (!(peak > base) || !(total > 0)) return { count: 1, label, failed: false };
  const map = scratch.i32('map', bw * bh).fill(-1);
  for (let i = 0; i < n; i++) map[(p.y[i] - ymin) * bw + (p.x[i] - xmin)] = i;
  const levels = scratch.f64('levels', options.nthresh);
  for (let k = 1; k < options.nthresh; k++) levels[k] = base * Math.pow(peak / base, k / options.nthresh);
  const uf = scratch.i32('uf', n);
  const stamp = scratch.i32('stamp', n).fill(0);
  let stampCounter = 0;
  const minFlux = options.cont * total;

  const rootFlux = scratch.f64('rootFlux', n);
  const rootCount = scratch.i32('rootCount', n);
  const rootGroup = scratch.i32('rootGroup', n);

  /**
   * Significant connected components of `subset` above `level` (area ≥ minArea, flux > cont × total), in
   * order of their first pixel. Arrays are only built when at least two are significant, since otherwise
   * the caller just moves on to the next level.
   */
  const significantComponents = (subset: Int32Array, level: number): Int32Array[] => {
    stampCounter++;
    for (const i of subset) {
      if (p.conv[i] > level) {
        stamp[i] = stampCounter;
        uf[i] = i;
        rootFlux[i] = 0;
        rootCount[i] = 0;
      }
    }
    for (const i of subset) {
      if (stamp[i] !== stampCounter) continue;
      const lx = p.x[i] - xmin;
      const ly = p.y[i] - ymin;
      // Neighbours already visited in raster order: left, and the three above.
      if (lx > 0) link(map[ly * bw + lx - 1], i);
      if (ly > 0) {
        const up = (ly - 1) * bw + lx;
        if (lx > 0) link(map[up - 1], i);
        link(map[up], i);
        if (lx < bw - 1) link(map[up + 1], i);
      }
    }
    let nSignificant = 0;
    for (const i of subset) {
      if (stamp[i] !== stampCounter) continue;
      const root = findRoot(uf, i);
      rootFlux[root] += p.conv[i];
      rootCount[root]++;
    }
    // SExtractor/SEP: a branch counts when its flux above the level, Σ(value − level), exceeds cont × total.
    for (const i of subset) {
      if (
        stamp[i] === stampCounter &&
        uf[i] === i &&
        rootCount[i] >= options.minAreaPx &&
        rootFlux[i] - level * rootCount[i] > minFlux
      )
        nSignificant++;
    }
    if (nSignificant < 2) return nSignificant === 1 ? [subset] : [];
    const groups: number[][] = [];
    for (const i of subset) {
      if (stamp[i] !== stampCounter) continue;
      const root = findRoot(uf, i);
      if (rootCount[root] < options.minAreaPx || !(rootFlux[root] - level * rootCount[root] > minFlux)) continue;
      if (i === root) {
        rootGroup[root] = groups.length;
        groups.push([]);
      }
      groups[rootGroup[root]].push(i);
    }
    return groups.map((g) => Int32Array.from(g));
  };
  const link = (q: number, i: number): void => {
    if (q < 0 || stamp[q] !== stampCounter) return;
    const a = findRoot(uf, q);
    const b = findRoot(uf, i);
    if (a < b) uf[b] = a;
    else if (b < a) uf[a] = b;
  };
  const split = (subset: Int32Array, fromLevel: number, depth: number): Int32Array[] => {
    if (depth > 64) return [subset];
    for (let k = fromLevel; k < options.nthresh; k++) {
      const comps = significantComponents(subset, levels[k]);
      if (comps.length >= 2) return comps.flatMap((c) => split(c, k + 1, depth + 1));
      if (comps.length === 0) break;
    }
    return [subset];
  };
  const grid = { map, xmin, ymin, bw, bh };
  if (
    !hasTwoPeaks(p, grid) ||
    !mightSplit(p, grid, levels, options.nthresh, minFlux, options.minAreaPx, uf, rootFlux, rootCount, scratch)
  )
    return { count: 1, label, failed: false };
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const seeds = split(all, 1, 0);
  if (seeds.length < 2) return { count: 1, label, failed: false };
  assignToSeeds(p, seeds, label);
  return { count: seeds.length, label, failed: false };
}

/**
 * Cheapest test first: two branches at any level need two distinct local maxima of the filtered values
 * (8-connected, ties broken by pixel order), so a single-peaked parent is one object.
 */
function hasTwoPeaks(
  p: ParentPixels,
  grid: { map: Int32Array; xmin: number; ymin: number; bw: number; bh: number },
): boolean {
  let peaks = 0;
  for (let i = 0; i < p.n; i++) {
    const v = p.conv[i];
    const lx = p.x[i] - grid.xmin;
    const ly = p.y[i] - grid.ymin;
    let isMax = true;
    for (let dy = -1; dy <= 1 && isMax; dy++) {
      const yy = ly + dy;
      if (yy < 0 || yy >= grid.bh) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = lx + dx;
        if ((dx === 0 && dy === 0) || xx < 0 || xx >= grid.bw) continue;
        const q = grid.map[yy * grid.bw + xx];
        if (q < 0) continue;
        if (p.conv[q] > v || (p.conv[q] === v && q < i)) {
          isMax = false;
          break;
        }
      }
    }
    if (isMax && ++peaks >= 2) return true;
  }
  return false;
}

/**
 * Fast path: adds the pixels in order of decreasing filtered value (a component tree by union-find) and
 * reports whether two significant branches ever coexist at one of the levels. Only then can the recursive
 * split find anything, so isolated stars cost one sort instead of `nthresh` labelling passes.
 */
function mightSplit(
  p: ParentPixels,
  grid: { map: Int32Array; xmin: number; ymin: number; bw: number; bh: number },
  levels: Float64Array,
  nthresh: number,
  minFlux: number,
  minArea: number,
  uf: Int32Array,
  flux: Float64Array,
  count: Int32Array,
  scratch: Scratch,
): boolean {
  const n = p.n;
  const order = scratch.i32('order', n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p.conv[b] - p.conv[a] || a - b);
  const added = scratch.u8('added', n).fill(0);
  // Current roots, with O(1) removal (swap with the last).
  const roots = scratch.i32('roots', n);
  const slot = scratch.i32('slot', n);
  let nRoots = 0;
  let next = 0;
  for (let k = nthresh - 1; k >= 1; k--) {
    const level = levels[k];
    while (next < n && p.conv[order[next]] > level) {
      const i = order[next++];
      uf[i] = i;
      flux[i] = p.conv[i];
      count[i] = 1;
      added[i] = 1;
      slot[i] = nRoots;
      roots[nRoots++] = i;
      const lx = p.x[i] - grid.xmin;
      const ly = p.y[i] - grid.ymin;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = ly + dy;
        if (yy < 0 || yy >= grid.bh) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = lx + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= grid.bw) continue;
          const q = grid.map[yy * grid.bw + xx];
          if (q < 0 || !added[q]) continue;
          const a = findRoot(uf, q);
          const b = findRoot(uf, i);
          if (a === b) continue;
          uf[b] = a;
          flux[a] += flux[b];
          count[a] += count[b];
          const last = roots[--nRoots];
          roots[slot[b]] = last;
          slot[last] = slot[b];
        }
      }
    }
    if (nRoots < 2) continue;
    let nsig = 0;
    for (let r = 0; r < nRoots; r++) {
      const root = roots[r];
      if (count[root] >= minArea && flux[root] - level * count[root] > minFlux && ++nsig >= 2) return true;
    }
  }
  return false;
}

function findRoot(uf: Int32Array, a: number): number {
  while (uf[a] !== a) {
    uf[a] = uf[uf[a]];
    a = uf[a];
  }
  return a;
}

/** Seed pixels keep their seed; the others go to the seed maximising peak·exp(−½·Mahalanobis²). */
function assignToSeeds(p: ParentPixels, seeds: Int32Array[], label: Int32Array): void {
  const m = seeds.length;
  const mx = new Float64Array(m);
  const my = new Float64Array(m);
  const cxx = new Float64Array(m);
  const cyy = new Float64Array(m);
  const cxy = new Float64Array(m);
  const amp = new Float64Array(m);
  label.fill(-1);
  for (let s = 0; s < m; s++) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let peak = 0;
    for (const i of seeds[s]) {
      const v = Math.max(p.conv[i], 0);
      sw += v;
      sx += v * p.x[i];
      sy += v * p.y[i];
      if (v > peak) peak = v;
      label[i] = s;
    }
    const cx = sw > 0 ? sx / sw : p.x[seeds[s][0]];
    const cy = sw > 0 ? sy / sw : p.y[seeds[s][0]];
    let x2 = 0;
    let y2 = 0;
    let xy = 0;
    for (const i of seeds[s]) {
      const v = Math.max(p.conv[i], 0);
      const dx = p.x[i] - cx;
      const dy = p.y[i] - cy;
      x2 += v * dx * dx;
      y2 += v * dy * dy;
      xy += v * dx * dy;
    }
    x2 = (sw > 0 ? x2 / sw : 0) + 1 / 12;
    y2 = (sw > 0 ? y2 / sw : 0) + 1 / 12;
    xy = sw > 0 ? xy / sw : 0;
    const det = Math.max(x2 * y2 - xy * xy, 1e-6);
    mx[s] = cx;
    my[s] = cy;
    cxx[s] = y2 / det;
    cyy[s] = x2 / det;
    cxy[s] = (-2 * xy) / det;
    amp[s] = peak;
  }
  for (let i = 0; i < p.n; i++) {
    if (label[i] >= 0) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let s = 0; s < m; s++) {
      const dx = p.x[i] - mx[s];
      const dy = p.y[i] - my[s];
      const score = Math.log(Math.max(amp[s], 1e-30)) - 0.5 * (cxx[s] * dx * dx + cyy[s] * dy * dy + cxy[s] * dx * dy);
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    label[i] = best;
  }
}
