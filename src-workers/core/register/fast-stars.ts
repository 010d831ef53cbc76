/**
 * A fast star finder for registration: local maxima of the background-subtracted image above
 * `threshSigma`·σ (SExtractor-style mesh background), refined by an iterative Gaussian-windowed centroid
 * (SExtractor XWIN/YWIN, σ_win = 1.5 px). Sharp single-pixel peaks (hot pixels, cosmic rays) are
 * dropped. Much cheaper than full source extraction, and registration only needs positions.
 */
import { buildBackgroundModel, createBackgroundEvaluator } from '../background/index.js';
import type { Image } from '../image/index.js';
import type { StarList } from './asterism.js';

export interface FastStarOptions {
  /** Detection threshold on the peak pixel, in background sigmas [8]. */
  threshSigma?: number;
  /** Most stars returned (brightest by windowed flux) [800]. */
  maxStars?: number;
  /** Ignore peaks closer than this to the edge, px [4]. */
  edgePx?: number;
}

/** Finds stars quickly; returns them brightest first. */
export function findStarsFast(image: Image, options: FastStarOptions = {}): StarList {
  const { width: w, height: h, data } = image;
  const thresh = options.threshSigma ?? 8;
  const edge = Math.max(3, options.edgePx ?? 4);
  const model = buildBackgroundModel(image, { meshSizePx: 64, filterSize: 3 });
  const evaluator = createBackgroundEvaluator(model);
  // Full-resolution background and noise maps (the windows below read neighbouring rows).
  const bgMap = new Float32Array(w * h);
  const rmsMap = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    evaluator.row(y, 0, w, bgMap.subarray(y * w, (y + 1) * w), rmsMap.subarray(y * w, (y + 1) * w));
  const cand: number[] = [];
  for (let y = edge; y < h - edge; y++) {
    for (let x = edge; x < w - edge; x++) {
      const i = y * w + x;
      const v = data[i] - bgMap[i];
      if (!(v > thresh * rmsMap[i])) continue;
      // Strict local maximum over 5×5 (ties broken towards the lower index).
      let isMax = true;
      for (let dy = -2; dy <= 2 && isMax; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          if (dx === 0 && dy === 0) continue;
          const j = i + dy * w + dx;
          const u = data[j] - bgMap[j];
          if (u > v || (u === v && j < i)) {
            isMax = false;
            break;
          }
        }
      }
      if (!isMax) continue;
      // A star spreads light into its neighbours; a hot pixel or cosmic-ray hit does not.
      const n4 =
        data[i - 1] -
        bgMap[i - 1] +
        data[i + 1] -
        bgMap[i + 1] +
        data[i - w] -
        bgMap[i - w] +
        data[i + w] -
        bgMap[i + w];
      if (n4 < 0.4 * v) continue;
      cand.push(i);
    }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  const fs: number[] = [];
  const s2 = 2 * 1.5 * 1.5;
  for (const i of cand) {
    let cx = i % w;
    let cy = (i - cx) / w;
    let flux = 0;
    let ok = true;
    for (let it = 0; it < 5; it++) {
      const x0 = Math.round(cx);
      const y0 = Math.round(cy);
      if (x0 < 4 || y0 < 4 || x0 >= w - 4 || y0 >= h - 4) {
        ok = false;
        break;
      }
      let sw = 0;
      let sx = 0;
      let sy = 0;
      flux = 0;
      for (let yy = y0 - 4; yy <= y0 + 4; yy++) {
        for (let xx = x0 - 4; xx <= x0 + 4; xx++) {
          const j = yy * w + xx;
          const v = data[j] - bgMap[j];
          if (!(v === v)) continue;
          const wgt = Math.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / s2) * v;
          sw += wgt;
          sx += wgt * (xx - cx);
          sy += wgt * (yy - cy);
          flux += v;
        }
      }
      if (!(sw > 0)) {
        ok = false;
        break;
      }
      // SExtractor's windowed-centroid update (factor 2 of XWIN).
      const dx = (2 * sx) / sw;
      const dy = (2 * sy) / sw;
      cx += Math.max(-1, Math.min(1, dx));
      cy += Math.max(-1, Math.min(1, dy));
      if (Math.abs(dx) < 1e-4 && Math.abs(dy) < 1e-4) break;
    }
    if (!ok || !(flux > 0)) continue;
    xs.push(cx);
    ys.push(cy);
    fs.push(flux);
  }
  const order = xs
    .map((_, k) => k)
    .sort((a, b) => fs[b] - fs[a] || a - b)
    .slice(0, options.maxStars ?? 800);
  return {
    count: order.length,
    x: Float64Array.from(order, (k) => xs[k]),
    y: Float64Array.from(order, (k) => ys[k]),
    flux: Float64Array.from(order, (k) => fs[k]),
  };
}
