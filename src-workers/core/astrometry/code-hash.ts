/**
 * A hash of quad codes for tolerance look-ups: a 4-D grid of cell size `2 × tolerance`, cells hashed into
 * a compressed table (counting sort), so a query reads at most 2⁴ cells and then tests exact distances.
 * Built once per index (all quads, for blind solving) or per hinted solve (the quads in the cone).
 * Plays the role of astrometry.net's code kd-tree with a structure that is simple to build in memory.
 */

/** Quads' codes arranged for look-ups within a fixed Euclidean tolerance. */
export interface CodeHash {
  /** Code-space distance accepted by `lookupCodes`. */
  tolerance: number;
  cell: number;
  mask: number;
  /** Start of each hash bucket in `entries` (length mask + 2). */
  starts: Uint32Array;
  /** Quad numbers, bucket by bucket. */
  entries: Uint32Array;
  /** The codes, 4 per quad, as in the index. */
  codes: Float32Array;
}

function cellHash(i0: number, i1: number, i2: number, i3: number, mask: number): number {
  // Large odd multipliers spread neighbouring cells over the table (Teschner et al. 2003 style).
  return (
    ((Math.imul(i0, 73856093) ^ Math.imul(i1, 19349663) ^ Math.imul(i2, 83492791) ^ Math.imul(i3, 50331653)) >>> 0) &
    mask
  );
}

/**
 * Builds the hash over `quads` (quad numbers into `codes`, 4 values each) [all quads], for queries within
 * `tolerance` code units [0.01].
 */
export function buildCodeHash(codes: Float32Array, tolerance = 0.01, quads?: ArrayLike<number>): CodeHash {
  const n = quads ? quads.length : codes.length / 4;
  const cell = 2 * tolerance;
  let size = 1;
  while (size < 2 * n) size *= 2;
  const mask = size - 1;
  const keys = new Uint32Array(n);
  const starts = new Uint32Array(size + 1);
  for (let k = 0; k < n; k++) {
    const q = quads ? quads[k] : k;
    const h = cellHash(
      Math.floor(codes[4 * q] / cell),
      Math.floor(codes[4 * q + 1] / cell),
      Math.floor(codes[4 * q + 2] / cell),
      Math.floor(codes[4 * q + 3] / cell),
      mask,
    );
    keys[k] = h;
    starts[h + 1]++;
  }
  for (let h = 0; h < size; h++) starts[h + 1] += starts[h];
  const fill = starts.slice(0, size);
  const entries = new Uint32Array(n);
  for (let k = 0; k < n; k++) entries[fill[keys[k]]++] = quads ? quads[k] : k;
  return { tolerance, cell, mask, starts, entries, codes };
}

/** Calls `found(quad, distance²)` for every quad whose code is within the hash's tolerance of `code`. */
export function lookupCodes(hash: CodeHash, code: ArrayLike<number>, found: (quad: number, d2: number) => void): void {
  const { cell, tolerance, mask, starts, entries, codes } = hash;
  const t2 = tolerance * tolerance;
  const lo = [0, 0, 0, 0];
  const hi = [0, 0, 0, 0];
  for (let d = 0; d < 4; d++) {
    lo[d] = Math.floor((code[d] - tolerance) / cell);
    hi[d] = Math.floor((code[d] + tolerance) / cell);
  }
  for (let i0 = lo[0]; i0 <= hi[0]; i0++)
    for (let i1 = lo[1]; i1 <= hi[1]; i1++)
      for (let i2 = lo[2]; i2 <= hi[2]; i2++)
        for (let i3 = lo[3]; i3 <= hi[3]; i3++) {
          const h = cellHash(i0, i1, i2, i3, mask);
          for (let e = starts[h]; e < starts[h + 1]; e++) {
            const q = entries[e];
            const d0 = codes[4 * q] - code[0];
            const d1 = codes[4 * q + 1] - code[1];
            const d2 = codes[4 * q + 2] - code[2];
            const d3 = codes[4 * q + 3] - code[3];
            const dist2 = d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
            // A hash collision from another cell is filtered by the exact test; a quad is reported once
            // because it lives in exactly one cell.
            if (
              dist2 <= t2 &&
              Math.floor(codes[4 * q] / cell) === i0 &&
              Math.floor(codes[4 * q + 1] / cell) === i1 &&
              Math.floor(codes[4 * q + 2] / cell) === i2 &&
              Math.floor(codes[4 * q + 3] / cell) === i3
            )
              found(q, dist2);
          }
        }
}
