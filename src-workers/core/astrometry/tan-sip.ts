/**
 * Fitting the plate solution: a gnomonic (TAN) projection with a CD matrix and optional SIP distortion,
 * fitted by linear least squares to matched stars, as core/wcs `TanWcs` objects (the one WCS model of
 * core, whose SIP inverse is core/wcs/sip.ts's `sipInverse`), and their FITS header cards.
 *
 * References: Calabretta & Greisen 2002 (A&A 395, 1077), TAN projection; Shupe et al. 2005 (ASP Conf. 347,
 * 491), SIP: u' = u + Σ A_p_q u^p v^q (2 ≤ p+q ≤ order), pixel offsets u, v from CRPIX.
 * Pixel coordinates passed in here are 0-based pixel centres; `TanWcs.crpix` is the header's 1-based CRPIX.
 */
import { TanWcs } from '../wcs/tan.js';
import { sipForward, type SipDistortion } from '../wcs/sip.js';

const R2D = 180 / Math.PI;

/** Terms (p, q) with lo ≤ p + q ≤ hi, in a fixed order. */
export function polyTerms(lo: number, hi: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = lo; s <= hi; s++) for (let p = s; p >= 0; p--) out.push([p, s - p]);
  return out;
}

/** An all-zero coefficient triangle c[p][q], p + q ≤ order. */
function zeroPoly(order: number): number[][] {
  return Array.from({ length: order + 1 }, (_, p) => new Array<number>(order + 1 - p).fill(0));
}

/** The gnomonic projection about `crval` alone (identity CD), for standard coordinates ξ, η in degrees. */
function tanAbout(crval: [number, number]): TanWcs {
  return new TanWcs({
    crpix: [1, 1],
    crval,
    cd: [
      [1, 0],
      [0, 1],
    ],
  });
}

/** SIP order of a solution (0 when it has no distortion). */
export function sipOrderOf(w: TanWcs): number {
  return w.sip && w.sip.order >= 2 ? w.sip.order : 0;
}

/** Solves the normal equations of a least-squares problem (rows × cols design, row-major); null if singular. */
export function leastSquares(design: Float64Array, rows: number, cols: number, rhs: Float64Array): Float64Array | null {
  const m = new Float64Array(cols * (cols + 1));
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < cols; i++) {
      const di = design[r * cols + i];
      for (let j = 0; j < cols; j++) m[i * (cols + 1) + j] += di * design[r * cols + j];
      m[i * (cols + 1) + cols] += di * rhs[r];
    }
  }
  // Gaussian elimination with partial pivoting on the augmented matrix.
  for (let k = 0; k < cols; k++) {
    let piv = k;
    for (let i = k + 1; i < cols; i++) if (Math.abs(m[i * (cols + 1) + k]) > Math.abs(m[piv * (cols + 1) + k])) piv = i;
    if (Math.abs(m[piv * (cols + 1) + k]) < 1e-300) return null;
    if (piv !== k)
      for (let j = 0; j <= cols; j++) {
        const t = m[k * (cols + 1) + j];
        m[k * (cols + 1) + j] = m[piv * (cols + 1) + j];
        m[piv * (cols + 1) + j] = t;
      }
    for (let i = k + 1; i < cols; i++) {
      const f = m[i * (cols + 1) + k] / m[k * (cols + 1) + k];
      if (f === 0) continue;
      for (let j = k; j <= cols; j++) m[i * (cols + 1) + j] -= f * m[k * (cols + 1) + j];
    }
  }
  const x = new Float64Array(cols);
  for (let k = cols - 1; k >= 0; k--) {
    let s = m[k * (cols + 1) + cols];
    for (let j = k + 1; j < cols; j++) s -= m[k * (cols + 1) + j] * x[j];
    x[k] = s / m[k * (cols + 1) + k];
  }
  for (const v of x) if (!Number.isFinite(v)) return null;
  return x;
}

/**
 * Fits a TAN-SIP solution of `order` (1 = TAN only, up to 4) to matched pixels (x, y; 0-based) and sky
 * positions (ra, dec; degrees), with the reference pixel at `crpix` (0-based) and CRVAL iterated to the sky
 * position of that pixel (three passes). The polynomials are fitted in (u, v) → (ξ, η) with scale
 * normalisation for conditioning; CD is their linear part and A, B the rest mapped through CD⁻¹ (as
 * astrometry.net's fit-wcs does). Returns null when the system is singular or there are too few stars
 * (fewer than the terms + 1).
 */
export function fitPlateWcs(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  ra: ArrayLike<number>,
  dec: ArrayLike<number>,
  crpix: [number, number],
  crvalGuess: [number, number],
  order: number,
): TanWcs | null {
  const n = x.length;
  const terms = polyTerms(0, order);
  const cols = terms.length;
  if (n < cols + 1) return null;
  let norm = 1;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(x[i] - crpix[0]), Math.abs(y[i] - crpix[1]));
  let crval: [number, number] = [crvalGuess[0], crvalGuess[1]];
  let cx: Float64Array | null = null;
  let cy: Float64Array | null = null;
  for (let pass = 0; pass < 3; pass++) {
    const tan = tanAbout(crval);
    const design = new Float64Array(n * cols);
    const xi = new Float64Array(n);
    const eta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = tan.skyToStandard(ra[i], dec[i]);
      if (!t) return null;
      xi[i] = t[0];
      eta[i] = t[1];
      const u = (x[i] - crpix[0]) / norm;
      const v = (y[i] - crpix[1]) / norm;
      terms.forEach(([p, q], j) => (design[i * cols + j] = u ** p * v ** q));
    }
    cx = leastSquares(design, n, cols, xi);
    cy = leastSquares(design, n, cols, eta);
    if (!cx || !cy) return null;
    // Constant terms: the sky position of CRPIX is off the current CRVAL; move CRVAL there and refit.
    crval = tan.standardToSky(cx[0], cy[0]);
  }
  if (!cx || !cy) return null;
  const cd: [[number, number], [number, number]] = [
    [cx[1] / norm, cx[2] / norm],
    [cy[1] / norm, cy[2] / norm],
  ];
  const det = cd[0][0] * cd[1][1] - cd[0][1] * cd[1][0];
  if (!Number.isFinite(det) || det === 0) return null;
  let sip: SipDistortion | undefined;
  if (order >= 2) {
    sip = { order, a: zeroPoly(order), b: zeroPoly(order) };
    terms.forEach(([p, q], j) => {
      if (p + q < 2) return;
      const s = norm ** (p + q);
      const gx = cx![j] / s;
      const gy = cy![j] / s;
      sip!.a[p][q] = (cd[1][1] * gx - cd[0][1] * gy) / det;
      sip!.b[p][q] = (-cd[1][0] * gx + cd[0][0] * gy) / det;
    });
  }
  return new TanWcs({ crpix: [crpix[0] + 1, crpix[1] + 1], crval, cd, sip });
}

/**
 * Adds inverse polynomials AP, BP of order `sipOrder + 1` (at most 5) fitted on a 20 × 20 grid over the
 * frame (`width` × `height` px), for readers that do not iterate the forward SIP (ours only starts its
 * Newton inverse from them). Returns a new solution; one without SIP is returned as it is.
 */
export function withInverseSip(w: TanWcs, width: number, height: number): TanWcs {
  const sip = w.sip;
  if (!sip || sip.order < 2) return w;
  const order = Math.min(sip.order + 1, 5);
  const terms = polyTerms(1, order);
  const g = 20;
  const rows = g * g;
  const design = new Float64Array(rows * terms.length);
  const du = new Float64Array(rows);
  const dv = new Float64Array(rows);
  const norm = Math.max(width, height);
  const plain: SipDistortion = { order: sip.order, a: sip.a, b: sip.b };
  let r = 0;
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++, r++) {
      // Offsets from the 1-based CRPIX of 0-based grid pixels.
      const u = ((i + 0.5) / g) * width - 0.5 + 1 - w.crpix[0];
      const v = ((j + 0.5) / g) * height - 0.5 + 1 - w.crpix[1];
      const [uu, vv] = sipForward(plain, u, v);
      terms.forEach(([p, q], k) => (design[r * terms.length + k] = (uu / norm) ** p * (vv / norm) ** q));
      du[r] = u - uu;
      dv[r] = v - vv;
    }
  const cu = leastSquares(design, rows, terms.length, du);
  const cv = leastSquares(design, rows, terms.length, dv);
  if (!cu || !cv) return w;
  const ap = zeroPoly(order);
  const bp = zeroPoly(order);
  terms.forEach(([p, q], k) => {
    ap[p][q] = cu[k] / norm ** (p + q);
    bp[p][q] = cv[k] / norm ** (p + q);
  });
  return new TanWcs({
    crpix: w.crpix,
    crval: w.crval,
    cd: w.cd,
    sip: { ...plain, inverseOrder: order, ap, bp },
  });
}

/** A header card: keyword, value, comment. */
export interface WcsCard {
  key: string;
  value: string | number;
  comment: string;
}

/** FITS cards of the solution (WCSAXES, CTYPE, CUNIT, CRPIX 1-based, CRVAL, CD, A/B/AP/BP with every term). */
export function plateWcsCards(w: TanWcs): WcsCard[] {
  const sip = w.sip && w.sip.order >= 2 ? w.sip : undefined;
  const tag = sip ? ' + SIP' : '';
  const cards: WcsCard[] = [
    { key: 'WCSAXES', value: 2, comment: 'number of WCS axes' },
    { key: 'CTYPE1', value: sip ? 'RA---TAN-SIP' : 'RA---TAN', comment: 'gnomonic projection' + tag },
    { key: 'CTYPE2', value: sip ? 'DEC--TAN-SIP' : 'DEC--TAN', comment: 'gnomonic projection' + tag },
    { key: 'CUNIT1', value: 'deg', comment: 'unit of CRVAL1 and CD1_j' },
    { key: 'CUNIT2', value: 'deg', comment: 'unit of CRVAL2 and CD2_j' },
    { key: 'EQUINOX', value: 2000.0, comment: 'equinox of the ICRS-aligned coordinates' },
    { key: 'RADESYS', value: 'ICRS', comment: 'reference frame (Tycho-2)' },
    { key: 'CRPIX1', value: w.crpix[0], comment: 'reference pixel x (1-based)' },
    { key: 'CRPIX2', value: w.crpix[1], comment: 'reference pixel y (1-based)' },
    { key: 'CRVAL1', value: w.crval[0], comment: 'RA of the reference pixel [deg]' },
    { key: 'CRVAL2', value: w.crval[1], comment: 'Dec of the reference pixel [deg]' },
    { key: 'CD1_1', value: w.cd[0][0], comment: 'linear transform [deg/px]' },
    { key: 'CD1_2', value: w.cd[0][1], comment: 'linear transform [deg/px]' },
    { key: 'CD2_1', value: w.cd[1][0], comment: 'linear transform [deg/px]' },
    { key: 'CD2_2', value: w.cd[1][1], comment: 'linear transform [deg/px]' },
  ];
  if (sip) {
    const poly = (prefix: string, c: number[][], lo: number, order: number, comment: string) => {
      cards.push({ key: `${prefix}_ORDER`, value: order, comment: `SIP ${comment} polynomial order` });
      for (const [p, q] of polyTerms(lo, order))
        cards.push({ key: `${prefix}_${p}_${q}`, value: c[p]?.[q] ?? 0, comment: `SIP ${comment} ${prefix}` });
    };
    poly('A', sip.a, 2, sip.order, 'forward');
    poly('B', sip.b, 2, sip.order, 'forward');
    if (sip.ap && sip.bp && sip.inverseOrder && sip.inverseOrder >= 1) {
      poly('AP', sip.ap, 1, sip.inverseOrder, 'inverse');
      poly('BP', sip.bp, 1, sip.inverseOrder, 'inverse');
    }
  }
  return cards;
}

/** Pixel scale (arcsec/px, geometric mean of the axes), rotation of +y from north through east (deg), parity. */
export function plateGeometry(w: TanWcs): { scaleArcsec: number; rotationDeg: number; flipped: boolean } {
  const [[a, b], [c, d]] = w.cd;
  const det = a * d - b * c;
  const scaleArcsec = Math.sqrt(Math.abs(det)) * 3600;
  // Position angle of the image +y axis: atan2(dξ, dη) along +y.
  let rot = Math.atan2(b, d) * R2D;
  if (rot < 0) rot += 360;
  // det < 0 is the usual sky orientation (east left when north is up): "normal" parity.
  return { scaleArcsec, rotationDeg: rot, flipped: det > 0 };
}
