/**
 * Separable median filters (rows first, then columns) as used by astroscrappy's `sepmed` mode: close to
 * the full k×k median and much faster. A border of (k−1)/2 pixels is copied from the input, as there.
 */

/**
 * Writes the k×k separable median of `src` (width×height, k odd ≤ 15) into `out`; `tmp` is a scratch
 * buffer of the same length. No allocation besides a k-value window.
 */
export function separableMedian(
  src: Float32Array,
  width: number,
  height: number,
  k: number,
  out: Float32Array,
  tmp: Float32Array,
): void {
  separableMedianRect(src, width, height, k, out, tmp, 0, 0, width, height);
}

/**
 * Like `separableMedian` but only updates `out` inside [x0, x1) × [y0, y1); `tmp` (full-size) receives
 * the row medians of the rows the rectangle needs. Used to refresh filters where pixels changed.
 */
export function separableMedianRect(
  src: Float32Array,
  width: number,
  height: number,
  k: number,
  out: Float32Array,
  tmp: Float32Array,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): void {
  const r = (k - 1) >> 1;
  const win = new Float32Array(k);
  const ry0 = Math.max(0, y0 - r);
  const ry1 = Math.min(height, y1 + r);
  // Row pass into tmp (border columns copied).
  for (let y = ry0; y < ry1; y++) {
    const row = y * width;
    for (let x = x0; x < x1; x++) {
      if (x < r || x >= width - r) {
        tmp[row + x] = src[row + x];
        continue;
      }
      const b = row + x - r;
      if (k === 7) tmp[row + x] = med7(src[b], src[b + 1], src[b + 2], src[b + 3], src[b + 4], src[b + 5], src[b + 6]);
      else if (k === 5) tmp[row + x] = med5(src[b], src[b + 1], src[b + 2], src[b + 3], src[b + 4]);
      else if (k === 9) {
        tmp[row + x] = med9(
          src[b],
          src[b + 1],
          src[b + 2],
          src[b + 3],
          src[b + 4],
          src[b + 5],
          src[b + 6],
          src[b + 7],
          src[b + 8],
        );
      } else {
        for (let j = 0; j < k; j++) win[j] = src[b + j];
        tmp[row + x] = medianSmall(win, k);
      }
    }
  }
  // Column pass into out (border rows and columns copied from the input).
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    if (y < r || y >= height - r) {
      for (let x = x0; x < x1; x++) out[row + x] = src[row + x];
      continue;
    }
    for (let x = x0; x < x1; x++) {
      if (x < r || x >= width - r) {
        out[row + x] = src[row + x];
        continue;
      }
      const p = (y - r) * width + x;
      const w = width;
      if (k === 7)
        out[row + x] = med7(
          tmp[p],
          tmp[p + w],
          tmp[p + 2 * w],
          tmp[p + 3 * w],
          tmp[p + 4 * w],
          tmp[p + 5 * w],
          tmp[p + 6 * w],
        );
      else if (k === 5) out[row + x] = med5(tmp[p], tmp[p + w], tmp[p + 2 * w], tmp[p + 3 * w], tmp[p + 4 * w]);
      else if (k === 9) {
        out[row + x] = med9(
          tmp[p],
          tmp[p + w],
          tmp[p + 2 * w],
          tmp[p + 3 * w],
          tmp[p + 4 * w],
          tmp[p + 5 * w],
          tmp[p + 6 * w],
          tmp[p + 7 * w],
          tmp[p + 8 * w],
        );
      } else {
        for (let j = 0; j < k; j++) win[j] = tmp[p + j * w];
        out[row + x] = medianSmall(win, k);
      }
    }
  }
}

/** Median of the first k (odd) values of `a`, sorting them in place by insertion. */
function medianSmall(a: Float32Array, k: number): number {
  for (let i = 1; i < k; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a[k >> 1];
}

// Median selection networks (Devillard, "Fast median search: an ANSI C implementation", 1998; the same
// networks astroscrappy uses): branch-free min/max compare-exchanges on locals.

/** Median of 5 values. */
export function med5(p0: number, p1: number, p2: number, p3: number, p4: number): number {
  let t: number;
  t = p0 < p1 ? p0 : p1;
  p1 = p0 > p1 ? p0 : p1;
  p0 = t;
  t = p3 < p4 ? p3 : p4;
  p4 = p3 > p4 ? p3 : p4;
  p3 = t;
  p3 = p0 > p3 ? p0 : p3;
  p1 = p1 < p4 ? p1 : p4;
  t = p1 < p2 ? p1 : p2;
  p2 = p1 > p2 ? p1 : p2;
  p1 = t;
  p2 = p2 < p3 ? p2 : p3;
  return p1 > p2 ? p1 : p2;
}

/** Median of 7 values. */
export function med7(p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number): number {
  let t: number;
  t = p0 < p5 ? p0 : p5;
  p5 = p0 > p5 ? p0 : p5;
  p0 = t;
  t = p0 < p3 ? p0 : p3;
  p3 = p0 > p3 ? p0 : p3;
  p0 = t;
  t = p1 < p6 ? p1 : p6;
  p6 = p1 > p6 ? p1 : p6;
  p1 = t;
  t = p2 < p4 ? p2 : p4;
  p4 = p2 > p4 ? p2 : p4;
  p2 = t;
  p1 = p0 > p1 ? p0 : p1;
  t = p3 < p5 ? p3 : p5;
  p5 = p3 > p5 ? p3 : p5;
  p3 = t;
  t = p2 < p6 ? p2 : p6;
  p6 = p2 > p6 ? p2 : p6;
  p2 = t;
  p3 = p2 > p3 ? p2 : p3;
  p3 = p3 < p6 ? p3 : p6;
  p4 = p4 < p5 ? p4 : p5;
  t = p1 < p4 ? p1 : p4;
  p4 = p1 > p4 ? p1 : p4;
  p1 = t;
  p3 = p1 > p3 ? p1 : p3;
  return p3 < p4 ? p3 : p4;
}

/** Median of 9 values. */
export function med9(
  p0: number,
  p1: number,
  p2: number,
  p3: number,
  p4: number,
  p5: number,
  p6: number,
  p7: number,
  p8: number,
): number {
  let t: number;
  t = p1 < p2 ? p1 : p2;
  p2 = p1 > p2 ? p1 : p2;
  p1 = t;
  t = p4 < p5 ? p4 : p5;
  p5 = p4 > p5 ? p4 : p5;
  p4 = t;
  t = p7 < p8 ? p7 : p8;
  p8 = p7 > p8 ? p7 : p8;
  p7 = t;
  t = p0 < p1 ? p0 : p1;
  p1 = p0 > p1 ? p0 : p1;
  p0 = t;
  t = p3 < p4 ? p3 : p4;
  p4 = p3 > p4 ? p3 : p4;
  p3 = t;
  t = p6 < p7 ? p6 : p7;
  p7 = p6 > p7 ? p6 : p7;
  p6 = t;
  t = p1 < p2 ? p1 : p2;
  p2 = p1 > p2 ? p1 : p2;
  p1 = t;
  t = p4 < p5 ? p4 : p5;
  p5 = p4 > p5 ? p4 : p5;
  p4 = t;
  t = p7 < p8 ? p7 : p8;
  p8 = p7 > p8 ? p7 : p8;
  p7 = t;
  p3 = p0 > p3 ? p0 : p3;
  p5 = p5 < p8 ? p5 : p8;
  t = p4 < p7 ? p4 : p7;
  p7 = p4 > p7 ? p4 : p7;
  p4 = t;
  p6 = p3 > p6 ? p3 : p6;
  p4 = p1 > p4 ? p1 : p4;
  p2 = p2 < p5 ? p2 : p5;
  p4 = p4 < p7 ? p4 : p7;
  t = p4 < p2 ? p4 : p2;
  p2 = p4 > p2 ? p4 : p2;
  p4 = t;
  p4 = p6 > p4 ? p6 : p4;
  return p4 < p2 ? p4 : p2;
}
