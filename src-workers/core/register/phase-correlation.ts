/**
 * Translation between two images by FFT phase correlation (Kuglin & Hines 1975) with a sub-pixel peak
 * from a 3-point parabola on each axis. Used when a frame has too few stars for asterism matching. A
 * peak that does not stand out (`significance` below the threshold) means no reliable shift.
 */
import type { Image } from '../image/index.js';
import { fft2d, nextPow2 } from './fft.js';

export interface PhaseCorrelationResult {
  /** Shift such that frame(x + dx, y + dy) ≈ ref(x, y), px. */
  dx: number;
  dy: number;
  /** Peak height over the RMS of the correlation surface. */
  significance: number;
}

export interface PhaseCorrelationOptions {
  /** Side of the centred square analysed (power of two; smaller images are padded) [512]. */
  windowPx?: number;
}

/** Phase correlation of the central windows of two same-sized images; NaN pixels count as the median. */
export function phaseCorrelate(
  ref: Image,
  frame: Image,
  options: PhaseCorrelationOptions = {},
): PhaseCorrelationResult {
  const side = Math.min(nextPow2(options.windowPx ?? 512), nextPow2(Math.max(ref.width, ref.height)));
  const n = side * side;
  const load = (img: Image): [Float64Array, Float64Array] => {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    const x0 = Math.max(0, Math.floor((img.width - side) / 2));
    const y0 = Math.max(0, Math.floor((img.height - side) / 2));
    const w = Math.min(side, img.width);
    const h = Math.min(side, img.height);
    let sum = 0;
    let m = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = img.data[(y0 + y) * img.width + x0 + x];
        if (v === v) {
          sum += v;
          m++;
        }
      }
    }
    const mean = m ? sum / m : 0;
    // Hann window against edge leakage.
    for (let y = 0; y < h; y++) {
      const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * (y + 0.5)) / h);
      for (let x = 0; x < w; x++) {
        const wx = 0.5 - 0.5 * Math.cos((2 * Math.PI * (x + 0.5)) / w);
        const v = img.data[(y0 + y) * img.width + x0 + x];
        re[y * side + x] = ((v === v ? v : mean) - mean) * wx * wy;
      }
    }
    fft2d(re, im, side, side);
    return [re, im];
  };
  const [ar, ai] = load(ref);
  const [br, bi] = load(frame);
  // Cross-power spectrum conj(A)·B / |conj(A)·B|: its inverse peaks at the shift of B relative to A.
  for (let i = 0; i < n; i++) {
    const r = ar[i] * br[i] + ai[i] * bi[i];
    const im = ar[i] * bi[i] - ai[i] * br[i];
    const mag = Math.hypot(r, im);
    ar[i] = mag > 0 ? r / mag : 0;
    ai[i] = mag > 0 ? im / mag : 0;
  }
  fft2d(ar, ai, side, side, true);
  let best = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    sum2 += ar[i] * ar[i];
    if (ar[i] > ar[best]) best = i;
  }
  const rms = Math.sqrt(sum2 / n);
  const px = best % side;
  const py = (best - px) / side;
  const at = (x: number, y: number): number => ar[((y + side) % side) * side + ((x + side) % side)];
  const sub = (m: number, c: number, p: number): number => {
    const den = m - 2 * c + p;
    return den < 0 ? (0.5 * (m - p)) / den : 0;
  };
  const fx = sub(at(px - 1, py), at(px, py), at(px + 1, py));
  const fy = sub(at(px, py - 1), at(px, py), at(px, py + 1));
  const wrap = (v: number): number => (v > side / 2 ? v - side : v);
  return { dx: wrap(px) + fx, dy: wrap(py) + fy, significance: rms > 0 ? ar[best] / rms : 0 };
}
