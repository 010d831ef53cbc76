/**
 * SIP distortion (Shupe et al. 2005, "The SIP convention for representing distortion in FITS image
 * headers"): u' = u + Σ A_p_q u^p v^q, v' = v + Σ B_p_q u^p v^q on pixel offsets (u, v) = p − CRPIX,
 * before the CD matrix. AP/BP give an approximate inverse; `sipInverse` refines it by Newton iteration
 * so the round trip is exact to ~1e-10 pixel whatever the quality of AP/BP.
 */
import type { KeywordSource } from './keywords.js';

/** SIP coefficients: `a[p][q]` multiplies u^p v^q (p + q ≤ order). */
export interface SipDistortion {
  order: number;
  a: number[][];
  b: number[][];
  /** Inverse polynomials AP/BP (starting guess only), when the header has them. */
  inverseOrder?: number;
  ap?: number[][];
  bp?: number[][];
}

function readPoly(h: KeywordSource, prefix: string, order: number, alt: string): number[][] {
  const c: number[][] = [];
  for (let p = 0; p <= order; p++) {
    c.push([]);
    for (let q = 0; q <= order - p; q++) {
      const v = h.get(`${prefix}_${p}_${q}${alt}`);
      c[p].push(typeof v === 'number' && Number.isFinite(v) ? v : 0);
    }
  }
  return c;
}

/**
 * Reads A/B (and AP/BP) from a header; undefined when there is no A_ORDER, a reason string when the
 * orders are missing or out of range (0–9).
 */
export function readSip(h: KeywordSource, alt = ''): SipDistortion | string | undefined {
  const ao = h.get(`A_ORDER${alt}`);
  const bo = h.get(`B_ORDER${alt}`);
  if (ao === undefined && bo === undefined) return undefined;
  if (typeof ao !== 'number' || typeof bo !== 'number') return 'SIP needs both A_ORDER and B_ORDER';
  const order = Math.max(ao, bo);
  if (!Number.isInteger(order) || order < 0 || order > 9) return `SIP order ${order} is out of range 0..9`;
  const sip: SipDistortion = { order, a: readPoly(h, 'A', order, alt), b: readPoly(h, 'B', order, alt) };
  const apo = h.get(`AP_ORDER${alt}`);
  const bpo = h.get(`BP_ORDER${alt}`);
  if (typeof apo === 'number' && typeof bpo === 'number') {
    const io = Math.max(apo, bpo);
    if (Number.isInteger(io) && io >= 0 && io <= 9) {
      sip.inverseOrder = io;
      sip.ap = readPoly(h, 'AP', io, alt);
      sip.bp = readPoly(h, 'BP', io, alt);
    }
  }
  return sip;
}

/** Σ c[p][q] u^p v^q by Horner's rule in v inside u. */
export function sipPoly(c: number[][], order: number, u: number, v: number): number {
  let sum = 0;
  for (let p = order; p >= 0; p--) {
    const row = c[p];
    let s = 0;
    for (let q = order - p; q >= 0; q--) s = s * v + (row?.[q] ?? 0);
    sum = sum * u + s;
  }
  return sum;
}

function polyGrad(c: number[][], order: number, u: number, v: number): [number, number] {
  let gu = 0;
  let gv = 0;
  for (let p = 0; p <= order; p++)
    for (let q = 0; q <= order - p; q++) {
      const k = c[p]?.[q];
      if (!k) continue;
      if (p > 0) gu += k * p * u ** (p - 1) * v ** q;
      if (q > 0) gv += k * q * u ** p * v ** (q - 1);
    }
  return [gu, gv];
}

/** Distorted offsets (u', v') of pixel offsets (u, v) from CRPIX. */
export function sipForward(s: SipDistortion, u: number, v: number): [number, number] {
  return [u + sipPoly(s.a, s.order, u, v), v + sipPoly(s.b, s.order, u, v)];
}

/** Pixel offsets (u, v) whose distorted offsets are (U, V): AP/BP start, then Newton to 1e-12 px. */
export function sipInverse(s: SipDistortion, U: number, V: number): [number, number] {
  let u = U;
  let v = V;
  if (s.ap && s.bp && s.inverseOrder !== undefined) {
    u = U + sipPoly(s.ap, s.inverseOrder, U, V);
    v = V + sipPoly(s.bp, s.inverseOrder, U, V);
  }
  for (let iter = 0; iter < 50; iter++) {
    const fu = u + sipPoly(s.a, s.order, u, v) - U;
    const fv = v + sipPoly(s.b, s.order, u, v) - V;
    const [au, av] = polyGrad(s.a, s.order, u, v);
    const [bu, bv] = polyGrad(s.b, s.order, u, v);
    const j11 = 1 + au;
    const j22 = 1 + bv;
    const det = j11 * j22 - av * bu;
    if (det === 0 || !Number.isFinite(det)) break;
    const du = (j22 * fu - av * fv) / det;
    const dv = (-bu * fu + j11 * fv) / det;
    u -= du;
    v -= dv;
    if (Math.abs(du) < 1e-12 && Math.abs(dv) < 1e-12) break;
  }
  return [u, v];
}
