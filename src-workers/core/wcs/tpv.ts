/**
 * TPV distortion (the TAN + PV polynomial of SCAMP/SWarp; FITS registry "TPV" convention, Calabretta
 * et al. 2004 draft): ξ' = Σ PV1_k T_k(ξ, η), η' = Σ PV2_k T_k(η, ξ), k = 0…39, on intermediate world
 * coordinates in degrees after the CD matrix and before the TAN projection. T_k are the monomials of
 * total degree ≤ 7 in the order 1, x, y, r, x², xy, y², x³, x²y, xy², y³, r³, x⁴ … with r = √(x² + y²)
 * at k = 3, 11, 23, 39. Missing PV keywords are 0 except PVi_1 = 1, so no PV means no distortion.
 */
import type { KeywordSource } from './keywords.js';
import { newtonInverse2d } from './newton-inverse.js';

/** TPV coefficients: `c1[k]` for the first (longitude) axis, `c2[k]` for the second. */
export interface TpvDistortion {
  c1: Float64Array;
  c2: Float64Array;
  /** Highest k with a non-zero coefficient on either axis. */
  maxK: number;
}

/** Number of TPV terms. */
export const TPV_TERMS = 40;

/** (x power, y power, r power) of term k. */
const TERMS: [number, number, number][] = (() => {
  const t: [number, number, number][] = [];
  for (let deg = 0; deg <= 7; deg++) {
    for (let yp = 0; yp <= deg; yp++) t.push([deg - yp, yp, 0]);
    if (deg % 2 === 1) t.push([0, 0, deg]);
  }
  return t;
})();

/** Reads PV1_k/PV2_k (k = 0..39, with alternate letter `alt`) as TPV coefficients. */
export function readTpv(h: KeywordSource, alt = '', lonAxis = 1, latAxis = 2): TpvDistortion {
  const c1 = new Float64Array(TPV_TERMS);
  const c2 = new Float64Array(TPV_TERMS);
  let maxK = 1;
  for (let k = 0; k < TPV_TERMS; k++) {
    const a = h.get(`PV${lonAxis}_${k}${alt}`);
    const b = h.get(`PV${latAxis}_${k}${alt}`);
    c1[k] = typeof a === 'number' ? a : k === 1 ? 1 : 0;
    c2[k] = typeof b === 'number' ? b : k === 1 ? 1 : 0;
    if (c1[k] !== 0 || c2[k] !== 0) maxK = Math.max(maxK, k);
  }
  return { c1, c2, maxK };
}

function series(c: Float64Array, maxK: number, x: number, y: number): number {
  const r = Math.hypot(x, y);
  let s = 0;
  for (let k = 0; k <= maxK; k++) {
    const ck = c[k];
    if (ck === 0) continue;
    const [px, py, pr] = TERMS[k];
    s += ck * x ** px * y ** py * r ** pr;
  }
  return s;
}

/** Distorted (ξ', η') in degrees of intermediate (ξ, η) in degrees. */
export function tpvForward(t: TpvDistortion, x: number, y: number): [number, number] {
  return [series(t.c1, t.maxK, x, y), series(t.c2, t.maxK, y, x)];
}

/** (ξ, η) whose distorted coordinates are (X, Y): Newton iteration with a numerical Jacobian. */
export function tpvInverse(t: TpvDistortion, X: number, Y: number): [number, number] {
  return newtonInverse2d((x, y) => tpvForward(t, x, y), X, Y, 60);
}
