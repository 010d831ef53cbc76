import { createBackgroundEvaluator, type BackgroundModel } from '../background/background-model.js';
import { createCatalog, selectRows, type SourceCatalog } from '../catalog/catalog.js';
import { SourceFlag } from '../catalog/flags.js';
import { throwIfCancelled, type CancelToken } from '../errors.js';
import type { Image } from '../image/image.js';
import { deblendParent } from './deblend.js';
import { extractFootprints, type TileGeometry } from './extract.js';
import { gaussianKernel1d, type FilterKernel } from './kernel.js';
import { measureObject, type ObjectPixels } from './measure.js';
import { apertureReachPx, measureApertures, type ApertureSettings } from './aperture-phot.js';
import { CLEAN_STRIDE, cleanInfoOf } from './clean-info.js';
import { Scratch } from './scratch.js';

/** Detection parameters after defaults (see `DetectOptions` in `detect.ts`). */
export interface RegionOptions {
  threshSigma: number;
  minAreaPx: number;
  filterFwhmPx: number;
  /** A user matched-filter kernel; replaces the Gaussian of `filterFwhmPx` when given. */
  filterKernel?: FilterKernel;
  deblendNthresh: number;
  deblendCont: number;
  saturationLevel?: number;
  gainEPerAdu?: number;
  /** Non-zero = masked pixel, tile-local. */
  mask?: Uint8Array;
  /** Aperture photometry to do here (radius known in advance); otherwise the caller does it after merging. */
  aperture?: ApertureSettings;
  cancel?: CancelToken;
}

/** Inclusive rectangle in full-frame pixel coordinates. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A parent this tile owns but could not see completely; re-run it on a larger crop. */
export interface IncompleteParent {
  key: number;
  box: PixelBox;
}

/** Objects of one region, with a sort key that makes merged catalogs independent of the tiling. */
export interface RegionResult {
  catalog: SourceCatalog;
  /** Full-frame raster index of the parent's first pixel (y·W + x). */
  parentKey: Float64Array;
  /** Child number within the parent (deblending order). */
  childIndex: Int32Array;
  /** CLEAN_STRIDE values per row for `cleanCatalog`, applied after merging. */
  cleanInfo: Float64Array;
  incomplete: IncompleteParent[];
}

/**
 * Detects and measures the parents whose first pixel lies in `own`, on a tile placed at `geometry` in the
 * full frame. A parent is kept only when everything its measurements read lies inside the tile (or off the
 * frame), so the result does not depend on the tiling; the others are returned as `incomplete`.
 * `targetKey` restricts the work to one parent (used for re-runs on larger crops).
 */
export function detectRegion(
  image: Image,
  geometry: TileGeometry,
  model: BackgroundModel,
  options: RegionOptions,
  own: PixelBox,
  targetKey?: number,
): RegionResult {
  const evaluator = createBackgroundEvaluator(model);
  const scratch = new Scratch();
  const kernel = gaussianKernel1d(options.filterFwhmPx);
  const kr = options.filterKernel ? (options.filterKernel.size - 1) >> 1 : (kernel.length - 1) >> 1;
  const fp = extractFootprints(image, geometry, evaluator, {
    threshSigma: options.threshSigma,
    minAreaPx: options.minAreaPx,
    kernel,
    kernel2d: options.filterKernel,
    mask: options.mask,
    cancel: options.cancel,
  });
  const w = image.width;
  const tx0 = geometry.x0;
  const ty0 = geometry.y0;
  const tx1 = tx0 + w - 1;
  const ty1 = ty0 + image.height - 1;
  const openL = tx0 > 0;
  const openT = ty0 > 0;
  const openR = tx1 < geometry.fullWidth - 1;
  const openB = ty1 < geometry.fullHeight - 1;
  const cleanGeometry = { tileWidth: w, x0: tx0, y0: ty0, fullWidth: geometry.fullWidth };

  interface Child {
    key: number;
    child: number;
    parent: number;
    pixels: ObjectPixels;
    blendFlags: number;
    /** CLEAN_STRIDE values for CLEAN (`cleanInfoOf`). */
    clean: Float64Array;
  }
  const children: Child[] = [];
  const parentBoxes: PixelBox[] = [];
  const parentKeys: number[] = [];
  for (let p = 0; p < fp.count; p++) {
    if ((p & 255) === 0) throwIfCancelled(options.cancel);
    const s = fp.start[p];
    const e = fp.start[p + 1];
    const first = fp.index[s];
    const fx = (first % w) + tx0;
    const fy = Math.floor(first / w) + ty0;
    const key = fy * geometry.fullWidth + fx;
    if (targetKey !== undefined && key !== targetKey) continue;
    if (fx < own.x0 || fx > own.x1 || fy < own.y0 || fy > own.y1) continue;
    const n = e - s;
    const xs = scratch.i32('xs', n);
    const ys = scratch.i32('ys', n);
    let base = Infinity;
    let bx0 = Infinity;
    let bx1 = -Infinity;
    let by0 = Infinity;
    let by1 = -Infinity;
    // Coordinates relative to the first pixel keep deblending arithmetic independent of the tile origin.
    const fxl = first % w;
    const fyl = (first - fxl) / w;
    for (let k = 0; k < n; k++) {
      const i = fp.index[s + k];
      xs[k] = (i % w) - fxl;
      ys[k] = (i - (i % w)) / w - fyl;
      if (fp.thresh[s + k] < base) base = fp.thresh[s + k];
      if (xs[k] < bx0) bx0 = xs[k];
      if (xs[k] > bx1) bx1 = xs[k];
      if (ys[k] < by0) by0 = ys[k];
      if (ys[k] > by1) by1 = ys[k];
    }
    const box: PixelBox = { x0: bx0 + fx, y0: by0 + fy, x1: bx1 + fx, y1: by1 + fy };
    const pid = parentBoxes.length;
    parentBoxes.push(box);
    parentKeys.push(key);
    // Pixels whose filtered value could differ from the full frame's make the parent incomplete.
    const margin = kr + 1;
    if (
      (openL && box.x0 - margin < tx0) ||
      (openT && box.y0 - margin < ty0) ||
      (openR && box.x1 + margin > tx1) ||
      (openB && box.y1 + margin > ty1)
    ) {
      children.push({
        key,
        child: -1,
        parent: pid,
        pixels: { index: new Int32Array(0), sub: new Float32Array(0), label: 0 },
        blendFlags: 0,
        clean: new Float64Array(CLEAN_STRIDE),
      });
      continue;
    }
    const conv = fp.conv.subarray(s, e);
    const result = deblendParent(
      { n, x: xs, y: ys, conv, baseThresh: base },
      { nthresh: options.deblendNthresh, cont: options.deblendCont, minAreaPx: options.minAreaPx },
      scratch,
    );
    const blendFlags = result.failed ? SourceFlag.DEBLEND_FAILED : 0;
    if (result.count === 1) {
      children.push({
        key,
        child: 0,
        parent: pid,
        pixels: { index: fp.index.subarray(s, e), sub: fp.sub.subarray(s, e), label: 0 },
        blendFlags,
        clean: cleanInfoOf(fp, s, e, null, 0, base, options.minAreaPx, cleanGeometry),
      });
      continue;
    }
    const fw = bx1 - bx0 + 1;
    const fh = by1 - by0 + 1;
    const familyLabel = new Int32Array(fw * fh).fill(-1);
    const counts = new Int32Array(result.count);
    for (let k = 0; k < n; k++) {
      familyLabel[(ys[k] - by0) * fw + (xs[k] - bx0)] = result.label[k];
      counts[result.label[k]]++;
    }
    const family = { x0: bx0 + fxl, y0: by0 + fyl, w: fw, h: fh, label: familyLabel };
    for (let c = 0; c < result.count; c++) {
      const index = new Int32Array(counts[c]);
      const sub = new Float32Array(counts[c]);
      let o = 0;
      for (let k = 0; k < n; k++) {
        if (result.label[k] !== c) continue;
        index[o] = fp.index[s + k];
        sub[o] = fp.sub[s + k];
        o++;
      }
      children.push({
        key,
        child: c,
        parent: pid,
        pixels: { index, sub, label: c, family },
        blendFlags,
        clean: cleanInfoOf(fp, s, e, result.label, c, base, options.minAreaPx, cleanGeometry),
      });
    }
  }

  const cat = createCatalog(children.length);
  const apertureReach = options.aperture ? apertureReachPx(options.aperture) : 0;
  const parentOk = new Uint8Array(parentBoxes.length).fill(1);
  const ctx = {
    image,
    geometry,
    evaluator,
    gainEPerAdu: options.gainEPerAdu,
    saturationLevel: options.saturationLevel,
    mask: options.mask,
  };
  for (let r = 0; r < children.length; r++) {
    if ((r & 255) === 0) throwIfCancelled(options.cancel);
    const ch = children[r];
    if (ch.child < 0) {
      parentOk[ch.parent] = 0;
      continue;
    }
    if (!parentOk[ch.parent]) continue;
    const reach = Math.max(measureObject(ctx, ch.pixels, cat, r, scratch), apertureReach);
    cat.flags[r] |= ch.blendFlags;
    // Reach is measured around the (full-frame) centroid; it must stay in the tile unless off the frame.
    const cx = cat.x[r];
    const cy = cat.y[r];
    if (
      (openL && cx - reach < tx0) ||
      (openT && cy - reach < ty0) ||
      (openR && cx + reach > tx1) ||
      (openB && cy + reach > ty1)
    ) {
      parentOk[ch.parent] = 0;
    }
  }
  const keep: number[] = [];
  for (let r = 0; r < children.length; r++) if (children[r].child >= 0 && parentOk[children[r].parent]) keep.push(r);
  const incomplete: IncompleteParent[] = [];
  for (let p = 0; p < parentBoxes.length; p++)
    if (!parentOk[p]) incomplete.push({ key: parentKeys[p], box: parentBoxes[p] });
  const catalog = selectRows(cat, keep);
  const cleanInfo = new Float64Array(keep.length * CLEAN_STRIDE);
  keep.forEach((r, k) => cleanInfo.set(children[r].clean, k * CLEAN_STRIDE));
  if (options.aperture) measureApertures(image, tx0, ty0, evaluator, catalog, options.aperture, options.mask);
  return {
    catalog,
    parentKey: Float64Array.from(keep, (r) => children[r].key),
    childIndex: Int32Array.from(keep, (r) => children[r].child),
    cleanInfo,
    incomplete,
  };
}
