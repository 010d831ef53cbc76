/**
 * IRAF's TNX and ZPX distortions (F. Valdes, "The IRAF/NOAO TNX World Coordinate System" and "The ZPX
 * projection", NOAO, 1997–2004). CTYPE 'RA---TNX' is TAN and 'RA---ZPX' is ZPN, each with correction
 * surfaces in the WAT attribute strings:
 *
 *     WAT1_001 = 'wtype=tnx axtype=ra lngcor = "3. 4. 4. 2. -0.2 0.2 -0.2 0.2 c0 c1 …"'
 *     WAT2_001 = 'wtype=tnx axtype=dec latcor = "…"'
 *
 * On intermediate world coordinates (ξ, η) in degrees after the CD matrix, the longitude-axis ξ becomes
 * ξ + lngcor(ξ, η) and η becomes η + latcor(ξ, η), both surfaces evaluated at the uncorrected (ξ, η), before
 * the projection. A surface is "type xorder yorder xterms xmin xmax ymin ymax coefficients…": type 1
 * Chebyshev, 2 Legendre (both on ξ, η normalised to [−1, 1] by the ranges), 3 power series (raw ξ, η);
 * xorder/yorder count terms (order + 1); xterms 0 = no cross terms, 1 = all, 2 = i + j < max(xorder,
 * yorder). Coefficients run over x fastest, then y (IRAF gsurfit). ZPX's ZPN coefficients are the WAT
 * attributes projp0…projp9 unless PVi_m are in the header.
 *
 * The WATi_nnn pieces are joined as IRAF writes them: each but the last is 68 characters, trailing blanks
 * included (FITS drops trailing blanks from strings, so they are put back).
 */
import type { KeywordSource } from './keywords.js';
import { newtonInverse2d } from './newton-inverse.js';

/** One IRAF correction surface (gsurfit). */
export interface IrafSurface {
  /** 1 Chebyshev, 2 Legendre, 3 power series. */
  type: 1 | 2 | 3;
  xorder: number;
  yorder: number;
  /** 0 none, 1 full, 2 half. */
  xterms: 0 | 1 | 2;
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  /** Coefficients in gsurfit order (x fastest). */
  coeff: Float64Array;
  /** Number of x terms in each y row. */
  rowTerms: number[];
}

/** The TNX/ZPX distortion of a WCS: a surface per axis (either may be absent). */
export interface IrafDistortion {
  kind: 'TNX' | 'ZPX';
  lngcor?: IrafSurface;
  latcor?: IrafSurface;
}

const WAT_PIECE = 68;

/** The joined WATi_nnn string of axis `axis`, or '' when the header has none. */
export function readWat(h: KeywordSource, axis: number): string {
  const pieces: string[] = [];
  for (let n = 1; n <= 999; n++) {
    const v = h.get(`WAT${axis}_${String(n).padStart(3, '0')}`);
    if (typeof v !== 'string') break;
    pieces.push(v);
  }
  return pieces.map((p, i) => (i < pieces.length - 1 ? p.padEnd(WAT_PIECE) : p)).join('');
}

/** The attributes `key = value` or `key = "quoted value"` of a WAT string. */
export function watAttributes(wat: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([A-Za-z_][\w]*)\s*=\s*(?:"([^"]*)"|(\S+))/g;
  for (let m = re.exec(wat); m; m = re.exec(wat)) out.set(m[1].toLowerCase(), m[2] ?? m[3]);
  return out;
}

/** Parses a gsurfit surface string, or returns a reason naming `what`. */
export function parseSurface(text: string, what: string): IrafSurface | string {
  const v = text.trim().split(/\s+/).map(Number);
  if (v.length < 8 || !v.every(Number.isFinite)) return `${what}: not a list of numbers (type xorder yorder xterms …)`;
  const [type, xorder, yorder, xterms, xmin, xmax, ymin, ymax] = v;
  if (type !== 1 && type !== 2 && type !== 3) return `${what}: surface type ${type} is not 1, 2 or 3`;
  const order = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 20;
  if (!order(xorder) || !order(yorder)) return `${what}: orders ${xorder}, ${yorder} are not integers in 1–20`;
  if (xterms !== 0 && xterms !== 1 && xterms !== 2) return `${what}: xterms ${xterms} is not 0, 1 or 2`;
  if (type !== 3 && (!(xmax > xmin) || !(ymax > ymin)))
    return `${what}: empty normalisation range [${xmin}, ${xmax}] × [${ymin}, ${ymax}]`;
  const maxOrder = Math.max(xorder, yorder);
  const rowTerms: number[] = [];
  for (let j = 0; j < yorder; j++)
    rowTerms.push(xterms === 1 ? xorder : xterms === 0 ? (j === 0 ? xorder : 1) : Math.min(xorder, maxOrder - j));
  const n = rowTerms.reduce((a, b) => a + b, 0);
  if (v.length - 8 !== n) return `${what}: ${v.length - 8} coefficients where the orders need ${n}`;
  return { type, xorder, yorder, xterms, xmin, xmax, ymin, ymax, coeff: Float64Array.from(v.slice(8)), rowTerms };
}

/** Basis values b[0…order−1] of the surface type at t (normalised for Chebyshev/Legendre). */
function basis(type: 1 | 2 | 3, order: number, t: number, out: Float64Array): void {
  out[0] = 1;
  if (order > 1) out[1] = t;
  for (let k = 2; k < order; k++)
    out[k] =
      type === 1
        ? 2 * t * out[k - 1] - out[k - 2]
        : type === 2
          ? ((2 * k - 1) * t * out[k - 1] - (k - 1) * out[k - 2]) / k
          : t * out[k - 1];
}

const bx = new Float64Array(20);
const by = new Float64Array(20);

/** The surface's value at (ξ, η) in degrees. */
export function evalSurface(s: IrafSurface, x: number, y: number): number {
  const xn = s.type === 3 ? x : (2 * x - (s.xmax + s.xmin)) / (s.xmax - s.xmin);
  const yn = s.type === 3 ? y : (2 * y - (s.ymax + s.ymin)) / (s.ymax - s.ymin);
  basis(s.type, s.xorder, xn, bx);
  basis(s.type, s.yorder, yn, by);
  let sum = 0;
  let k = 0;
  for (let j = 0; j < s.yorder; j++) {
    let row = 0;
    for (let i = 0; i < s.rowTerms[j]; i++) row += s.coeff[k++] * bx[i];
    sum += row * by[j];
  }
  return sum;
}

/**
 * The TNX/ZPX distortion of a header whose projection is `kind`: the surfaces of the longitude axis'
 * `lngcor` and the latitude axis' `latcor`, undefined surfaces when absent; a reason naming the WAT keyword
 * when a surface is malformed.
 */
export function readIrafDistortion(
  h: KeywordSource,
  kind: 'TNX' | 'ZPX',
  lonAxis: number,
  latAxis: number,
): IrafDistortion | string {
  const out: IrafDistortion = { kind };
  for (const [axis, attr] of [
    [lonAxis, 'lngcor'],
    [latAxis, 'latcor'],
  ] as const) {
    const text = watAttributes(readWat(h, axis)).get(attr);
    if (text === undefined) continue;
    const s = parseSurface(text, `WAT${axis} ${attr}`);
    if (typeof s === 'string') return s;
    out[attr] = s;
  }
  return out;
}

/** ZPX's ZPN coefficients projp0…projp9 from the WAT strings (latitude axis first), by m. */
export function readProjp(h: KeywordSource, lonAxis: number, latAxis: number): (number | undefined)[] {
  const pv: (number | undefined)[] = [];
  for (const axis of [lonAxis, latAxis]) {
    const a = watAttributes(readWat(h, axis));
    for (let m = 0; m <= 9; m++) {
      const v = a.get(`projp${m}`);
      if (v !== undefined && Number.isFinite(Number(v))) pv[m] = Number(v);
    }
  }
  return pv;
}

/** Corrected (ξ', η') in degrees of intermediate (ξ, η) in degrees. */
export function irafForward(d: IrafDistortion, x: number, y: number): [number, number] {
  return [x + (d.lngcor ? evalSurface(d.lngcor, x, y) : 0), y + (d.latcor ? evalSurface(d.latcor, x, y) : 0)];
}

/** (ξ, η) whose corrected coordinates are (X, Y): Newton iteration with a numerical Jacobian. */
export function irafInverse(d: IrafDistortion, X: number, Y: number): [number, number] {
  return newtonInverse2d((x, y) => irafForward(d, x, y), X, Y, 50);
}
