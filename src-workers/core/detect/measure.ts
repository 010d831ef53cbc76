import type { BackgroundEvaluator } from '../background/background-model.js';
import type { SourceCatalog } from '../catalog/catalog.js';
import { SourceFlag } from '../catalog/flags.js';
import type { Image } from '../image/image.js';
import { apertureSumError, ellipticalApertureSum } from '../photometry/aperture.js';
import type { TileGeometry } from './extract.js';
import { Scratch } from './scratch.js';

/** Everything the per-object measurements read, shared by all objects of a tile. */
export interface MeasureContext {
  image: Image;
  geometry: TileGeometry;
  evaluator: BackgroundEvaluator;
  gainEPerAdu?: number;
  saturationLevel?: number;
  /** Non-zero = masked (tile-local). */
  mask?: Uint8Array;
}

/**
 * Pixels of one object (tile-local indices, background-subtracted values) and, for blends, a label map of
 * the family so that siblings can be excluded (`familyLabel[(y−fy0)·fw + (x−fx0)]`, −1 = not in family).
 */
export interface ObjectPixels {
  index: Int32Array;
  sub: Float32Array;
  label: number;
  family?: { x0: number; y0: number; w: number; h: number; label: Int32Array };
}

const KRON_FACTOR = 2.5;
const KRON_MIN_RADIUS = 3.5;
const KRON_SCAN = 6;
const WIN_NSIG = 4;
const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/**
 * Measures one object into row `row` of `cat` (SExtractor manual §"Measurements"): isophotal flux, peak,
 * barycentre and second moments (a, b, theta), Kron radius and AUTO flux (factor 2.5, minimum 3.5), half-light
 * radius (sub-pixel growth curve), windowed centroid (XWIN: Gaussian window of σ = 2·r½/2.3548, iterated) with its error, and FWHM
 * from the window-deconvolved second moments. Positions are written in full-frame coordinates.
 * Returns the reach in px around the barycentre that the measurements read (for tile completeness).
 */
export function measureObject(
  ctx: MeasureContext,
  obj: ObjectPixels,
  cat: SourceCatalog,
  row: number,
  scratch: Scratch = new Scratch(),
): number {
  const { image, geometry } = ctx;
  const w = image.width;
  const h = image.height;
  const data = image.data;
  let flags = 0;
  // Isophotal quantities.
  let sum = 0;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let peak = -Infinity;
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  const satur = ctx.saturationLevel ?? Number.POSITIVE_INFINITY;
  const n = obj.index.length;
  // All arithmetic is relative to the object's first pixel (ax, ay), so that results are bit-identical
  // wherever the tile starts; `ox`, `oy` is that pixel in the full frame.
  const ax = obj.index[0] % w;
  const ay = (obj.index[0] - ax) / w;
  const ox = ax + geometry.x0;
  const oy = ay + geometry.y0;
  for (let k = 0; k < n; k++) {
    const i = obj.index[k];
    const x = (i % w) - ax;
    const y = (i - (i % w)) / w - ay;
    const v = obj.sub[k];
    sum += v;
    if (v > peak) peak = v;
    const wv = v > 0 ? v : 0;
    sw += wv;
    sx += wv * x;
    sy += wv * y;
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
    if (data[i] >= satur) flags |= SourceFlag.SATURATED;
  }
  if (
    xmin + ox === 0 ||
    ymin + oy === 0 ||
    xmax + ox === geometry.fullWidth - 1 ||
    ymax + oy === geometry.fullHeight - 1
  ) {
    flags |= SourceFlag.TRUNCATED;
  }
  const cx = sw > 0 ? sx / sw : (xmin + xmax) / 2;
  const cy = sw > 0 ? sy / sw : (ymin + ymax) / 2;
  let x2 = 0;
  let y2 = 0;
  let xy = 0;
  if (sw > 0) {
    for (let k = 0; k < n; k++) {
      const i = obj.index[k];
      const x = (i % w) - ax;
      const y = (i - (i % w)) / w - ay;
      const v = obj.sub[k] > 0 ? obj.sub[k] : 0;
      const dx = x - cx;
      const dy = y - cy;
      x2 += v * dx * dx;
      y2 += v * dy * dy;
      xy += v * dx * dy;
    }
    x2 /= sw;
    y2 /= sw;
    xy /= sw;
  }
  // SExtractor's fix for single-pixel-wide or point-like objects.
  if (x2 * y2 - xy * xy < 1 / 144) {
    x2 += 1 / 12;
    y2 += 1 / 12;
  }
  const t1 = (x2 + y2) / 2;
  const t2 = Math.sqrt(((x2 - y2) / 2) ** 2 + xy * xy);
  const a = Math.sqrt(t1 + t2);
  const b = Math.sqrt(Math.max(t1 - t2, 0));
  const thetaDeg = (0.5 * Math.atan2(2 * xy, x2 - y2) * 180) / Math.PI;
  const det = x2 * y2 - xy * xy;
  const cxx = y2 / det;
  const cyy = x2 / det;
  const cxy = (-2 * xy) / det;

  const bg = ctx.evaluator.at(cx + ox, cy + oy);
  const bkg = bg.background;
  const rms = bg.rms;
  const view = new PixelView(data, w, h, ctx.mask, obj.family, obj.label, ax, ay, cx, cy, bkg);
  const plain = obj.family === undefined && ctx.mask === undefined;
  const valueAt = plain ? undefined : (index: number): number => view.valueAtIndex(index);

  // Kron radius: first moment of elliptical radius within KRON_SCAN × the isophotal ellipse.
  const scanA = KRON_SCAN * a;
  const kron = kronMoments(view, cx, cy, cxx, cyy, cxy, scanA);
  const nearMasked = kron.nearMasked;
  let kronRadius = kron.kr0 > 0 && kron.kr1 > 0 ? kron.kr1 / kron.kr0 : Number.NaN;
  if (!Number.isFinite(kronRadius)) {
    flags |= SourceFlag.MEASURE_FAILED;
    kronRadius = KRON_MIN_RADIUS / KRON_FACTOR;
  }
  const autoR = Math.max(KRON_FACTOR * kronRadius, KRON_MIN_RADIUS);
  const auto = ellipticalApertureSum(image, cx, cy, autoR * a, autoR * b, thetaDeg, bkg, 5, valueAt, ax, ay);
  if (auto.incomplete) flags |= SourceFlag.APERTURE_INCOMPLETE;
  const fluxAuto = auto.sum;
  const fluxAutoErr = apertureSumError(auto, rms, ctx.gainEPerAdu);

  // Half-light radius: growth curve from 3×3 sub-pixel samples binned in r² (0.01 px² bins, no square root
  // per sample), as SExtractor's FLUX_RADIUS relative to FLUX_AUTO; linear interpolation in the crossing bin.
  const rMax = autoR * a;
  const fluxRadius = fluxAuto > 0 && rMax > 0 ? halfLightRadius(view, cx, cy, rMax, fluxAuto, scratch) : Number.NaN;

  // Window σ from the half-light radius (SExtractor: 2·r½/2.35), kept within [0.5, 2·a + 0.5] px so that a
  // noisy r½ of a faint object cannot open a huge, slow and noisy window.
  const sigWin = Math.min(
    Math.max(Number.isFinite(fluxRadius) && fluxRadius > 0 ? (2 * fluxRadius) / FWHM_PER_SIGMA : a, 0.5),
    2 * a + 0.5,
  );
  const inv2s2 = 1 / (2 * sigWin * sigWin);
  const rWin = WIN_NSIG * sigWin;
  const gain = ctx.gainEPerAdu !== undefined && ctx.gainEPerAdu > 0 ? ctx.gainEPerAdu : 0;
  const win = windowedCentroid(view, cx, cy, sigWin, rWin, inv2s2, rms, gain, scratch);
  let wx = win.wx;
  let wy = win.wy;
  const converged = win.converged;
  const m2 = win.m2;
  let errX = win.errX;
  let errY = win.errY;
  if (!converged) {
    flags |= SourceFlag.MEASURE_FAILED;
    wx = cx;
    wy = cy;
    const isoErr = rms > 0 && sw > 0 ? (rms * Math.sqrt(n) * Math.sqrt(x2 + y2)) / sw : Number.NaN;
    errX = isoErr;
    errY = isoErr;
  }
  // FWHM: a Gaussian of σs seen through a Gaussian window σw has m2 = σs²σw²/(σs² + σw²).
  const s2w = sigWin * sigWin;
  let fwhm: number;
  if (converged && m2 > 0 && m2 < 0.95 * s2w) fwhm = FWHM_PER_SIGMA * Math.sqrt((m2 * s2w) / (s2w - m2));
  else fwhm = FWHM_PER_SIGMA * Math.sqrt((a * a + b * b) / 2);

  if (nearMasked) flags |= SourceFlag.NEAR_MASKED;
  if (obj.family) flags |= SourceFlag.BLENDED;
  cat.x[row] = wx + ox;
  cat.y[row] = wy + oy;
  cat.xErr[row] = errX;
  cat.yErr[row] = errY;
  cat.fluxAuto[row] = fluxAuto;
  cat.fluxAutoErr[row] = fluxAutoErr;
  cat.fluxIso[row] = sum;
  cat.background[row] = bkg;
  cat.peak[row] = peak;
  cat.npix[row] = n;
  cat.a[row] = a;
  cat.b[row] = b;
  cat.theta[row] = thetaDeg;
  cat.ellipticity[row] = a > 0 ? 1 - b / a : 0;
  cat.fwhm[row] = fwhm;
  cat.fluxRadius[row] = fluxRadius;
  cat.kronRadius[row] = kronRadius;
  cat.snr[row] = fluxAutoErr > 0 ? fluxAuto / fluxAutoErr : Number.NaN;
  cat.flags[row] = flags;
  return Math.ceil(Math.max(scanA, autoR * a, rWin + 2 * sigWin + 1)) + 2;
}

/** The pixels one object's measurements read, with neighbours' pixels mirrored (SExtractor MASK_TYPE CORRECT). */
class PixelView {
  constructor(
    readonly data: Float32Array,
    readonly w: number,
    readonly h: number,
    readonly mask: Uint8Array | undefined,
    readonly family: ObjectPixels['family'],
    readonly label: number,
    /** The object's first pixel (tile-local): measurements use coordinates relative to it. */
    readonly ax: number,
    readonly ay: number,
    /** Barycentre relative to (ax, ay), the mirror centre. */
    readonly cx: number,
    readonly cy: number,
    readonly bkg: number,
  ) {}

  /** True when tile-local (x, y) belongs to another child of the same blend. */
  isSibling(x: number, y: number): boolean {
    const family = this.family;
    if (family === undefined) return false;
    const fx = x - family.x0;
    const fy = y - family.y0;
    if (fx < 0 || fy < 0 || fx >= family.w || fy >= family.h) return false;
    const l = family.label[fy * family.w + fx];
    return l >= 0 && l !== this.label;
  }

  /** Pixel at tile-local (x, y); NaN off the tile or masked. */
  raw(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return Number.NaN;
    const i = y * this.w + x;
    return this.mask !== undefined && this.mask[i] !== 0 ? Number.NaN : this.data[i];
  }

  /** Value at tile-local (x, y): NaN off the tile or masked, siblings replaced by their mirror pixel. */
  value(x: number, y: number): number {
    if (this.family === undefined) return this.raw(x, y);
    if (!this.isSibling(x, y)) return this.raw(x, y);
    const mx = Math.round(2 * this.cx - (x - this.ax)) + this.ax;
    const my = Math.round(2 * this.cy - (y - this.ay)) + this.ay;
    if (this.isSibling(mx, my)) return this.bkg;
    const m = this.raw(mx, my);
    return m === m ? m : this.bkg;
  }

  valueAtIndex(index: number): number {
    const x = index % this.w;
    return this.value(x, (index - x) / this.w);
  }
}

/** Σ r·I and Σ I over the ellipse r ≤ KRON_SCAN (coordinates relative to the first pixel). */
function kronMoments(
  view: PixelView,
  cx: number,
  cy: number,
  cxx: number,
  cyy: number,
  cxy: number,
  scanA: number,
): { kr1: number; kr0: number; nearMasked: boolean } {
  const { ax, ay, bkg } = view;
  let kr1 = 0;
  let kr0 = 0;
  let nearMasked = false;
  const sxA = Math.ceil(scanA);
  const scan2 = KRON_SCAN * KRON_SCAN;
  for (let y = Math.floor(cy) - sxA; y <= Math.ceil(cy) + sxA; y++) {
    const dy = y - cy;
    // Columns where the ellipse can hold: roots of cxx·dx² + cxy·dy·dx + cyy·dy² − R² = 0 (±1 px slack;
    // the exact test below decides).
    const disc = cxy * cxy * dy * dy - 4 * cxx * (cyy * dy * dy - scan2);
    if (disc < 0) continue;
    const sq = Math.sqrt(disc);
    const xLo = Math.max(Math.floor(cx) - sxA, Math.floor(cx + (-cxy * dy - sq) / (2 * cxx)) - 1);
    const xHi = Math.min(Math.ceil(cx) + sxA, Math.ceil(cx + (-cxy * dy + sq) / (2 * cxx)) + 1);
    for (let x = xLo; x <= xHi; x++) {
      const dx = x - cx;
      const r2 = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
      if (r2 > scan2) continue;
      const v = view.value(x + ax, y + ay);
      if (v !== v) {
        nearMasked = true;
        continue;
      }
      const s = v - bkg;
      kr1 += Math.sqrt(r2) * s;
      kr0 += s;
    }
  }
  return { kr1, kr0, nearMasked };
}

/**
 * `Math.floor(value / step)` for value ≥ 0 by a multiplication with `inverse` (= 1 / step): the product is
 * within two ulps of the quotient, so the two floors can differ only next to an integer, where the
 * division decides. The same index as the division, without a division per call.
 */
export function floorQuotient(value: number, step: number, inverse: number): number {
  const t = value * inverse;
  const b = Math.floor(t);
  const eps = 1e-13 * (t + 1);
  return t - b < eps || b + 1 - t < eps ? Math.floor(value / step) : b;
}

/**
 * Half-light radius: growth curve from 3×3 sub-pixel samples binned in r² (0.01 px² bins, no square root
 * per sample), as SExtractor's FLUX_RADIUS relative to FLUX_AUTO; linear interpolation in the crossing bin.
 */
function halfLightRadius(
  view: PixelView,
  cx: number,
  cy: number,
  rMax: number,
  fluxAuto: number,
  scratch: Scratch,
): number {
  const { ax, ay, bkg } = view;
  const binR2 = 0.01;
  const invBin = 1 / binR2;
  const rMax2 = rMax * rMax;
  const nBins = Math.ceil(rMax2 / binR2) + 1;
  const bins = scratch.f64('bins', nBins).fill(0);
  const reach = Math.ceil(rMax);
  const plain = view.family === undefined && view.mask === undefined;
  const { data, w, h } = view;
  for (let y = Math.floor(cy) - reach; y <= Math.ceil(cy) + reach; y++) {
    const dyc = y - cy;
    if (Math.abs(dyc) - 0.5 > rMax) continue;
    let xa = Math.floor(cx) - reach;
    let xb = Math.ceil(cx) + reach;
    // Plain objects read the tile directly, clipped to it (off-tile pixels are NaN and skipped anyway).
    let rowBase = 0;
    if (plain) {
      const ty = y + ay;
      if (ty < 0 || ty >= h) continue;
      xa = Math.max(xa, -ax);
      xb = Math.min(xb, w - 1 - ax);
      rowBase = ty * w + ax;
    }
    for (let x = xa; x <= xb; x++) {
      const dxc = x - cx;
      if (Math.abs(dxc) - 0.5 > rMax) continue;
      const v = plain ? data[rowBase + x] : view.value(x + ax, y + ay);
      if (v !== v) continue;
      const q = (v - bkg) / 9;
      for (let sy = -1; sy <= 1; sy++) {
        const ddy = dyc + sy / 3;
        const ddy2 = ddy * ddy;
        for (let sx = -1; sx <= 1; sx++) {
          const ddx = dxc + sx / 3;
          const d2 = ddx * ddx + ddy2;
          if (d2 <= rMax2) bins[floorQuotient(d2, binR2, invBin)] += q;
        }
      }
    }
  }
  const half = 0.5 * fluxAuto;
  let cum = 0;
  for (let k = 0; k < nBins; k++) {
    const next = cum + bins[k];
    if (next >= half && bins[k] > 0) return Math.sqrt(binR2 * (k + (half - cum) / bins[k]));
    cum = next;
  }
  return Number.NaN;
}

/** SExtractor's iterated windowed centroid (XWIN/YWIN) with its error and the window-weighted second moment. */
function windowedCentroid(
  view: PixelView,
  cx: number,
  cy: number,
  sigWin: number,
  rWin: number,
  inv2s2: number,
  rms: number,
  gain: number,
  scratch: Scratch,
): { wx: number; wy: number; converged: boolean; m2: number; errX: number; errY: number } {
  const { ax, ay, bkg } = view;
  let wx = cx;
  let wy = cy;
  let converged = false;
  let m2 = Number.NaN;
  let errX = Number.NaN;
  let errY = Number.NaN;
  const rr = Math.ceil(rWin);
  const plain = view.family === undefined && view.mask === undefined;
  const data = view.data;
  const gx = scratch.f64('gx', 2 * rr + 3);
  const gy = scratch.f64('gy', 2 * rr + 3);
  const rms2 = rms * rms;
  // Blended or masked objects read their (mirrored) pixels through `view.value`, the same pixels in every
  // iteration: each is computed once and cached over the box the window can reach before the drift test
  // stops the loop (pixels outside it, if any, are read directly).
  const drift = 2 * sigWin + 1;
  const bx0 = Math.floor(cx - drift) - rr - 1;
  const by0 = Math.floor(cy - drift) - rr - 1;
  const bw = plain ? 0 : Math.ceil(cx + drift) + rr + 2 - bx0;
  const bh = plain ? 0 : Math.ceil(cy + drift) + rr + 2 - by0;
  const cache = scratch.f64('winCache', bw * bh);
  const cached = scratch.u8('winCached', bw * bh).fill(0);
  for (let it = 0; it < 16; it++) {
    let swi = 0;
    let sdx = 0;
    let sdy = 0;
    let sdx2 = 0;
    let sdy2 = 0;
    let vx = 0;
    let vy = 0;
    // The Gaussian window is separable: one exp per column and per row instead of per pixel.
    const xs0 = Math.floor(wx) - rr;
    const ys0 = Math.floor(wy) - rr;
    const span = Math.ceil(wx) + rr - xs0 + 1;
    const spanY = Math.ceil(wy) + rr - ys0 + 1;
    for (let k = 0; k < span; k++) gx[k] = Math.exp(-((xs0 + k - wx) ** 2) * inv2s2);
    for (let k = 0; k < spanY; k++) gy[k] = Math.exp(-((ys0 + k - wy) ** 2) * inv2s2);
    const rWin2 = rWin * rWin;
    for (let ky = 0; ky < spanY; ky++) {
      const y = ys0 + ky;
      const dy = y - wy;
      const half2 = rWin2 - dy * dy;
      if (half2 < 0) continue;
      // Only the columns inside the window circle on this row.
      const halfW = Math.sqrt(half2);
      let kx0 = Math.max(0, Math.ceil(wx - halfW) - xs0);
      let kx1 = Math.min(span - 1, Math.floor(wx + halfW) - xs0);
      // Plain objects read the tile directly: pixels off the tile are NaN (skipped), so the row and the
      // columns are clipped to the tile instead, which skips exactly the same pixels.
      let rowBase = 0;
      if (plain) {
        const ty = y + ay;
        if (ty < 0 || ty >= view.h) continue;
        kx0 = Math.max(kx0, -ax - xs0);
        kx1 = Math.min(kx1, view.w - 1 - ax - xs0);
        rowBase = ty * view.w + ax + xs0;
      }
      for (let kx = kx0; kx <= kx1; kx++) {
        const x = xs0 + kx;
        const dx = x - wx;
        const d2 = dx * dx + dy * dy;
        if (d2 > rWin * rWin) continue;
        let v: number;
        if (plain) v = data[rowBase + kx];
        else {
          const bx = x - bx0;
          const by = y - by0;
          if (bx >= 0 && by >= 0 && bx < bw && by < bh) {
            const ci = by * bw + bx;
            if (cached[ci] === 0) {
              cache[ci] = view.value(x + ax, y + ay);
              cached[ci] = 1;
            }
            v = cache[ci];
          } else v = view.value(x + ax, y + ay);
        }
        if (v !== v) continue;
        const s = v - bkg;
        const g = gx[kx] * gy[ky];
        const gs = g * s;
        swi += gs;
        sdx += gs * dx;
        sdy += gs * dy;
        sdx2 += gs * dx * dx;
        sdy2 += gs * dy * dy;
        const varPix = gain > 0 && s > 0 ? rms2 + s / gain : rms2;
        vx += g * g * varPix * dx * dx;
        vy += g * g * varPix * dy * dy;
      }
    }
    if (!(swi > 0)) break;
    const ddx = (2 * sdx) / swi;
    const ddy = (2 * sdy) / swi;
    m2 = (sdx2 + sdy2) / (2 * swi);
    errX = Math.sqrt((4 * vx) / (swi * swi));
    errY = Math.sqrt((4 * vy) / (swi * swi));
    wx += ddx;
    wy += ddy;
    if ((wx - cx) ** 2 + (wy - cy) ** 2 > (2 * sigWin + 1) ** 2) break;
    // Converged when the step is below 1e-3 px, far under the centroid noise of any detection.
    if (ddx * ddx + ddy * ddy < 1e-6) {
      converged = true;
      break;
    }
  }
  return { wx, wy, converged, m2, errX, errY };
}
