/**
 * The plate solution the solver produces: gnomonic (TAN) projection with a CD matrix and optional SIP
 * distortion polynomials, fitted by linear least squares, and its FITS header cards.
 *
 * References: Calabretta & Greisen 2002 (A&A 395, 1077), TAN projection; Shupe et al. 2005 (ASP Conf. 347,
 * 491), SIP: u' = u + Σ A_p_q u^p v^q (2 ≤ p+q ≤ order), pixel offsets u, v from CRPIX.
 * Pixel coordinates here are 0-based pixel centres; the header's CRPIX is 1-based (CRPIX = crpix + 1).
 * This is deliberately self-contained (forward SIP is a few lines); core/wcs holds the general WCS.
 */

const D2R = Math.PI / 180;
const R2D = 180 / Math.PI;

/** A TAN(-SIP) plate solution. */
export interface PlateWcs {
  /** Reference pixel, 0-based. */
  crpix: [number, number];
  /** Reference sky position (ra, dec), degrees. */
  crval: [number, number];
  /** CD matrix, degrees per pixel, row-major [[CD1_1, CD1_2], [CD2_1, CD2_2]]. */
  cd: [[number, number], [number, number]];
  /** SIP order (0 or 1 = none). */
  sipOrder: number;
  /** A_p_q and B_p_q by `${p}_${q}` (2 ≤ p + q ≤ sipOrder). */
  a: Record<string, number>;
  b: Record<string, number>;
  /** Inverse SIP AP_p_q, BP_p_q (fitted on a grid), order `apOrder`. */
  apOrder: number;
  ap: Record<string, number>;
  bp: Record<string, number>;
}

/** Standard coordinates (ξ, η) in degrees of (ra, dec) about `crval`; null behind the tangent point. */
export function tanProject(crval: readonly [number, number], ra: number, dec: number): [number, number] | null {
  const a0 = crval[0] * D2R;
  const d0 = crval[1] * D2R;
  const a = ra * D2R;
  const d = dec * D2R;
  const cosC = Math.sin(d0) * Math.sin(d) + Math.cos(d0) * Math.cos(d) * Math.cos(a - a0);
  if (cosC <= 1e-8) return null;
  const xi = (Math.cos(d) * Math.sin(a - a0)) / cosC;
  const eta = (Math.cos(d0) * Math.sin(d) - Math.sin(d0) * Math.cos(d) * Math.cos(a - a0)) / cosC;
  return [xi * R2D, eta * R2D];
}

/** Inverse of `tanProject`: (ra in [0, 360), dec) in degrees. */
export function tanDeproject(crval: readonly [number, number], xiDeg: number, etaDeg: number): [number, number] {
  const x = xiDeg * D2R;
  const y = etaDeg * D2R;
  const a0 = crval[0] * D2R;
  const d0 = crval[1] * D2R;
  const den = Math.cos(d0) - y * Math.sin(d0);
  let ra = (a0 + Math.atan2(x, den)) * R2D;
  ra = ((ra % 360) + 360) % 360;
  const dec = Math.atan2(Math.sin(d0) + y * Math.cos(d0), Math.hypot(x, den)) * R2D;
  return [ra, dec];
}

/** Terms (p, q) with lo ≤ p + q ≤ hi, in a fixed order. */
export function polyTerms(lo: number, hi: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = lo; s <= hi; s++) for (let p = s; p >= 0; p--) out.push([p, s - p]);
  return out;
}

function sipSum(coef: Record<string, number>, order: number, u: number, v: number): number {
  let s = 0;
  for (const [p, q] of polyTerms(2, order)) {
    const c = coef[`${p}_${q}`];
    if (c) s += c * u ** p * v ** q;
  }
  return s;
}

/** Sky position (ra, dec) in degrees of the 0-based pixel (x, y). */
export function plateToSky(w: PlateWcs, x: number, y: number): [number, number] {
  const u = x - w.crpix[0];
  const v = y - w.crpix[1];
  const uu = w.sipOrder >= 2 ? u + sipSum(w.a, w.sipOrder, u, v) : u;
  const vv = w.sipOrder >= 2 ? v + sipSum(w.b, w.sipOrder, u, v) : v;
  return tanDeproject(w.crval, w.cd[0][0] * uu + w.cd[0][1] * vv, w.cd[1][0] * uu + w.cd[1][1] * vv);
}

/** 0-based pixel of (ra, dec), inverting SIP by Newton–fixed-point iteration; null behind the plane. */
export function skyToPlate(w: PlateWcs, ra: number, dec: number): [number, number] | null {
  const t = tanProject(w.crval, ra, dec);
  if (!t) return null;
  const [[a, b], [c, d]] = w.cd;
  const det = a * d - b * c;
  const uu = (d * t[0] - b * t[1]) / det;
  const vv = (-c * t[0] + a * t[1]) / det;
  let u = uu;
  let v = vv;
  if (w.sipOrder >= 2) {
    for (let it = 0; it < 20; it++) {
      const nu = uu - sipSum(w.a, w.sipOrder, u, v);
      const nv = vv - sipSum(w.b, w.sipOrder, u, v);
      const done = Math.abs(nu - u) + Math.abs(nv - v) < 1e-10;
      u = nu;
      v = nv;
      if (done) break;
    }
  }
  return [u + w.crpix[0], v + w.crpix[1]];
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
 * Fits a TAN-SIP solution of `order` (1 = TAN only, up to 4) to matched pixels (x, y) and sky positions
 * (ra, dec), with CRPIX at `crpix` (0-based) and CRVAL iterated to the sky position of CRPIX (three
 * passes). The polynomials are fitted in (u, v) → (ξ, η) with scale normalisation for conditioning;
 * CD is their linear part and A, B the rest mapped through CD⁻¹ (as astrometry.net's fit-wcs does).
 * Returns null when the system is singular or there are too few stars (fewer than the terms + 1).
 */
export function fitPlateWcs(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  ra: ArrayLike<number>,
  dec: ArrayLike<number>,
  crpix: [number, number],
  crvalGuess: [number, number],
  order: number,
): PlateWcs | null {
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
    const design = new Float64Array(n * cols);
    const xi = new Float64Array(n);
    const eta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = tanProject(crval, ra[i], dec[i]);
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
    crval = tanDeproject(crval, cx[0], cy[0]);
  }
  if (!cx || !cy) return null;
  const cd: [[number, number], [number, number]] = [
    [cx[1] / norm, cx[2] / norm],
    [cy[1] / norm, cy[2] / norm],
  ];
  const det = cd[0][0] * cd[1][1] - cd[0][1] * cd[1][0];
  if (!Number.isFinite(det) || det === 0) return null;
  const a: Record<string, number> = {};
  const b: Record<string, number> = {};
  terms.forEach(([p, q], j) => {
    if (p + q < 2) return;
    const s = norm ** (p + q);
    const gx = cx![j] / s;
    const gy = cy![j] / s;
    a[`${p}_${q}`] = (cd[1][1] * gx - cd[0][1] * gy) / det;
    b[`${p}_${q}`] = (-cd[1][0] * gx + cd[0][0] * gy) / det;
  });
  const wcs: PlateWcs = { crpix, crval, cd, sipOrder: order >= 2 ? order : 0, a, b, apOrder: 0, ap: {}, bp: {} };
  return wcs;
}

/**
 * Adds inverse polynomials AP, BP of order `sipOrder + 1` fitted on a 20 × 20 grid over the frame
 * (`width` × `height` px), for readers that do not iterate the forward SIP. Returns a new solution.
 */
export function withInverseSip(w: PlateWcs, width: number, height: number): PlateWcs {
  if (w.sipOrder < 2) return w;
  const order = Math.min(w.sipOrder + 1, 5);
  const terms = polyTerms(1, order);
  const g = 20;
  const rows = g * g;
  const design = new Float64Array(rows * terms.length);
  const du = new Float64Array(rows);
  const dv = new Float64Array(rows);
  const norm = Math.max(width, height);
  let r = 0;
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++, r++) {
      const u = ((i + 0.5) / g) * width - 0.5 - w.crpix[0];
      const v = ((j + 0.5) / g) * height - 0.5 - w.crpix[1];
      const uu = u + sipSum(w.a, w.sipOrder, u, v);
      const vv = v + sipSum(w.b, w.sipOrder, u, v);
      terms.forEach(([p, q], k) => (design[r * terms.length + k] = (uu / norm) ** p * (vv / norm) ** q));
      du[r] = u - uu;
      dv[r] = v - vv;
    }
  const cu = leastSquares(design, rows, terms.length, du);
  const cv = leastSquares(design, rows, terms.length, dv);
  if (!cu || !cv) return w;
  const ap: Record<string, number> = {};
  const bp: Record<string, number> = {};
  terms.forEach(([p, q], k) => {
    ap[`${p}_${q}`] = cu[k] / norm ** (p + q);
    bp[`${p}_${q}`] = cv[k] / norm ** (p + q);
  });
  return { ...w, apOrder: order, ap, bp };
}

/** A header card: keyword, value, comment. */
export interface WcsCard {
  key: string;
  value: string | number;
  comment: string;
}

/** FITS cards of the solution (WCSAXES, CTYPE, CUNIT, CRPIX 1-based, CRVAL, CD, A/B/AP/BP). */
export function plateWcsCards(w: PlateWcs): WcsCard[] {
  const sip = w.sipOrder >= 2;
  const cards: WcsCard[] = [
    { key: 'WCSAXES', value: 2, comment: 'number of WCS axes' },
    { key: 'CTYPE1', value: sip ? 'RA---TAN-SIP' : 'RA---TAN', comment: 'gnomonic projection' + (sip ? ' + SIP' : '') },
    { key: 'CTYPE2', value: sip ? 'DEC--TAN-SIP' : 'DEC--TAN', comment: 'gnomonic projection' + (sip ? ' + SIP' : '') },
    { key: 'CUNIT1', value: 'deg', comment: 'unit of CRVAL1 and CD1_j' },
    { key: 'CUNIT2', value: 'deg', comment: 'unit of CRVAL2 and CD2_j' },
    { key: 'EQUINOX', value: 2000.0, comment: 'equinox of the ICRS-aligned coordinates' },
    { key: 'RADESYS', value: 'ICRS', comment: 'reference frame (Tycho-2)' },
    { key: 'CRPIX1', value: w.crpix[0] + 1, comment: 'reference pixel x (1-based)' },
    { key: 'CRPIX2', value: w.crpix[1] + 1, comment: 'reference pixel y (1-based)' },
    { key: 'CRVAL1', value: w.crval[0], comment: 'RA of the reference pixel [deg]' },
    { key: 'CRVAL2', value: w.crval[1], comment: 'Dec of the reference pixel [deg]' },
    { key: 'CD1_1', value: w.cd[0][0], comment: 'linear transform [deg/px]' },
    { key: 'CD1_2', value: w.cd[0][1], comment: 'linear transform [deg/px]' },
    { key: 'CD2_1', value: w.cd[1][0], comment: 'linear transform [deg/px]' },
    { key: 'CD2_2', value: w.cd[1][1], comment: 'linear transform [deg/px]' },
  ];
  if (sip) {
    cards.push({ key: 'A_ORDER', value: w.sipOrder, comment: 'SIP forward polynomial order' });
    for (const [p, q] of polyTerms(2, w.sipOrder))
      cards.push({ key: `A_${p}_${q}`, value: w.a[`${p}_${q}`] ?? 0, comment: 'SIP x' });
    cards.push({ key: 'B_ORDER', value: w.sipOrder, comment: 'SIP forward polynomial order' });
    for (const [p, q] of polyTerms(2, w.sipOrder))
      cards.push({ key: `B_${p}_${q}`, value: w.b[`${p}_${q}`] ?? 0, comment: 'SIP y' });
    if (w.apOrder >= 1) {
      cards.push({ key: 'AP_ORDER', value: w.apOrder, comment: 'SIP inverse polynomial order' });
      for (const [p, q] of polyTerms(1, w.apOrder))
        cards.push({ key: `AP_${p}_${q}`, value: w.ap[`${p}_${q}`] ?? 0, comment: 'SIP inverse x' });
      cards.push({ key: 'BP_ORDER', value: w.apOrder, comment: 'SIP inverse polynomial order' });
      for (const [p, q] of polyTerms(1, w.apOrder))
        cards.push({ key: `BP_${p}_${q}`, value: w.bp[`${p}_${q}`] ?? 0, comment: 'SIP inverse y' });
    }
  }
  return cards;
}

/** Pixel scale (arcsec/px, geometric mean of the axes), rotation of +y from north through east (deg), parity. */
export function plateGeometry(w: PlateWcs): { scaleArcsec: number; rotationDeg: number; flipped: boolean } {
  const [[a, b], [c, d]] = w.cd;
  const det = a * d - b * c;
  const scaleArcsec = Math.sqrt(Math.abs(det)) * 3600;
  // Position angle of the image +y axis: atan2(dξ, dη) along +y.
  let rot = Math.atan2(b, d) * R2D;
  if (rot < 0) rot += 360;
  // det < 0 is the usual sky orientation (east left when north is up): "normal" parity.
  return { scaleArcsec, rotationDeg: rot, flipped: det > 0 };
}
