/**
 * L.A.Cosmic: cosmic-ray detection by Laplacian edge detection (van Dokkum 2001, PASP 113, 1420), in the
 * form popularised by astroscrappy (McCully et al.): the Laplacian of the 2×-subsampled image, clipped
 * at 0 and rebinned, is divided by a noise model sqrt(median(image) + readnoise²) (in electrons); large
 * structure is removed with a median; candidates above `sigclip` must also stand out from the
 * fine-structure image by `objlim`; neighbours are grown at `sigclip` and `sigfrac·sigclip`; detected
 * pixels are replaced by the 5×5 masked mean and the whole is iterated `niter` times.
 */
import { requirePositive } from '../errors.js';
import type { Image } from '../image/index.js';
import { med9, separableMedian, separableMedianRect } from './separable-median.js';

export interface LaCosmicOptions {
  /** Laplacian-to-noise limit for cosmic-ray candidates [4.5]. */
  sigclip?: number;
  /** Fraction of `sigclip` used for neighbouring pixels [0.3]. */
  sigfrac?: number;
  /** Minimum contrast between the Laplacian image and the fine-structure image [5]. */
  objlim?: number;
  /** Iterations [4]. */
  niter?: number;
  /** Gain in e-/ADU [1]. */
  gainEPerAdu?: number;
  /** Read noise in electrons [6.5]. */
  readNoiseE?: number;
  /** Saturation level in electrons (astroscrappy's `satlevel`); saturated stars are masked out [65536]. */
  saturationE?: number;
  /** Pixels known bad (1 = bad); excluded from detection and from the cleaning mean. */
  inputMask?: Uint8Array;
  /**
   * Background level in electrons used to fill NaN pixels and pixels with no good neighbour [median of
   * the good pixels]. Strip-wise processing passes the whole image's value so strips agree.
   */
  backgroundE?: number;
}

/**
 * Rows of context a strip needs on each side so that its inner rows come out exactly as when the whole
 * image is processed (each iteration's filters, growth and cleaning reach ~11 px further).
 */
export function laCosmicHaloRows(niter = 4): number {
  return 12 * Math.max(1, Math.round(niter)) + 4;
}

/**
 * The default `backgroundE`: median (sampled) of the pixels that are finite, unmasked and not in a
 * saturated star, × gain — exactly what `laCosmic` computes for the whole image.
 */
export function laCosmicBackground(image: Image, options: LaCosmicOptions = {}): number {
  const n = image.data.length;
  const { clean, bad } = electronsAndBadPixels(image, options.gainEPerAdu ?? 1, options.inputMask);
  maskSaturated(
    clean,
    image.width,
    image.height,
    options.saturationE ?? 65536,
    bad,
    new Float32Array(n),
    new Float32Array(n),
  );
  return medianOfGood(clean, bad);
}

/** The image in electrons, and the bad-pixel mask: NaN pixels and those of `inputMask`. */
function electronsAndBadPixels(
  image: Image,
  gain: number,
  inputMask: Uint8Array | undefined,
): { clean: Float32Array; bad: Uint8Array } {
  const n = image.data.length;
  const clean = new Float32Array(n);
  const bad = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = image.data[i];
    if (v === v) clean[i] = v * gain;
    else bad[i] = 1;
  }
  if (inputMask) for (let i = 0; i < n; i++) if (inputMask[i]) bad[i] = 1;
  return { clean, bad };
}

export interface LaCosmicResult {
  /** The image with cosmic-ray pixels replaced by the 5×5 masked mean (ADU). */
  clean: Image;
  /** 1 where a pixel was flagged as a cosmic ray. */
  mask: Uint8Array;
  /** Number of flagged pixels. */
  count: number;
}

/** Runs L.A.Cosmic on `image` (not modified). NaN pixels are treated as bad and left as they are. */
export function laCosmic(image: Image, options: LaCosmicOptions = {}): LaCosmicResult {
  const sigclip = requirePositive('sigclip', options.sigclip ?? 4.5);
  const sigfrac = requirePositive('sigfrac', options.sigfrac ?? 0.3);
  const objlim = requirePositive('objlim', options.objlim ?? 5);
  const niter = Math.max(1, Math.round(options.niter ?? 4));
  const gain = requirePositive('gainEPerAdu', options.gainEPerAdu ?? 1);
  const readNoise = options.readNoiseE ?? 6.5;
  const satLevel = options.saturationE ?? 65536;
  const { width: w, height: h } = image;
  const n = w * h;
  const { clean, bad } = electronsAndBadPixels(image, gain, options.inputMask);
  const tmp = new Float32Array(n);
  const med = new Float32Array(n);
  maskSaturated(clean, w, h, satLevel, bad, med, tmp);
  // Fill NaN/bad pixels with the background so filters see plausible values.
  const background = options.backgroundE ?? medianOfGood(clean, bad);
  for (let i = 0; i < n; i++) if (bad[i] && !(clean[i] === clean[i])) clean[i] = background;

  const crmask = new Uint8Array(n);
  const noise = new Float32Array(n);
  const s = new Float32Array(n);
  const sp = new Float32Array(n);
  const smed = new Float32Array(n);
  const fine = new Float32Array(n);
  const cand = new Uint8Array(n);
  const grown = new Uint8Array(n);
  const changed = new Uint8Array(n);
  const rn2 = readNoise * readNoise;
  const sigcliplow = sigfrac * sigclip;
  // Iteration 1 works on the whole image; later ones only on tiles near pixels the cleaning changed,
  // since nothing else can change (same result as recomputing everything, a fraction of the work).
  let tiles: Tile[] = [{ x0: 0, y0: 0, x1: w, y1: h }];
  for (let iter = 0; iter < niter; iter++) {
    for (const t of tiles) {
      separableMedianRect(clean, w, h, 7, med, tmp, t.x0, t.y0, t.x1, t.y1);
      separableMedianRect(clean, w, h, 5, fine, tmp, t.x0, t.y0, t.x1, t.y1);
      laplacianPositive(clean, w, h, s, t);
      for (let y = t.y0; y < t.y1; y++) {
        for (let i = y * w + t.x0, e = y * w + t.x1; i < e; i++) {
          const m = med[i] < 1e-5 ? 1e-5 : med[i];
          noise[i] = Math.sqrt(m + rn2);
          s[i] /= 2 * noise[i];
        }
      }
    }
    for (const t of tiles) separableMedianRect(s, w, h, 7, smed, tmp, t.x0, t.y0, t.x1, t.y1);
    cand.fill(0);
    let any = 0;
    for (const t of tiles) {
      for (let y = t.y0; y < t.y1; y++) {
        for (let x = t.x0; x < t.x1; x++) {
          const i = y * w + x;
          const v = s[i] - smed[i];
          sp[i] = v;
          if (bad[i] || !(v > sigclip)) continue;
          // The fine-structure contrast is only needed here, so its 9×9 median is computed on demand.
          let f = (fine[i] - fineMedian9(fine, w, h, x, y)) / noise[i];
          if (f < 0.01) f = 0.01;
          if (v / f > objlim) {
            cand[i] = 1;
            any++;
          }
        }
      }
    }
    if (any === 0) break;
    for (const t of tiles) dilate3(cand, w, h, grown, t);
    for (const t of tiles) {
      for (let y = t.y0; y < t.y1; y++) {
        for (let i = y * w + t.x0, e = y * w + t.x1; i < e; i++)
          cand[i] = grown[i] && !bad[i] && sp[i] > sigclip ? 1 : 0;
      }
    }
    for (const t of tiles) dilate3(cand, w, h, grown, t);
    let found = 0;
    for (const t of tiles) {
      for (let y = t.y0; y < t.y1; y++) {
        for (let i = y * w + t.x0, e = y * w + t.x1; i < e; i++) {
          if (grown[i] && !bad[i] && sp[i] > sigcliplow) {
            found++;
            crmask[i] = 1;
          }
        }
      }
    }
    if (found === 0) break;
    changed.fill(0);
    cleanMeanMask(clean, crmask, bad, w, h, background, changed);
    tiles = dirtyTiles(changed, w, h, 64, 8);
    if (tiles.length === 0) break;
  }
  const out = new Float32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    count += crmask[i];
    out[i] = image.data[i] === image.data[i] ? clean[i] / gain : Number.NaN;
  }
  return { clean: { width: w, height: h, data: out }, mask: crmask, count };
}

/**
 * L+ of van Dokkum: the Laplacian [[0,-1,0],[-1,4,-1],[0,-1,0]] of the image block-replicated 2×2,
 * clipped at 0 and rebinned 2×2 by the mean, computed without building the subsampled image.
 */
function laplacianPositive(a: Float32Array, w: number, h: number, out: Float32Array, t: Tile): void {
  for (let y = t.y0; y < t.y1; y++) {
    for (let x = t.x0; x < t.x1; x++) {
      const i = y * w + x;
      const v = a[i];
      // Outside the image the subsampled Laplacian has no neighbour (astroscrappy's edge rule).
      const l = x > 0 ? a[i - 1] : 0;
      const r = x < w - 1 ? a[i + 1] : 0;
      const u = y > 0 ? a[i - w] : 0;
      const d = y < h - 1 ? a[i + w] : 0;
      const v2 = 2 * v;
      let sum = 0;
      let t = v2 - l - u;
      if (t > 0) sum += t;
      t = v2 - r - u;
      if (t > 0) sum += t;
      t = v2 - l - d;
      if (t > 0) sum += t;
      t = v2 - r - d;
      if (t > 0) sum += t;
      out[i] = 0.25 * sum;
    }
  }
}

/** 3×3 binary dilation inside tile `t`; the image's 1-pixel border is copied from the input, as in astroscrappy. */
function dilate3(src: Uint8Array, w: number, h: number, out: Uint8Array, t: Tile): void {
  for (let y = t.y0; y < t.y1; y++) {
    for (let x = t.x0; x < t.x1; x++) {
      const i = y * w + x;
      out[i] = src[i];
      if (src[i] || x === 0 || y === 0 || x === w - 1 || y === h - 1) continue;
      if (
        src[i - w - 1] |
        src[i - w] |
        src[i - w + 1] |
        src[i - 1] |
        src[i + 1] |
        src[i + w - 1] |
        src[i + w] |
        src[i + w + 1]
      )
        out[i] = 1;
    }
  }
}

/**
 * Replaces flagged pixels by the mean of unflagged, good pixels in their 5×5 box (the background if
 * none); a 2-pixel border is left alone, as in astroscrappy.
 */
function cleanMeanMask(
  a: Float32Array,
  cr: Uint8Array,
  bad: Uint8Array,
  w: number,
  h: number,
  background: number,
  changed: Uint8Array,
): void {
  for (let y = 2; y < h - 2; y++) {
    for (let x = 2; x < w - 2; x++) {
      const i = y * w + x;
      if (!cr[i]) continue;
      let sum = 0;
      let count = 0;
      for (let yy = y - 2; yy <= y + 2; yy++) {
        for (let xx = x - 2; xx <= x + 2; xx++) {
          const j = yy * w + xx;
          if (cr[j] || bad[j]) continue;
          sum += a[j];
          count++;
        }
      }
      const v = count > 0 ? sum / count : background;
      if (v !== a[i]) changed[i] = 1;
      a[i] = v;
    }
  }
}

/** Masks saturated stars: saturated pixels whose 7-px separable median is above a tenth of saturation, grown. */
function maskSaturated(
  a: Float32Array,
  w: number,
  h: number,
  sat: number,
  bad: Uint8Array,
  med: Float32Array,
  tmp: Float32Array,
): void {
  let anySat = false;
  for (let i = 0; i < a.length; i++) if (a[i] >= sat) anySat = true;
  if (!anySat) return;
  separableMedian(a, w, h, 7, med, tmp);
  const core = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) if (a[i] >= sat && med[i] > sat / 10) core[i] = 1;
  const grown = new Uint8Array(a.length);
  for (let pass = 0; pass < 2; pass++) {
    grown.fill(0);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!core[y * w + x]) continue;
        for (let dy = -2; dy <= 2; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= h) continue;
          for (let dx = -2; dx <= 2; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= w || (Math.abs(dx) === 2 && Math.abs(dy) === 2)) continue;
            grown[yy * w + xx] = 1;
          }
        }
      }
    }
    core.set(grown);
  }
  for (let i = 0; i < a.length; i++) if (core[i]) bad[i] = 1;
}

/** Median of the good pixels, from at most ~1/4 million of them (only a fallback fill value). */
function medianOfGood(a: Float32Array, bad: Uint8Array): number {
  const stride = Math.max(1, Math.floor(a.length / 262144));
  let m = 0;
  for (let i = 0; i < a.length; i += stride) if (!bad[i]) m++;
  if (m === 0) return 0;
  const copy = new Float32Array(m);
  let j = 0;
  for (let i = 0; i < a.length; i += stride) if (!bad[i]) copy[j++] = a[i];
  copy.sort();
  return m & 1 ? copy[m >> 1] : 0.5 * (copy[(m >> 1) - 1] + copy[m >> 1]);
}

interface Tile {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Tiles of `size` px that lie within `margin` px of a changed pixel. */
function dirtyTiles(changed: Uint8Array, w: number, h: number, size: number, margin: number): Tile[] {
  const tx = Math.ceil(w / size);
  const ty = Math.ceil(h / size);
  const flag = new Uint8Array(tx * ty);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!changed[y * w + x]) continue;
      const a0 = Math.max(0, Math.floor((x - margin) / size));
      const a1 = Math.min(tx - 1, Math.floor((x + margin) / size));
      const b0 = Math.max(0, Math.floor((y - margin) / size));
      const b1 = Math.min(ty - 1, Math.floor((y + margin) / size));
      for (let b = b0; b <= b1; b++) for (let a = a0; a <= a1; a++) flag[b * tx + a] = 1;
    }
  }
  const tiles: Tile[] = [];
  for (let b = 0; b < ty; b++) {
    for (let a = 0; a < tx; a++) {
      if (flag[b * tx + a])
        tiles.push({ x0: a * size, y0: b * size, x1: Math.min(w, (a + 1) * size), y1: Math.min(h, (b + 1) * size) });
    }
  }
  return tiles;
}

/**
 * The 9×9 separable median of `a` at (x, y) (rows first, then columns), with astroscrappy's border rule:
 * within 4 pixels of the edge the value is `a` itself.
 */
function fineMedian9(a: Float32Array, w: number, h: number, x: number, y: number): number {
  if (x < 4 || y < 4 || x >= w - 4 || y >= h - 4) return a[y * w + x];
  const r = (yy: number): number => {
    const b = yy * w + x - 4;
    return med9(a[b], a[b + 1], a[b + 2], a[b + 3], a[b + 4], a[b + 5], a[b + 6], a[b + 7], a[b + 8]);
  };
  return med9(r(y - 4), r(y - 3), r(y - 2), r(y - 1), r(y), r(y + 1), r(y + 2), r(y + 3), r(y + 4));
}
