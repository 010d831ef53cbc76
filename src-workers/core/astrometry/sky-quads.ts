/**
 * Quads built on the fly from the catalog stars around a pointing hint, at the frame's own scale. The
 * packaged Tycho-2 indexes hold quads of 22′ and more and only a few per square degree, so a 30′ frame
 * (the DSS M67 plate has 19 index stars and not one whole index quad inside it) has nothing to match; with
 * a hint, every quad of the right size among the catalog stars in the cone can be hashed instead (as
 * ASTAP does with its triangles), in a fraction of a second.
 */
import { canonicalCode, skyCode } from './quad-code.js';
import { coneStars } from './star-index.js';
import type { SolveIndex } from './solve.js';

/** Settings of `skyQuadIndex`. */
export interface SkyQuadOptions {
  /** Cone: centre unit vector and radius (deg). */
  centre: ArrayLike<number>;
  radiusDeg: number;
  /** A–B separation range, radians. */
  abLowRad: number;
  abHighRad: number;
  /** At most this many C/D candidates (the brightest) inside each A–B circle [8]. */
  maxInside?: number;
  /** Stop at this many quads [400000]. */
  maxQuads?: number;
}

/**
 * A solve index whose quads are every A–B pair of catalog stars in the cone with separation in range and
 * C, D among the brightest stars inside the A–B circle, in the index files' code convention. Shares the
 * star list (`xyz`, `mag`) and cone lookup of `ref`. Its `indexId` is the negated id of `ref`.
 */
export function skyQuadIndex(ref: SolveIndex, options: SkyQuadOptions): SolveIndex {
  const { xyz, mag } = ref.index;
  const stars = coneStars(xyz, ref.lookup, options.centre, options.radiusDeg);
  const maxInside = options.maxInside ?? 8;
  const maxQuads = options.maxQuads ?? 400000;
  const cosLow = Math.cos(options.abLowRad);
  const cosHigh = Math.cos(options.abHighRad);
  // Brightest first, so the C/D candidates are the stars a frame shows first.
  const list = Array.from(stars).sort((a, b) => (mag ? (mag[a] || 99) - (mag[b] || 99) : a - b));
  const n = list.length;
  const quads: number[] = [];
  const codes: number[] = [];
  const code = new Float64Array(4);
  const dot = (i: number, j: number) =>
    xyz[3 * i] * xyz[3 * j] + xyz[3 * i + 1] * xyz[3 * j + 1] + xyz[3 * i + 2] * xyz[3 * j + 2];
  outer: for (let ia = 0; ia < n; ia++) {
    const a = list[ia];
    for (let ib = ia + 1; ib < n; ib++) {
      const b = list[ib];
      const cab = dot(a, b);
      if (cab > cosLow || cab < cosHigh) continue;
      // Midpoint and the circle with diameter AB: a star is inside when its angle to the midpoint is below half AB.
      const mx = xyz[3 * a] + xyz[3 * b];
      const my = xyz[3 * a + 1] + xyz[3 * b + 1];
      const mz = xyz[3 * a + 2] + xyz[3 * b + 2];
      const mn = Math.hypot(mx, my, mz);
      const cosHalf = Math.cos(Math.acos(Math.min(1, cab)) / 2);
      const inside: number[] = [];
      for (let k = 0; k < n && inside.length < maxInside; k++) {
        const s = list[k];
        if (s === a || s === b) continue;
        if ((xyz[3 * s] * mx + xyz[3 * s + 1] * my + xyz[3 * s + 2] * mz) / mn > cosHalf) inside.push(s);
      }
      for (let i = 0; i < inside.length; i++)
        for (let j = i + 1; j < inside.length; j++) {
          const quad = [a, b, inside[i], inside[j]];
          skyCode(xyz, quad, code);
          const perm = canonicalCode(code);
          for (const k of perm) quads.push(quad[k]);
          codes.push(code[0], code[1], code[2], code[3]);
          if (quads.length / 4 >= maxQuads) break outer;
        }
    }
  }
  return {
    index: {
      ...ref.index,
      name: `${ref.index.name} (quads from the cone)`,
      indexId: -ref.index.indexId,
      scaleLowRad: options.abLowRad,
      scaleHighRad: options.abHighRad,
      quads: Uint32Array.from(quads),
      dimQuads: 4,
      codes: Float32Array.from(codes),
    },
    lookup: ref.lookup,
  };
}
