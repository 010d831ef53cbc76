import type { FilterKernel } from './kernel.js';
import type { BackgroundEvaluator } from '../background/background-model.js';
import { throwIfCancelled, type CancelToken } from '../errors.js';
import type { Image } from '../image/image.js';
import { GrowableFloat32, GrowableInt32 } from './growable.js';

/** Where a tile sits in the full frame (0-based pixel offsets) and the full frame's size. */
export interface TileGeometry {
  x0: number;
  y0: number;
  fullWidth: number;
  fullHeight: number;
}

/**
 * Connected groups of detected pixels ("parents", before deblending), as flat typed arrays: parent p owns
 * pixels [start[p], start[p+1]) in raster order. Indices are tile-local (`y * tileWidth + x`).
 */
export interface Footprints {
  count: number;
  start: Int32Array;
  index: Int32Array;
  /** Filtered (matched-filter) value, background subtracted. */
  conv: Float32Array;
  /** Unfiltered background-subtracted value. */
  sub: Float32Array;
  /** Detection threshold at the pixel (threshSigma × local RMS). */
  thresh: Float32Array;
}

export interface ExtractOptions {
  threshSigma: number;
  minAreaPx: number;
  /** Normalised 1-D kernel applied along x then y (separable matched filter). */
  kernel: Float32Array;
  /** A user kernel (square, odd size) correlated in 2-D instead of the separable one. */
  kernel2d?: FilterKernel;
  /** Non-zero = masked pixel (tile-local), treated like NaN. */
  mask?: Uint8Array;
  cancel?: CancelToken;
}

/**
 * One pass over the rows: background subtraction from the mesh model, separable convolution through a ring
 * of rows, per-pixel threshold in RMS units, runs of detected pixels joined 8-connected by union-find.
 * Memory is O(width × kernel) plus the detected pixels; no full-frame temporary is allocated.
 */
export function extractFootprints(
  image: Image,
  geometry: TileGeometry,
  evaluator: BackgroundEvaluator,
  options: ExtractOptions,
): Footprints {
  const { width: w, height: h, data } = image;
  const { kernel, kernel2d, threshSigma, mask } = options;
  const r = kernel2d ? (kernel2d.size - 1) >> 1 : (kernel.length - 1) >> 1;
  const ringRows = 2 * r + 1;
  // Separable filter: a ring of row-convolved rows; 2-D user kernel: a ring of padded input rows.
  const hconv = new Float32Array(kernel2d ? 0 : ringRows * w);
  const paddedRing = new Float32Array(kernel2d ? ringRows * (w + 2 * r) : 0);
  const subRing = new Float32Array(ringRows * w);
  const thrRing = new Float32Array(ringRows * w);
  const bkgRow = new Float32Array(w);
  const rmsRow = new Float32Array(w);
  const padded = new Float32Array(w + 2 * r);
  const convRow = new Float32Array(w);

  const runY = new GrowableInt32();
  const runX0 = new GrowableInt32();
  const runX1 = new GrowableInt32();
  const runPix = new GrowableInt32();
  const uf = new GrowableInt32();
  const pixIndex = new GrowableInt32(4096);
  const pixConv = new GrowableFloat32(4096);
  const pixSub = new GrowableFloat32(4096);
  const pixThr = new GrowableFloat32(4096);
  let prevStart = 0;
  let prevEnd = 0;

  for (let yIn = 0; yIn < h + r; yIn++) {
    if (yIn < h) {
      if ((yIn & 63) === 0) throwIfCancelled(options.cancel);
      evaluator.row(geometry.y0 + yIn, geometry.x0, w, bkgRow, rmsRow);
      const slot = (yIn % ringRows) * w;
      loadRow(data, yIn * w, w, bkgRow, rmsRow, mask, threshSigma, subRing, thrRing, slot, padded, r);
      if (kernel2d) paddedRing.set(padded, (yIn % ringRows) * (w + 2 * r));
      else convolveRowX(padded, kernel, r, w, hconv, slot);
    }
    const y = yIn - r;
    if (y < 0) continue;
    if (kernel2d) correlateRow2d(paddedRing, kernel2d, r, w, y, h, ringRows, convRow);
    else convolveRowY(hconv, kernel, r, w, y, h, ringRows, convRow);
    const slot = (y % ringRows) * w;
    const curStart = runY.length;
    let x = 0;
    while (x < w) {
      const sv = subRing[slot + x];
      if (!(convRow[x] > thrRing[slot + x]) || sv !== sv) {
        x++;
        continue;
      }
      const x0 = x;
      const runId = runY.length;
      runY.push(y);
      runX0.push(x0);
      runPix.push(pixIndex.length);
      uf.push(runId);
      while (x < w && convRow[x] > thrRing[slot + x] && subRing[slot + x] === subRing[slot + x]) {
        pixIndex.push(y * w + x);
        pixConv.push(convRow[x]);
        pixSub.push(subRing[slot + x]);
        pixThr.push(thrRing[slot + x]);
        x++;
      }
      runX1.push(x - 1);
    }
    const curEnd = runY.length;
    // Join with the previous row's runs (8-connected: ranges overlap after widening by one pixel).
    if (prevEnd > prevStart && runY.data[prevStart] === y - 1) {
      let p = prevStart;
      for (let c = curStart; c < curEnd; c++) {
        const cx0 = runX0.data[c] - 1;
        const cx1 = runX1.data[c] + 1;
        while (p < prevEnd && runX1.data[p] < cx0) p++;
        for (let q = p; q < prevEnd && runX0.data[q] <= cx1; q++) union(uf.data, c, q);
      }
    }
    prevStart = curStart;
    prevEnd = curEnd;
  }
  return groupRuns(
    runY.length,
    uf.data,
    runPix.view(),
    pixIndex.length,
    pixIndex.view(),
    pixConv.view(),
    pixSub.view(),
    pixThr.view(),
    options.minAreaPx,
  );
}

/** Background-subtracted row into the rings (NaN for masked pixels) and the zero-padded convolution input. */
function loadRow(
  data: Float32Array,
  rowOff: number,
  w: number,
  bkgRow: Float32Array,
  rmsRow: Float32Array,
  mask: Uint8Array | undefined,
  threshSigma: number,
  subRing: Float32Array,
  thrRing: Float32Array,
  slot: number,
  padded: Float32Array,
  r: number,
): void {
  if (mask === undefined) {
    // Without a mask, one loop without the per-pixel mask test (the same values).
    for (let x = 0; x < w; x++) {
      const v = data[rowOff + x] - bkgRow[x];
      subRing[slot + x] = v;
      thrRing[slot + x] = threshSigma * rmsRow[x];
      padded[x + r] = v === v ? v : 0;
    }
    return;
  }
  for (let x = 0; x < w; x++) {
    let v = data[rowOff + x] - bkgRow[x];
    if (mask[rowOff + x] !== 0) v = Number.NaN;
    subRing[slot + x] = v;
    thrRing[slot + x] = threshSigma * rmsRow[x];
    padded[x + r] = v === v ? v : 0;
  }
}

/** Horizontal pass of the symmetric kernel: centre tap plus pairs. */
function convolveRowX(
  padded: Float32Array,
  kernel: Float32Array,
  r: number,
  w: number,
  hconv: Float32Array,
  slot: number,
): void {
  const k0 = kernel[r];
  if (r === 2) {
    // The 5-tap kernel (FWHM 3, the default) unrolled: the same operations in the same order.
    const k1 = kernel[3];
    const k2 = kernel[4];
    for (let x = 0; x < w; x++) {
      const c = x + 2;
      hconv[slot + x] = k0 * padded[c] + k1 * (padded[c - 1] + padded[c + 1]) + k2 * (padded[c - 2] + padded[c + 2]);
    }
    return;
  }
  for (let x = 0; x < w; x++) {
    const c = x + r;
    let s = k0 * padded[c];
    for (let j = 1; j <= r; j++) s += kernel[r + j] * (padded[c - j] + padded[c + j]);
    hconv[slot + x] = s;
  }
}

/** Output row y of the 2-D correlation with a user kernel (rows outside the tile count as zero). */
function correlateRow2d(
  paddedRing: Float32Array,
  kernel: FilterKernel,
  r: number,
  w: number,
  y: number,
  h: number,
  ringRows: number,
  convRow: Float32Array,
): void {
  const stride = w + 2 * r;
  const k = kernel.size;
  convRow.fill(0);
  for (let j = -r; j <= r; j++) {
    if (y + j < 0 || y + j >= h) continue;
    const row = ((y + j) % ringRows) * stride;
    const krow = (j + r) * k;
    for (let i = 0; i < k; i++) {
      const kv = kernel.data[krow + i];
      if (kv === 0) continue;
      // padded[x + r] holds pixel x, so tap i (offset i − r) of output x reads padded[x + i].
      const base = row + i;
      for (let x = 0; x < w; x++) convRow[x] += kv * paddedRing[base + x];
    }
  }
}

/** Vertical pass for output row y: centre row plus symmetric pairs (rows outside the tile count as zero). */
function convolveRowY(
  hconv: Float32Array,
  kernel: Float32Array,
  r: number,
  w: number,
  y: number,
  h: number,
  ringRows: number,
  convRow: Float32Array,
): void {
  const c0 = (y % ringRows) * w;
  const k0 = kernel[r];
  if (r === 2 && y >= 2 && y + 2 < h) {
    // The 5-tap kernel (FWHM 3, the default) away from the tile's edges, in one pass: the same operations
    // in the same order, each partial sum rounded to float32 as the Float32Array row stored it.
    const u1 = ((y - 1) % ringRows) * w;
    const d1 = ((y + 1) % ringRows) * w;
    const u2 = ((y - 2) % ringRows) * w;
    const d2 = ((y + 2) % ringRows) * w;
    const k1 = kernel[3];
    const k2 = kernel[4];
    for (let x = 0; x < w; x++) {
      const s = Math.fround(k0 * hconv[c0 + x]);
      const t = Math.fround(s + k1 * (hconv[u1 + x] + hconv[d1 + x]));
      convRow[x] = t + k2 * (hconv[u2 + x] + hconv[d2 + x]);
    }
    return;
  }
  for (let x = 0; x < w; x++) convRow[x] = k0 * hconv[c0 + x];
  for (let j = 1; j <= r; j++) {
    const kv = kernel[r + j];
    const up = y - j >= 0 ? ((y - j) % ringRows) * w : -1;
    const down = y + j < h ? ((y + j) % ringRows) * w : -1;
    if (up >= 0 && down >= 0) for (let x = 0; x < w; x++) convRow[x] += kv * (hconv[up + x] + hconv[down + x]);
    else if (up >= 0) for (let x = 0; x < w; x++) convRow[x] += kv * hconv[up + x];
    else if (down >= 0) for (let x = 0; x < w; x++) convRow[x] += kv * hconv[down + x];
  }
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  // Keep the earlier run as root, so roots are the raster-first run of each group.
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

function groupRuns(
  nRuns: number,
  uf: Int32Array,
  runPix: Int32Array,
  nPix: number,
  pixIndex: Int32Array,
  pixConv: Float32Array,
  pixSub: Float32Array,
  pixThr: Float32Array,
  minArea: number,
): Footprints {
  const groupOfRoot = new Int32Array(nRuns).fill(-1);
  const runGroup = new Int32Array(nRuns);
  const sizes = new GrowableInt32();
  for (let i = 0; i < nRuns; i++) {
    const root = find(uf, i);
    if (groupOfRoot[root] < 0) {
      groupOfRoot[root] = sizes.length;
      sizes.push(0);
    }
    const g = groupOfRoot[root];
    runGroup[i] = g;
    const end = i + 1 < nRuns ? runPix[i + 1] : nPix;
    sizes.data[g] += end - runPix[i];
  }
  // Keep groups of at least minArea pixels, in order of their first (raster) pixel.
  const nGroups = sizes.length;
  const keptId = new Int32Array(nGroups).fill(-1);
  let count = 0;
  let total = 0;
  for (let g = 0; g < nGroups; g++) {
    if (sizes.data[g] >= minArea) {
      keptId[g] = count++;
      total += sizes.data[g];
    }
  }
  const start = new Int32Array(count + 1);
  for (let g = 0; g < nGroups; g++) if (keptId[g] >= 0) start[keptId[g] + 1] = sizes.data[g];
  for (let p = 0; p < count; p++) start[p + 1] += start[p];
  const fill = start.slice(0, count);
  const index = new Int32Array(total);
  const conv = new Float32Array(total);
  const sub = new Float32Array(total);
  const thresh = new Float32Array(total);
  for (let i = 0; i < nRuns; i++) {
    const id = keptId[runGroup[i]];
    if (id < 0) continue;
    const end = i + 1 < nRuns ? runPix[i + 1] : nPix;
    for (let k = runPix[i]; k < end; k++) {
      const o = fill[id]++;
      index[o] = pixIndex[k];
      conv[o] = pixConv[k];
      sub[o] = pixSub[k];
      thresh[o] = pixThr[k];
    }
  }
  return { count, start, index, conv, sub, thresh };
}
