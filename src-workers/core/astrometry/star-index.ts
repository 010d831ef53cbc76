/**
 * An astrometry.net index held in memory: star unit vectors (in the file's kd-tree order), an optional
 * magnitude per star (the `MAG_VT` tag-along table of the Tycho-2 packages), and the quads with their
 * codes. Built by `src-workers/io/star-index-file.ts`; everything here is pure.
 *
 * Reference: Lang, Hogg, Mierle, Blanton & Roweis 2010, AJ 139, 1782 ("Astrometry.net: blind astrometric
 * calibration of arbitrary astronomical images"), section 2 (quads, codes, index building).
 */
import { xyzToRadec } from './sphere.js';

/** One index file's content. */
export interface StarIndex {
  /** File name, for messages and provenance. */
  name: string;
  /** INDEXID (e.g. 4110 for index-tycho2-10). */
  indexId: number;
  /** Quad diameter range (the A–B distance) in radians: SCALE_L, SCALE_U. */
  scaleLowRad: number;
  scaleHighRad: number;
  /** Number of stars. */
  starCount: number;
  /** Unit vectors, 3 per star, ICRS. */
  xyz: Float64Array;
  /** Magnitude per star (V_T for Tycho-2), NaN where absent; null when the file has none. */
  mag: Float32Array | null;
  /** Name of the magnitude column (`MAG_VT`), or null. */
  magName: string | null;
  /**
   * A colour per star for the photometric colour term (B_T − V_T when the file has MAG_BT and MAG_VT,
   * BP − RP from Gaia-based files), NaN where absent; null when the file has none (Debian's Tycho-2
   * packages carry V_T only). Optional so that hand-made indexes need not give it.
   */
  colour?: Float32Array | null;
  /** Name of the colour (`B_T-V_T`, `BP-RP`), or null. */
  colourName?: string | null;
  /** Star indices of each quad, `dimQuads` per quad, ordered A, B, C, D as in the code. */
  quads: Uint32Array;
  /** Stars per quad (4 for the Tycho-2 packages). */
  dimQuads: number;
  /** Codes (cx, cy, dx, dy, …), `2 * (dimQuads - 2)` per quad. */
  codes: Float32Array;
}

/** RA/Dec (degrees) of star `i` of an index. */
export function starRadec(index: StarIndex, i: number): [number, number] {
  return xyzToRadec(index.xyz[3 * i], index.xyz[3 * i + 1], index.xyz[3 * i + 2]);
}

/** Star list sorted by z (declination bands), built once per index for cone queries. */
export interface ConeLookup {
  /** Star numbers sorted by increasing z. */
  order: Uint32Array;
  /** z of `order[k]`. */
  z: Float64Array;
}

/** Builds the declination-sorted lookup of an index's stars (O(n log n), once per loaded index). */
export function buildConeLookup(xyz: Float64Array): ConeLookup {
  const n = xyz.length / 3;
  const zs = new Float64Array(n);
  for (let i = 0; i < n; i++) zs[i] = xyz[3 * i + 2];
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => zs[a] - zs[b]);
  const z = new Float64Array(n);
  for (let k = 0; k < n; k++) z[k] = zs[order[k]];
  return { order, z };
}

/** The lookup of `buildConeLookup` from its star order (as cached on disk), or null if `order` is not a z-sorted permutation. */
export function coneLookupFromOrder(xyz: Float64Array, order: Uint32Array): ConeLookup | null {
  const n = xyz.length / 3;
  if (order.length !== n) return null;
  const seen = new Uint8Array(n);
  const z = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (i >= n || seen[i]) return null;
    seen[i] = 1;
    z[k] = xyz[3 * i + 2];
    if (k > 0 && z[k] < z[k - 1]) return null;
  }
  return { order, z };
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

/**
 * Stars within `radiusDeg` of the unit vector `centre` (a declination band from the sorted z, then an
 * exact dot-product test). Returns star numbers in increasing order (that is, the file's order).
 */
export function coneStars(
  xyz: Float64Array,
  lookup: ConeLookup,
  centre: ArrayLike<number>,
  radiusDeg: number,
): Uint32Array {
  const r = Math.min(180, Math.max(0, radiusDeg)) * (Math.PI / 180);
  const cosR = Math.cos(r);
  const dec = Math.asin(Math.max(-1, Math.min(1, centre[2])));
  const zLow = Math.sin(Math.max(-Math.PI / 2, dec - r));
  const zHigh = Math.sin(Math.min(Math.PI / 2, dec + r));
  const start = lowerBound(lookup.z, zLow);
  const end = lowerBound(lookup.z, zHigh + 1e-15);
  const hits: number[] = [];
  for (let k = start; k < end; k++) {
    const i = lookup.order[k];
    const dot = xyz[3 * i] * centre[0] + xyz[3 * i + 1] * centre[1] + xyz[3 * i + 2] * centre[2];
    if (dot >= cosR) hits.push(i);
  }
  const out = Uint32Array.from(hits);
  out.sort();
  return out;
}
