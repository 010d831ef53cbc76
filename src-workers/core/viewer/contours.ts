/**
 * Contours of an image by marching squares (Lorensen & Cline 1987 in 2-D): for each level, the line
 * segments where the bilinear surface through the pixel centres crosses it, with vertices linearly
 * interpolated on the edges between neighbouring pixel centres — the same vertices matplotlib's
 * `contour` (contourpy) gives on a grid of unit spacing. Ambiguous (saddle) cells are resolved by the
 * mean of their four corners. Cells with a non-finite corner are skipped (masked, as in matplotlib).
 */

/** Segments of one level: flat [x0, y0, x1, y1, …] pairs in 0-based pixel coordinates. */
export interface ContourLevel {
  level: number;
  segments: Float32Array;
}

// For each case (bit 0: corner (x, y), 1: (x+1, y), 2: (x+1, y+1), 3: (x, y+1) above the level), pairs of
// cell edges joined by a segment. Edges: 0 bottom (y), 1 right (x+1), 2 top (y+1), 3 left (x).
const EDGES: ReadonlyArray<ReadonlyArray<number>> = [
  [],
  [3, 0],
  [0, 1],
  [3, 1],
  [1, 2],
  [3, 0, 1, 2], // saddle: resolved below
  [0, 2],
  [3, 2],
  [2, 3],
  [0, 2],
  [0, 1, 2, 3], // saddle: resolved below
  [1, 2],
  [1, 3],
  [0, 1],
  [3, 0],
  [],
];

/**
 * The contour segments of `data` (row-major, `width`×`height`, y = row) at each of `levels` (pixel
 * values). Pure; allocates only its output. Throws a RangeError when `data` is shorter than width×height.
 */
export function contourSegments(
  data: ArrayLike<number>,
  width: number,
  height: number,
  levels: readonly number[],
): ContourLevel[] {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0))
    throw new RangeError(`contour: width and height must be non-negative integers, got ${width}×${height}`);
  if (data.length < width * height)
    throw new RangeError(`contour: ${data.length} values for a ${width}×${height} image`);
  return levels.map((level) => ({ level, segments: levelSegments(data, width, height, level) }));
}

function levelSegments(data: ArrayLike<number>, width: number, height: number, level: number): Float32Array {
  let out = new Float32Array(1024);
  let n = 0;
  const push = (x: number, y: number): void => {
    if (n + 2 > out.length) {
      const grown = new Float32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = x;
    out[n++] = y;
  };
  const v = [0, 0, 0, 0];
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      v[0] = data[y * width + x];
      v[1] = data[y * width + x + 1];
      v[2] = data[(y + 1) * width + x + 1];
      v[3] = data[(y + 1) * width + x];
      if (!(Number.isFinite(v[0]) && Number.isFinite(v[1]) && Number.isFinite(v[2]) && Number.isFinite(v[3]))) continue;
      const c = (v[0] > level ? 1 : 0) | (v[1] > level ? 2 : 0) | (v[2] > level ? 4 : 0) | (v[3] > level ? 8 : 0);
      let edges = EDGES[c];
      if (c === 5 || c === 10) {
        // Saddle: corners 0 and 2 are on one side. If the centre is on their side, they are joined
        // through the middle and the segments cut off corners 1 and 3; else corners 0 and 2 are cut off.
        const centreAbove = (v[0] + v[1] + v[2] + v[3]) / 4 > level;
        const zeroTwoAbove = c === 5;
        edges = centreAbove === zeroTwoAbove ? [0, 1, 2, 3] : [3, 0, 1, 2];
      }
      for (let k = 0; k < edges.length; k++) {
        const e = edges[k];
        // The crossing on edge e, between its two corners.
        const [i, j] = e === 0 ? [0, 1] : e === 1 ? [1, 2] : e === 2 ? [3, 2] : [0, 3];
        const t = (level - v[i]) / (v[j] - v[i]);
        if (e === 0) push(x + t, y);
        else if (e === 1) push(x + 1, y + t);
        else if (e === 2) push(x + t, y + 1);
        else push(x, y + t);
      }
    }
  }
  return out.slice(0, n);
}

/**
 * `count` contour levels between `lo` and `hi` (pixel values, e.g. the display limits), evenly spaced in
 * value ('linear') or in log of (value − lo + 1) ('log', for stars over sky), excluding the ends.
 */
export function contourLevels(lo: number, hi: number, count: number, spacing: 'linear' | 'log' = 'linear'): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) || !(count >= 1)) return [];
  const n = Math.min(64, Math.floor(count));
  return Array.from({ length: n }, (_, k) => {
    const f = (k + 1) / (n + 1);
    return spacing === 'log' ? lo - 1 + Math.exp(f * Math.log(hi - lo + 1)) : lo + f * (hi - lo);
  });
}
