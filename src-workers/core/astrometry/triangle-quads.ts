/**
 * Quads from the triangles of astrometry.net's 3-star indexes. Debian's Tycho-2 indexes 4111–4119 (quads
 * of 1.4° to 33°, the blind index for fields wider than about 4°) hold triangles: DIMQUADS = 3 and 2-D
 * codes. A 2-D code matches by chance ~100× more often than a 4-D one at the same tolerance, so instead of
 * matching triangles this module turns each of the file's triangles A, B, C into quads A, B, C, D with D
 * the brightest (then the next brightest) of the file's own stars inside the circle on A–B. The file's
 * careful spreading of triangles over the sky (and of its stars: one star list per scale) is kept, and the
 * result is matched exactly like the 4-star indexes (`solve.ts`).
 *
 * Reference: Lang, Hogg, Mierle, Blanton & Roweis 2010, AJ 139, 1782, §2.1 (quads, the circle on A–B).
 */
import { canonicalCode, skyCode } from './quad-code.js';
import type { StarIndex } from './star-index.js';

/** Quads (A, B, C, D star numbers) and their codes (cx, cy, dx, dy) in the index files' convention. */
export type BuiltQuads = {
  quads: Uint32Array;
  codes: Float32Array;
};

/** Stars bucketed on a cube grid of unit vectors, for "stars within angle θ of a point" queries. */
interface StarGrid {
  cell: number;
  side: number;
  /** Star numbers sorted by cell key. */
  order: Uint32Array;
  keys: Float64Array;
}

function buildStarGrid(xyz: Float64Array, cell: number): StarGrid {
  const n = xyz.length / 3;
  const side = Math.ceil(2 / cell) + 1;
  const keyOf = (i: number) =>
    (Math.floor((xyz[3 * i] + 1) / cell) * side + Math.floor((xyz[3 * i + 1] + 1) / cell)) * side +
    Math.floor((xyz[3 * i + 2] + 1) / cell);
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = keyOf(i);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => raw[a] - raw[b] || a - b);
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = raw[order[k]];
  return { cell, side, order, keys };
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Calls `visit(star)` for every star of the grid cells around unit vector (px, py, pz) ± `chord`. */
function nearStars(
  g: StarGrid,
  px: number,
  py: number,
  pz: number,
  chord: number,
  visit: (star: number) => void,
): void {
  const lo = (v: number) => Math.floor((v - chord + 1) / g.cell);
  const hi = (v: number) => Math.floor((v + chord + 1) / g.cell);
  for (let ix = lo(px); ix <= hi(px); ix++)
    for (let iy = lo(py); iy <= hi(py); iy++) {
      const k0 = (ix * g.side + iy) * g.side;
      const start = lowerBound(g.keys, k0 + lo(pz));
      const end = lowerBound(g.keys, k0 + hi(pz) + 1);
      for (let k = start; k < end; k++) visit(g.order[k]);
    }
}

/**
 * For every triangle of a 3-star index (`dimQuads` 3), up to `perTriangle` [2] quads A, B, C, D: A and B
 * the triangle's widest pair, C its third star, D each of the brightest other stars of the index inside
 * the circle on A–B (so that A–B stays the widest pair, as codes require). Triangles with no such star
 * give no quad. Codes are computed on the tangent plane at the A–B midpoint (`skyCode`) and made canonical
 * (cx ≤ dx, cx + dx ≤ 1), with the stars permuted to match. Stars without a magnitude rank after all
 * others, in file order. Deterministic; O(triangles × stars per circle).
 */
export function quadsFromTriangles(index: StarIndex, perTriangle = 2): BuiltQuads {
  if (index.dimQuads !== 3) throw new RangeError(`${index.name}: quadsFromTriangles needs a 3-star index`);
  const { xyz, mag } = index;
  const nTri = index.quads.length / 3;
  const rank = (s: number) => {
    const m = mag ? mag[s] : NaN;
    return Number.isFinite(m) ? m : 99;
  };
  // Half the largest A–B angle as a chord, the query radius around an A–B midpoint.
  const halfChord = 2 * Math.sin(Math.min(Math.PI / 2, index.scaleHighRad * 1.05) / 4) + 1e-9;
  const grid = buildStarGrid(xyz, Math.max(halfChord, 1e-4));
  const quads: number[] = [];
  const codes: number[] = [];
  const code = new Float64Array(4);
  const dot = (i: number, j: number) =>
    xyz[3 * i] * xyz[3 * j] + xyz[3 * i + 1] * xyz[3 * j + 1] + xyz[3 * i + 2] * xyz[3 * j + 2];
  const picks: number[] = [];
  for (let t = 0; t < nTri; t++) {
    const s0 = index.quads[3 * t];
    const s1 = index.quads[3 * t + 1];
    const s2 = index.quads[3 * t + 2];
    // The widest pair has the smallest dot product.
    const d01 = dot(s0, s1);
    const d02 = dot(s0, s2);
    const d12 = dot(s1, s2);
    let a = s0;
    let b = s1;
    let c = s2;
    let cab = d01;
    if (d02 < cab) [a, b, c, cab] = [s0, s2, s1, d02];
    if (d12 < cab) [a, b, c, cab] = [s1, s2, s0, d12];
    const mx = xyz[3 * a] + xyz[3 * b];
    const my = xyz[3 * a + 1] + xyz[3 * b + 1];
    const mz = xyz[3 * a + 2] + xyz[3 * b + 2];
    const mn = Math.hypot(mx, my, mz);
    if (!(mn > 0)) continue;
    const cosHalf = Math.cos(Math.acos(Math.max(-1, Math.min(1, cab))) / 2);
    const chord = Math.sqrt(Math.max(0, 2 - 2 * cosHalf)) + 1e-9;
    picks.length = 0;
    nearStars(grid, mx / mn, my / mn, mz / mn, chord, (s) => {
      if (s === a || s === b || s === c) return;
      if ((xyz[3 * s] * mx + xyz[3 * s + 1] * my + xyz[3 * s + 2] * mz) / mn > cosHalf) picks.push(s);
    });
    picks.sort((p, q) => rank(p) - rank(q) || p - q);
    for (let k = 0; k < Math.min(perTriangle, picks.length); k++) {
      const quad = [a, b, c, picks[k]];
      skyCode(xyz, quad, code);
      if (!code.every(Number.isFinite)) continue;
      const perm = canonicalCode(code);
      for (const j of perm) quads.push(quad[j]);
      codes.push(code[0], code[1], code[2], code[3]);
    }
  }
  return { quads: Uint32Array.from(quads), codes: Float32Array.from(codes) };
}

/** `index` with its triangles replaced by `built` quads (dimQuads 4), named and numbered as the file. */
export function withBuiltQuads(index: StarIndex, built: BuiltQuads): StarIndex {
  return {
    ...index,
    name: `${index.name} (quads from its triangles)`,
    quads: built.quads,
    dimQuads: 4,
    codes: built.codes,
  };
}
