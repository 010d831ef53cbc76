/**
 * The gnomonic (TAN) world coordinate system with optional SIP distortion.
 *
 * References: Greisen & Calabretta 2002 (Paper I, linear transformation: CD, PC+CDELT, CROTA2),
 * Calabretta & Greisen 2002 (Paper II, TAN projection, LONPOLE = 180° default for zenithal
 * projections), Shupe et al. 2005 (SIP convention: A_p_q/B_p_q forward, AP_p_q/BP_p_q inverse).
 *
 * Pixel coordinates are 0-based pixel centres (ARCHITECTURE.md): FITS pixel p = x + 1. Sky coordinates
 * are degrees; right ascension in [0, 360). Pixel ← sky inverts the SIP polynomial with sip.ts's
 * `sipInverse` (Newton iteration from AP/BP), the one SIP inverse of core, so the round trip is exact to
 * ~1e-12 pixel. The plate solver (core/astrometry) fits and returns these objects.
 */
import { InputError } from '../errors.js';
import type { KeywordSource } from './keywords.js';
import { sipForward, sipInverse, type SipDistortion } from './sip.js';

export type { KeywordSource } from './keywords.js';

/** Wraps a `{KEY: value}` record as a keyword source. */
export function recordSource(record: Record<string, unknown>): KeywordSource {
  return { get: (k) => record[k.toUpperCase()] as string | number | boolean | null | undefined };
}

/** SIP polynomial coefficients: `a[p][q]` multiplies u^p v^q (the same shape as sip.ts's `SipDistortion`). */
export type SipPolynomials = SipDistortion;

export interface TanWcsParams {
  /** FITS reference pixel (1-based, as in the header). */
  crpix: [number, number];
  /** Reference sky position (deg). */
  crval: [number, number];
  /** Linear transform to intermediate world coordinates (deg per pixel), row-major [[CD1_1, CD1_2], [CD2_1, CD2_2]]. */
  cd: [[number, number], [number, number]];
  sip?: SipPolynomials;
  /** Axis names, e.g. ['RA---TAN-SIP', 'DEC--TAN-SIP']. */
  ctype?: [string, string];
}

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** A TAN(-SIP) WCS. Construct with `wcsFromHeader` or directly from parameters. */
export class TanWcs {
  readonly crpix: [number, number];
  readonly crval: [number, number];
  readonly cd: [[number, number], [number, number]];
  readonly sip?: SipPolynomials;
  readonly ctype: [string, string];
  private readonly inv: [[number, number], [number, number]];
  private readonly sinD0: number;
  private readonly cosD0: number;

  constructor(params: TanWcsParams) {
    this.crpix = params.crpix;
    this.crval = params.crval;
    this.cd = params.cd;
    this.sip = params.sip;
    this.ctype = params.ctype ?? (params.sip ? ['RA---TAN-SIP', 'DEC--TAN-SIP'] : ['RA---TAN', 'DEC--TAN']);
    const [[a, b], [c, d]] = this.cd;
    const det = a * d - b * c;
    if (!Number.isFinite(det) || det === 0)
      throw new InputError('WCS_SINGULAR', 'WCS matrix is singular (CD determinant is 0)');
    this.inv = [
      [d / det, -b / det],
      [-c / det, a / det],
    ];
    this.sinD0 = Math.sin(this.crval[1] * D2R);
    this.cosD0 = Math.cos(this.crval[1] * D2R);
  }

  /** Sky position (deg) of the 0-based pixel centre (x, y). */
  pixelToSky(x: number, y: number): [number, number] {
    let u = x + 1 - this.crpix[0];
    let v = y + 1 - this.crpix[1];
    if (this.sip) [u, v] = sipForward(this.sip, u, v);
    return this.standardToSky(this.cd[0][0] * u + this.cd[0][1] * v, this.cd[1][0] * u + this.cd[1][1] * v);
  }

  /** 0-based pixel position of the sky position (deg); NaN for points 90° or more from CRVAL. */
  skyToPixel(ra: number, dec: number): [number, number] {
    const t = this.skyToStandard(ra, dec);
    if (!t) return [Number.NaN, Number.NaN];
    const U = this.inv[0][0] * t[0] + this.inv[0][1] * t[1];
    const V = this.inv[1][0] * t[0] + this.inv[1][1] * t[1];
    let u = U;
    let v = V;
    if (this.sip) [u, v] = sipInverse(this.sip, U, V);
    return [u + this.crpix[0] - 1, v + this.crpix[1] - 1];
  }

  /**
   * Intermediate world (standard) coordinates (ξ, η) in degrees of a sky position (deg), gnomonic about
   * CRVAL with LONPOLE = 180° (Paper II §5.1.3); null at 90° or more from CRVAL.
   */
  skyToStandard(ra: number, dec: number): [number, number] | null {
    const d = dec * D2R;
    const da = (ra - this.crval[0]) * D2R;
    const cosD = Math.cos(d);
    const sinD = Math.sin(d);
    const cosDa = Math.cos(da);
    const den = sinD * this.sinD0 + cosD * this.cosD0 * cosDa;
    if (!(den > 0)) return null;
    return [((cosD * Math.sin(da)) / den) * R2D, ((sinD * this.cosD0 - cosD * this.sinD0 * cosDa) / den) * R2D];
  }

  /** Sky position (deg, RA in [0, 360)) of standard coordinates (ξ, η) in degrees: the inverse of `skyToStandard`. */
  standardToSky(xiDeg: number, etaDeg: number): [number, number] {
    const xi = xiDeg * D2R;
    const eta = etaDeg * D2R;
    const den = this.cosD0 - eta * this.sinD0;
    let ra = this.crval[0] + Math.atan2(xi, den) * R2D;
    const dec = Math.atan2(this.sinD0 + eta * this.cosD0, Math.hypot(xi, den)) * R2D;
    ra %= 360;
    if (ra < 0) ra += 360;
    return [ra, dec];
  }

  /** Converts many pixels at once (0-based); returns RA and Dec arrays in degrees. */
  pixelsToSky(xs: ArrayLike<number>, ys: ArrayLike<number>): { ra: Float64Array; dec: Float64Array } {
    const ra = new Float64Array(xs.length);
    const dec = new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) [ra[i], dec[i]] = this.pixelToSky(xs[i], ys[i]);
    return { ra, dec };
  }

  /** Converts many sky positions at once; returns 0-based pixel arrays. */
  skyToPixels(ras: ArrayLike<number>, decs: ArrayLike<number>): { x: Float64Array; y: Float64Array } {
    const x = new Float64Array(ras.length);
    const y = new Float64Array(ras.length);
    for (let i = 0; i < ras.length; i++) [x[i], y[i]] = this.skyToPixel(ras[i], decs[i]);
    return { x, y };
  }

  /** Mean pixel scale at the reference pixel in arcseconds per pixel (sqrt |det CD|). */
  pixelScaleArcsec(): number {
    const [[a, b], [c, d]] = this.cd;
    return Math.sqrt(Math.abs(a * d - b * c)) * 3600;
  }

  /** Header keywords describing this WCS (CD form, plus SIP coefficients). */
  toHeader(): Record<string, string | number> {
    const out: Record<string, string | number> = {
      WCSAXES: 2,
      CTYPE1: this.sip ? 'RA---TAN-SIP' : 'RA---TAN',
      CTYPE2: this.sip ? 'DEC--TAN-SIP' : 'DEC--TAN',
      CUNIT1: 'deg',
      CUNIT2: 'deg',
      CRPIX1: this.crpix[0],
      CRPIX2: this.crpix[1],
      CRVAL1: this.crval[0],
      CRVAL2: this.crval[1],
      CD1_1: this.cd[0][0],
      CD1_2: this.cd[0][1],
      CD2_1: this.cd[1][0],
      CD2_2: this.cd[1][1],
    };
    if (this.sip) {
      out.A_ORDER = this.sip.order;
      out.B_ORDER = this.sip.order;
      writePoly(out, 'A', this.sip.a, this.sip.order);
      writePoly(out, 'B', this.sip.b, this.sip.order);
      if (this.sip.ap && this.sip.bp && this.sip.inverseOrder) {
        out.AP_ORDER = this.sip.inverseOrder;
        out.BP_ORDER = this.sip.inverseOrder;
        writePoly(out, 'AP', this.sip.ap, this.sip.inverseOrder);
        writePoly(out, 'BP', this.sip.bp, this.sip.inverseOrder);
      }
    }
    return out;
  }
}

function writePoly(out: Record<string, string | number>, prefix: string, c: number[][], order: number): void {
  for (let p = 0; p <= order; p++)
    for (let q = 0; q <= order - p; q++) if (c[p]?.[q]) out[`${prefix}_${p}_${q}`] = c[p][q];
}

function readPoly(h: KeywordSource, prefix: string, order: number): number[][] {
  const c: number[][] = [];
  for (let p = 0; p <= order; p++) {
    c.push([]);
    for (let q = 0; q <= order - p; q++) {
      const v = h.get(`${prefix}_${p}_${q}`);
      c[p].push(typeof v === 'number' ? v : 0);
    }
  }
  return c;
}

const num = (h: KeywordSource, key: string): number | undefined => {
  const v = h.get(key);
  return typeof v === 'number' ? v : undefined;
};

/**
 * Builds a TAN(-SIP) WCS from header keywords, or returns a reason it cannot:
 * CD takes precedence, then PC + CDELT, then CDELT + CROTA2 (Paper I §6). `fileName` names the source
 * in messages.
 */
export function parseTanWcs(h: KeywordSource): { wcs: TanWcs } | { reason: string } {
  const c1 = String(h.get('CTYPE1') ?? '')
    .trim()
    .toUpperCase();
  const c2 = String(h.get('CTYPE2') ?? '')
    .trim()
    .toUpperCase();
  if (!c1 && !c2) return { reason: 'no CTYPE1/CTYPE2 keywords' };
  const proj1 = c1.slice(4, 8);
  const proj2 = c2.slice(4, 8);
  if (proj1 !== '-TAN' || proj2 !== '-TAN')
    return { reason: `projection ${c1}/${c2} is not supported (only TAN and TAN-SIP)` };
  const lonFirst = /^(RA|GLON|ELON)/.test(c1);
  if (!lonFirst) return { reason: `axis order ${c1}/${c2} is not supported (longitude must be axis 1)` };
  const lonpole = num(h, 'LONPOLE');
  if (lonpole !== undefined && lonpole !== 180) return { reason: `LONPOLE ${lonpole} is not supported (only 180)` };
  const crpix1 = num(h, 'CRPIX1');
  const crpix2 = num(h, 'CRPIX2');
  const crval1 = num(h, 'CRVAL1');
  const crval2 = num(h, 'CRVAL2');
  if (crpix1 === undefined || crpix2 === undefined || crval1 === undefined || crval2 === undefined) {
    return { reason: 'CRPIX1/2 or CRVAL1/2 missing' };
  }
  let cd: [[number, number], [number, number]];
  const hasCd = ['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].some((k) => num(h, k) !== undefined);
  if (hasCd) {
    cd = [
      [num(h, 'CD1_1') ?? 0, num(h, 'CD1_2') ?? 0],
      [num(h, 'CD2_1') ?? 0, num(h, 'CD2_2') ?? 0],
    ];
  } else {
    const cdelt1 = num(h, 'CDELT1') ?? 1;
    const cdelt2 = num(h, 'CDELT2') ?? 1;
    const hasPc = ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'].some((k) => num(h, k) !== undefined);
    if (hasPc) {
      cd = [
        [cdelt1 * (num(h, 'PC1_1') ?? 1), cdelt1 * (num(h, 'PC1_2') ?? 0)],
        [cdelt2 * (num(h, 'PC2_1') ?? 0), cdelt2 * (num(h, 'PC2_2') ?? 1)],
      ];
    } else {
      const rho = (num(h, 'CROTA2') ?? 0) * D2R;
      cd = [
        [cdelt1 * Math.cos(rho), -cdelt2 * Math.sin(rho)],
        [cdelt1 * Math.sin(rho), cdelt2 * Math.cos(rho)],
      ];
    }
  }
  let sip: SipPolynomials | undefined;
  if (c1.endsWith('-SIP') || num(h, 'A_ORDER') !== undefined) {
    const order = num(h, 'A_ORDER');
    const bOrder = num(h, 'B_ORDER') ?? order;
    if (order !== undefined && bOrder !== undefined) {
      const o = Math.max(order, bOrder);
      if (!Number.isInteger(o) || o < 0 || o > 9) return { reason: `SIP order ${o} is out of range` };
      sip = { order: o, a: readPoly(h, 'A', o), b: readPoly(h, 'B', o) };
      const ap = num(h, 'AP_ORDER');
      const bp = num(h, 'BP_ORDER') ?? ap;
      if (ap !== undefined && bp !== undefined) {
        const io = Math.max(ap, bp);
        if (Number.isInteger(io) && io >= 0 && io <= 9) {
          sip.inverseOrder = io;
          sip.ap = readPoly(h, 'AP', io);
          sip.bp = readPoly(h, 'BP', io);
        }
      }
    }
  }
  const [[a, b], [c, d]] = cd;
  if (!(a * d - b * c)) return { reason: 'WCS matrix is singular' };
  return { wcs: new TanWcs({ crpix: [crpix1, crpix2], crval: [crval1, crval2], cd, sip, ctype: [c1, c2] }) };
}

/** Like `parseTanWcs` but throws `InputError('WCS_UNSUPPORTED')` naming `source` when there is no usable WCS. */
export function wcsFromHeader(h: KeywordSource, source = 'header'): TanWcs {
  const r = parseTanWcs(h);
  if ('wcs' in r) return r.wcs;
  throw new InputError('WCS_UNSUPPORTED', `${source}: no usable WCS: ${r.reason}`);
}
