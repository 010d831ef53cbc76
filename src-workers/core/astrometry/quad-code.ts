/**
 * astrometry.net's geometric hash of a quad (Lang et al. 2010, §2.1): stars A and B, the most widely
 * separated pair, are mapped to (0, 0) and (1, 1) by a similarity transform; the code is the positions of
 * the other stars in that frame, (cx, cy, dx, dy). It is invariant to translation, rotation and scale.
 * Mirroring the plane across the line A–B swaps each (x, y), which is how the other parity is tried.
 * Symmetry breaking as in the index files (CXDX, CXDXLT1 cards): cx ≤ dx and cx + dx ≤ 1.
 */
import { tangentNorthEast } from './sphere.js';

/**
 * Code of four plane points (A, B, C, D) given as flat `[ax, ay, bx, by, …]`, written into `out`
 * (cx, cy, dx, dy). No symmetry breaking is applied.
 */
export function planeCode(p: ArrayLike<number>, out: Float64Array = new Float64Array(4)): Float64Array {
  const ax = p[0];
  const ay = p[1];
  const abx = p[2] - ax;
  const aby = p[3] - ay;
  const inv = 1 / (abx * abx + aby * aby);
  const cos = (aby + abx) * inv;
  const sin = (aby - abx) * inv;
  for (let k = 0; k < 2; k++) {
    const x = p[4 + 2 * k] - ax;
    const y = p[5 + 2 * k] - ay;
    out[2 * k] = x * cos + y * sin;
    out[2 * k + 1] = -x * sin + y * cos;
  }
  return out;
}

/**
 * Applies the index's symmetry breaking to a code in place and returns the permutation applied, as the
 * positions of (A, B, C, D) in the input order: swapping A and B maps each coordinate c → 1 − c; swapping
 * C and D exchanges their pairs.
 */
export function canonicalCode(code: Float64Array): [number, number, number, number] {
  const perm: [number, number, number, number] = [0, 1, 2, 3];
  if (code[0] + code[2] > 1) {
    for (let k = 0; k < 4; k++) code[k] = 1 - code[k];
    perm[0] = 1;
    perm[1] = 0;
  }
  if (code[0] > code[2]) {
    const cx = code[0];
    const cy = code[1];
    code[0] = code[2];
    code[1] = code[3];
    code[2] = cx;
    code[3] = cy;
    perm[2] = 3;
    perm[3] = 2;
  }
  return perm;
}

/**
 * Code of four index stars (numbers into `xyz`, in A, B, C, D order) on the tangent plane at the midpoint
 * of A and B, in the axes the index files use (see `tangentNorthEast`). Used to check that a file's codes
 * belong to its quads.
 */
export function skyCode(
  xyz: ArrayLike<number>,
  stars: ArrayLike<number>,
  out: Float64Array = new Float64Array(4),
): Float64Array {
  const a = stars[0];
  const b = stars[1];
  const m = [xyz[3 * a] + xyz[3 * b], xyz[3 * a + 1] + xyz[3 * b + 1], xyz[3 * a + 2] + xyz[3 * b + 2]];
  const n = Math.hypot(m[0], m[1], m[2]);
  m[0] /= n;
  m[1] /= n;
  m[2] /= n;
  const plane = new Float64Array(8);
  for (let k = 0; k < 4; k++) {
    const t = tangentNorthEast(xyz, stars[k], m) ?? [NaN, NaN];
    plane[2 * k] = t[0];
    plane[2 * k + 1] = t[1];
  }
  return planeCode(plane, out);
}
