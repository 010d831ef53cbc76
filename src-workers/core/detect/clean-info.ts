/**
 * The per-object quantities SExtractor's CLEAN works with (SExtractor `scan_preanalyse` and `examineiso`),
 * packed CLEAN_STRIDE values per catalog row so that they travel with the rows through tiling and merging.
 * They are computed on the *filtered* image, as SExtractor does, not taken from the catalog's measurements:
 * the wing model of a galaxy is fitted to its filtered light, so the catalog's (unfiltered, windowed)
 * shape would under-estimate how far its wings reach.
 */

/** Values per catalog row in the `cleanInfo` array (offsets below). */
export const CLEAN_STRIDE = 13;
/** Σ filtered value over the object's pixels (SExtractor `fdflux`). */
export const CI_FLUX = 0;
/** The minarea-th largest (filtered value − threshold): the highest level at which the object still has
 * `minAreaPx` pixels (SExtractor `mthresh`). A wing model has to exceed it to swallow the object. */
export const CI_MTHRESH = 1;
/** Detection threshold of the object (SExtractor `dthresh`). */
export const CI_DTHRESH = 2;
/** Number of pixels (SExtractor `fdnpix`). */
export const CI_NPIX = 3;
/** Filtered-light barycentre, full-frame 0-based px. */
export const CI_X = 4;
export const CI_Y = 5;
/** Semi-axes of the filtered-light second moments, px. */
export const CI_A = 6;
export const CI_B = 7;
/** Ellipse coefficients of the filtered-light moments (SExtractor `cxx`, `cyy`, `cxy`). */
export const CI_CXX = 8;
export const CI_CYY = 9;
export const CI_CXY = 10;
/** Correction of a·b for the truncation of the profile at the threshold (SExtractor `abcor`, ≤ 1). */
export const CI_ABCOR = 11;
/** Full-frame raster index of the parent's last pixel: the order in which a line scan completes objects. */
export const CI_ORDER = 12;

/** Pixels of one parent as `extractFootprints` returns them (tile-local raster indices). */
export interface CleanPixels {
  index: Int32Array;
  conv: Float32Array;
  sub: Float32Array;
  thresh: Float32Array;
}

/** Where the tile sits in the full frame. */
export interface CleanGeometry {
  tileWidth: number;
  x0: number;
  y0: number;
  fullWidth: number;
}

/**
 * CLEAN_STRIDE values for the pixels [s, e) of `fp` whose `label` is `c` (all of them when `label` is null).
 * `base` is the parent's detection threshold; `minAreaPx` the detection minimum area.
 */
export function cleanInfoOf(
  fp: CleanPixels,
  s: number,
  e: number,
  label: Int32Array | null,
  c: number,
  base: number,
  minAreaPx: number,
  geometry: CleanGeometry,
): Float64Array {
  const out = new Float64Array(CLEAN_STRIDE);
  const w = geometry.tileWidth;
  const first = fp.index[s];
  const fx = first % w;
  const fy = (first - fx) / w;
  let flux = 0;
  let npix = 0;
  let peak = -Infinity;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  // The top `minAreaPx` values of conv − thresh, kept as a small min-heap.
  const heap = new Float64Array(Math.max(minAreaPx, 1));
  let heapN = 0;
  for (let k = s; k < e; k++) {
    if (label !== null && label[k - s] !== c) continue;
    const i = fp.index[k];
    const x = (i % w) - fx;
    const y = Math.floor(i / w) - fy;
    const v = fp.conv[k];
    flux += v;
    npix++;
    if (fp.sub[k] > peak) peak = fp.sub[k];
    sx += v * x;
    sy += v * y;
    sxx += v * x * x;
    syy += v * y * y;
    sxy += v * x * y;
    heapN = heapPush(heap, heapN, v - fp.thresh[k]);
  }
  if (npix === 0 || !(flux > 0)) return out;
  const mx = sx / flux;
  const my = sy / flux;
  let x2 = sxx / flux - mx * mx;
  let y2 = syy / flux - my * my;
  const xy = sxy / flux - mx * my;
  let det = x2 * y2 - xy * xy;
  // SExtractor's guard for fully correlated x/y (a one-pixel-wide object).
  if (det < 0.00694) {
    x2 += 1 / 12;
    y2 += 1 / 12;
    det = x2 * y2 - xy * xy;
  }
  const half = 0.5 * (x2 - y2);
  const root = Math.sqrt(half * half + xy * xy);
  const a = Math.sqrt(Math.max(0.5 * (x2 + y2) + root, 0));
  const b = Math.sqrt(Math.max(0.5 * (x2 + y2) - root, 0));
  // abcor: compares the area between the threshold and half-way to the peak with a Gaussian's of the same a·b.
  const thresh2 = (base + peak) / 2;
  let area2 = 0;
  let dnpix = 0;
  for (let k = s; k < e; k++) {
    if (label !== null && label[k - s] !== c) continue;
    if (fp.sub[k] > base) dnpix++;
    if (fp.sub[k] > thresh2) area2++;
  }
  const t1t2 = base / thresh2;
  let abcor = 1;
  if (t1t2 > 0 && a > 0 && b > 0) {
    const darea = area2 - dnpix;
    abcor = Math.min((darea < 0 ? darea : -1) / (2 * Math.PI * Math.log(t1t2 < 1 ? t1t2 : 0.99) * a * b), 1);
  }
  out[CI_FLUX] = flux;
  out[CI_MTHRESH] = heapN >= minAreaPx ? heap[0] : 0;
  out[CI_DTHRESH] = base;
  out[CI_NPIX] = npix;
  out[CI_X] = mx + fx + geometry.x0;
  out[CI_Y] = my + fy + geometry.y0;
  out[CI_A] = a;
  out[CI_B] = b;
  out[CI_CXX] = y2 / det;
  out[CI_CYY] = x2 / det;
  out[CI_CXY] = (-2 * xy) / det;
  out[CI_ABCOR] = abcor;
  const last = fp.index[e - 1];
  const lx = last % w;
  out[CI_ORDER] = ((last - lx) / w + geometry.y0) * geometry.fullWidth + lx + geometry.x0;
  return out;
}

/** Keeps the largest `heap.length` values seen (min at [0]); returns the new fill count. */
function heapPush(heap: Float64Array, n: number, v: number): number {
  const cap = heap.length;
  if (n < cap) {
    let j = n;
    heap[j] = v;
    while (j > 0) {
      const parent = (j - 1) >> 1;
      if (heap[parent] <= heap[j]) break;
      const t = heap[parent];
      heap[parent] = heap[j];
      heap[j] = t;
      j = parent;
    }
    return n + 1;
  }
  if (!(v > heap[0])) return n;
  heap[0] = v;
  let j = 0;
  for (;;) {
    const l = 2 * j + 1;
    if (l >= cap) break;
    const r = l + 1;
    const m = r < cap && heap[r] < heap[l] ? r : l;
    if (heap[j] <= heap[m]) break;
    const t = heap[m];
    heap[m] = heap[j];
    heap[j] = t;
    j = m;
  }
  return n;
}
