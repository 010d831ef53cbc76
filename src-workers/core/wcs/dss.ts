/**
 * DSS plate solutions (the Digitized Sky Survey's PLTRAH…PLTDECS, PPO3/PPO6, XPIXELSZ/YPIXELSZ,
 * CNPIX1/2, AMDX1–13/AMDY1–13; "The Digitized Sky Survey", STScI, and WCSTools' dsspos): a pixel maps to
 * plate millimetres, a polynomial gives standard coordinates (ξ, η) in arcsec about the plate centre,
 * and a gnomonic projection about the plate centre gives (α, δ). This module supplies the pixel ↔ (ξ, η)
 * part (degrees); the TAN projection and rotation are the general WCS's. The inverse is Newton's method.
 */
import { numberKey, stringKey, type KeywordSource } from './keywords.js';

/** A DSS plate solution. */
export interface DssPlate {
  /** Plate centre (deg), equinox of the header (EQUINOX, else J2000). */
  centre: [number, number];
  ppo3: number;
  ppo6: number;
  xPixelUm: number;
  yPixelUm: number;
  cnpix: [number, number];
  amdx: Float64Array;
  amdy: Float64Array;
}

/** The header's DSS plate solution; undefined without PLTRAH/AMDX1, a reason when keywords are missing. */
export function readDss(h: KeywordSource): DssPlate | string | undefined {
  if (h.get('PLTRAH') === undefined || h.get('AMDX1') === undefined) return undefined;
  const need = [
    'PLTRAH',
    'PLTRAM',
    'PLTRAS',
    'PLTDECD',
    'PLTDECM',
    'PLTDECS',
    'PPO3',
    'PPO6',
    'XPIXELSZ',
    'YPIXELSZ',
    'CNPIX1',
    'CNPIX2',
    'AMDY1',
  ];
  for (const k of need) {
    const v = numberKey(h, k);
    if (v === undefined || !Number.isFinite(v)) return `DSS plate solution: ${k} is missing or not a number`;
  }
  const n = (k: string): number => numberKey(h, k) ?? 0;
  const ra = 15 * (n('PLTRAH') + n('PLTRAM') / 60 + n('PLTRAS') / 3600);
  const sign = stringKey(h, 'PLTDECSN').startsWith('-') ? -1 : 1;
  const dec = sign * (n('PLTDECD') + n('PLTDECM') / 60 + n('PLTDECS') / 3600);
  const amdx = new Float64Array(13);
  const amdy = new Float64Array(13);
  for (let i = 0; i < 13; i++) {
    amdx[i] = n(`AMDX${i + 1}`);
    amdy[i] = n(`AMDY${i + 1}`);
  }
  if (n('XPIXELSZ') <= 0 || n('YPIXELSZ') <= 0) return 'DSS plate solution: XPIXELSZ/YPIXELSZ must be positive';
  return {
    centre: [ra, dec],
    ppo3: n('PPO3'),
    ppo6: n('PPO6'),
    xPixelUm: n('XPIXELSZ'),
    yPixelUm: n('YPIXELSZ'),
    cnpix: [n('CNPIX1'), n('CNPIX2')],
    amdx,
    amdy,
  };
}

function standard(p: DssPlate, xmm: number, ymm: number): [number, number] {
  const a = p.amdx;
  const b = p.amdy;
  const x2 = xmm * xmm;
  const y2 = ymm * ymm;
  const r2 = x2 + y2;
  const xi =
    a[0] * xmm +
    a[1] * ymm +
    a[2] +
    a[3] * x2 +
    a[4] * xmm * ymm +
    a[5] * y2 +
    a[6] * r2 +
    a[7] * x2 * xmm +
    a[8] * x2 * ymm +
    a[9] * xmm * y2 +
    a[10] * y2 * ymm +
    a[11] * xmm * r2 +
    a[12] * xmm * r2 * r2;
  const eta =
    b[0] * ymm +
    b[1] * xmm +
    b[2] +
    b[3] * y2 +
    b[4] * xmm * ymm +
    b[5] * x2 +
    b[6] * r2 +
    b[7] * y2 * ymm +
    b[8] * y2 * xmm +
    b[9] * ymm * x2 +
    b[10] * x2 * xmm +
    b[11] * ymm * r2 +
    b[12] * ymm * r2 * r2;
  return [xi / 3600, eta / 3600];
}

function plateMm(p: DssPlate, x: number, y: number): [number, number] {
  // 0-based pixel centre x is FITS pixel x + 1; the scan's corner pixel CNPIX counts from the plate origin.
  const px = p.cnpix[0] + x + 1 - 0.5;
  const py = p.cnpix[1] + y + 1 - 0.5;
  return [(p.ppo3 - px * p.xPixelUm) / 1000, (py * p.yPixelUm - p.ppo6) / 1000];
}

/** Standard coordinates (ξ, η) in degrees of the 0-based pixel (x, y). */
export function dssForward(p: DssPlate, x: number, y: number): [number, number] {
  const [xmm, ymm] = plateMm(p, x, y);
  return standard(p, xmm, ymm);
}

/** The 0-based pixel whose standard coordinates are (ξ, η) in degrees (Newton, numerical Jacobian). */
export function dssInverse(p: DssPlate, xi: number, eta: number): [number, number] {
  // Start from the linear terms (plate scale ≈ AMDX1 arcsec/mm).
  let xmm = (xi * 3600 - p.amdx[2]) / (p.amdx[0] || 1);
  let ymm = (eta * 3600 - p.amdy[2]) / (p.amdy[0] || 1);
  for (let i = 0; i < 50; i++) {
    const [f, g] = standard(p, xmm, ymm);
    const h = 1e-6;
    const [fx, gx] = standard(p, xmm + h, ymm);
    const [fy, gy] = standard(p, xmm, ymm + h);
    const j11 = (fx - f) / h;
    const j21 = (gx - g) / h;
    const j12 = (fy - f) / h;
    const j22 = (gy - g) / h;
    const det = j11 * j22 - j12 * j21;
    if (!det || !Number.isFinite(det)) break;
    const ex = f - xi;
    const ey = g - eta;
    const dx = (j22 * ex - j12 * ey) / det;
    const dy = (-j21 * ex + j11 * ey) / det;
    xmm -= dx;
    ymm -= dy;
    if (Math.abs(dx) < 1e-12 && Math.abs(dy) < 1e-12) break;
  }
  const px = (p.ppo3 - xmm * 1000) / p.xPixelUm;
  const py = (ymm * 1000 + p.ppo6) / p.yPixelUm;
  return [px - p.cnpix[0] + 0.5 - 1, py - p.cnpix[1] + 0.5 - 1];
}
