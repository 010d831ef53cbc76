/**
 * Resampling a frame onto the reference pixel grid through an affine transform (reference → frame):
 * output(x, y) = frame(T(x, y)). Lanczos-3 (separable windowed sinc, 6×6 taps, weights from a finely
 * sampled table and renormalised) or bilinear. Outside the frame's footprint the output is NaN; NaN
 * input pixels poison the taps that touch them, so missing data never leak in as zeros.
 */
import type { Image } from '../image/index.js';
import type { Affine } from './transform.js';

/** Interpolation kernel. */
export type ResampleMethod = 'lanczos3' | 'bilinear';

export interface ResampleOptions {
  /** [lanczos3] */
  method?: ResampleMethod;
  /** Output size [the frame's]. */
  width?: number;
  height?: number;
}

const TABLE_STEPS = 1024;

/** Lanczos-3 kernel L(x) = sinc(x)·sinc(x/3) sampled every 1/1024 px on [0, 3]. */
function buildTable(): Float64Array {
  const t = new Float64Array(3 * TABLE_STEPS + 2);
  t[0] = 1;
  for (let i = 1; i < t.length; i++) {
    const x = i / TABLE_STEPS;
    t[i] = x >= 3 ? 0 : (3 * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / 3)) / (Math.PI * Math.PI * x * x);
  }
  return t;
}

/** A constant, built once. */
const LANCZOS_TABLE = buildTable();

function lanczos(t: Float64Array, x: number): number {
  const ax = Math.abs(x) * TABLE_STEPS;
  const i = Math.floor(ax);
  if (i >= 3 * TABLE_STEPS) return 0;
  const f = ax - i;
  return t[i] * (1 - f) + t[i + 1] * f;
}

/** Resamples `frame` onto the reference grid; `refToFrame` maps reference pixels to frame pixels. */
export function resampleAffine(frame: Image, refToFrame: Affine, options: ResampleOptions = {}): Image {
  const W = options.width ?? frame.width;
  const H = options.height ?? frame.height;
  const out = new Float32Array(W * H);
  const { width: fw, height: fh, data } = frame;
  const t = refToFrame;
  const lanczosMode = (options.method ?? 'lanczos3') === 'lanczos3';
  const tab = LANCZOS_TABLE;
  const wx = new Float64Array(6);
  const wy = new Float64Array(6);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = t.a * x + t.b * y + t.tx;
      const sy = t.c * x + t.d * y + t.ty;
      const o = y * W + x;
      // Footprint: sample centres within the frame's pixel area.
      if (!(sx >= -0.5 && sy >= -0.5 && sx <= fw - 0.5 && sy <= fh - 0.5)) {
        out[o] = Number.NaN;
        continue;
      }
      if (!lanczosMode) {
        out[o] = bilinear(data, fw, fh, sx, sy);
        continue;
      }
      const ix = Math.floor(sx);
      const iy = Math.floor(sy);
      const fx = sx - ix;
      const fy = sy - iy;
      let sumx = 0;
      let sumy = 0;
      for (let k = 0; k < 6; k++) {
        wx[k] = lanczos(tab, fx - (k - 2));
        wy[k] = lanczos(tab, fy - (k - 2));
        sumx += wx[k];
        sumy += wy[k];
      }
      const inv = 1 / (sumx * sumy);
      let acc = 0;
      if (ix >= 2 && iy >= 2 && ix + 3 < fw && iy + 3 < fh) {
        // Interior: no clamping, rows read contiguously.
        let row = (iy - 2) * fw + ix - 2;
        for (let j = 0; j < 6; j++, row += fw) {
          acc +=
            wy[j] *
            (wx[0] * data[row] + wx[1] * data[row + 1] + wx[2] * data[row + 2] + wx[3] * data[row + 3] + wx[4] * data[row + 4] + wx[5] * data[row + 5]);
        }
      } else {
        // Edges: replicate the border pixel.
        for (let j = 0; j < 6; j++) {
          const row = Math.min(fh - 1, Math.max(0, iy + j - 2)) * fw;
          let r = 0;
          for (let k = 0; k < 6; k++) r += wx[k] * data[row + Math.min(fw - 1, Math.max(0, ix + k - 2))];
          acc += wy[j] * r;
        }
      }
      out[o] = acc * inv;
    }
  }
  return { width: W, height: H, data: out };
}

function bilinear(data: Float32Array, w: number, h: number, sx: number, sy: number): number {
  const x0 = Math.min(w - 1, Math.max(0, Math.floor(sx)));
  const y0 = Math.min(h - 1, Math.max(0, Math.floor(sy)));
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = Math.min(1, Math.max(0, sx - x0));
  const fy = Math.min(1, Math.max(0, sy - y0));
  const top = data[y0 * w + x0] * (1 - fx) + data[y0 * w + x1] * fx;
  const bottom = data[y1 * w + x0] * (1 - fx) + data[y1 * w + x1] * fx;
  return top * (1 - fy) + bottom * fy;
}
