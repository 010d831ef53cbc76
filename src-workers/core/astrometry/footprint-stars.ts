/**
 * The catalog stars that fall on a frame: the stars of an index inside the frame's footprint, found by a
 * cone around the frame centre and kept where the frame's WCS puts them on the pixels, brightest first.
 * Pure; the index and its cone lookup come from the caller (src-workers/io/star-index-file.ts).
 */
import type { SkyWcs } from '../wcs/index.js';
import { angularSeparationDeg, radecToXyz, xyzToRadec } from './sphere.js';
import { coneStars, type ConeLookup, type StarIndex } from './star-index.js';

/** Stars of an index on a frame, columnar, brightest first (stars without a magnitude last). */
export interface FootprintStars {
  /** Star numbers in the index file. */
  star: Uint32Array;
  raDeg: Float64Array;
  decDeg: Float64Array;
  /** Magnitude (V_T for Tycho-2), NaN where the index has none. */
  mag: Float32Array;
  /** 0-based pixel centres through `wcs`. */
  x: Float64Array;
  y: Float64Array;
  /** Stars on the frame before `limit` cut the list. */
  total: number;
}

/**
 * The stars of `index` that `wcs` puts within the pixels of a `widthPx` × `heightPx` frame (outer pixel
 * edges, −0.5 … width − 0.5), brightest first, at most `limit` [2000]. The search cone is centred on the
 * frame's centre with a radius 2 % beyond its furthest corner or edge midpoint; a frame whose footprint
 * reaches past 90° from its centre is not a tangent-plane image and gives no stars.
 */
export function footprintStars(
  index: StarIndex,
  lookup: ConeLookup,
  wcs: SkyWcs,
  widthPx: number,
  heightPx: number,
  limit = 2000,
): FootprintStars {
  const none: FootprintStars = {
    star: new Uint32Array(0),
    raDeg: new Float64Array(0),
    decDeg: new Float64Array(0),
    mag: new Float32Array(0),
    x: new Float64Array(0),
    y: new Float64Array(0),
    total: 0,
  };
  if (!(widthPx > 0 && heightPx > 0 && limit > 0)) return none;
  const cx = (widthPx - 1) / 2;
  const cy = (heightPx - 1) / 2;
  const [ra0, dec0] = wcs.pixelToSky(cx, cy);
  if (!Number.isFinite(ra0) || !Number.isFinite(dec0)) return none;
  const edge: Array<[number, number]> = [
    [-0.5, -0.5],
    [widthPx - 0.5, -0.5],
    [-0.5, heightPx - 0.5],
    [widthPx - 0.5, heightPx - 0.5],
    [cx, -0.5],
    [cx, heightPx - 0.5],
    [-0.5, cy],
    [widthPx - 0.5, cy],
  ];
  let radiusDeg = 0;
  for (const [x, y] of edge) {
    const [ra, dec] = wcs.pixelToSky(x, y);
    if (!Number.isFinite(ra) || !Number.isFinite(dec)) return none;
    radiusDeg = Math.max(radiusDeg, angularSeparationDeg(ra0, dec0, ra, dec));
  }
  radiusDeg *= 1.02;
  if (radiusDeg >= 90) return none;
  const hits = coneStars(index.xyz, lookup, radecToXyz(ra0, dec0), radiusDeg);
  const ras = new Float64Array(hits.length);
  const decs = new Float64Array(hits.length);
  hits.forEach((s, k) => {
    [ras[k], decs[k]] = xyzToRadec(index.xyz[3 * s], index.xyz[3 * s + 1], index.xyz[3 * s + 2]);
  });
  const { x, y } = wcs.skyToPixels(ras, decs);
  const inside: number[] = [];
  for (let k = 0; k < hits.length; k++)
    if (x[k] >= -0.5 && x[k] <= widthPx - 0.5 && y[k] >= -0.5 && y[k] <= heightPx - 0.5) inside.push(k);
  const magOf = (k: number): number => {
    const m = index.mag ? index.mag[hits[k]] : Number.NaN;
    return Number.isFinite(m) ? m : Number.POSITIVE_INFINITY;
  };
  // Brightest first; equal magnitudes keep the file's order, so the list does not depend on the sort.
  inside.sort((a, b) => magOf(a) - magOf(b) || a - b);
  const kept = inside.slice(0, limit);
  return {
    star: Uint32Array.from(kept, (k) => hits[k]),
    raDeg: Float64Array.from(kept, (k) => ras[k]),
    decDeg: Float64Array.from(kept, (k) => decs[k]),
    mag: Float32Array.from(kept, (k) => (index.mag ? index.mag[hits[k]] : Number.NaN)),
    x: Float64Array.from(kept, (k) => x[k]),
    y: Float64Array.from(kept, (k) => y[k]),
    total: inside.length,
  };
}
