/**
 * Minimal gnomonic (TAN) world coordinates from a FITS header (Calabretta & Greisen 2002, §5.1.3), used by
 * `process-frame` to give sources sky positions for cross-matching until `core/wcs` lands. Pixel input is
 * 0-based (FITS CRPIX is 1-based). Returns undefined when the header has no usable TAN solution.
 */
import type { FitsHeader } from '../core/fits/index.js';

const DEG = Math.PI / 180;

export type PixelToSky = (x: number, y: number) => [number, number];

export function tanFromHeader(h: FitsHeader): PixelToSky | undefined {
  const t1 = h.getString('CTYPE1') ?? '';
  const t2 = h.getString('CTYPE2') ?? '';
  if (!t1.startsWith('RA') || !t2.startsWith('DEC') || !t1.endsWith('TAN') || !t2.endsWith('TAN')) return undefined;
  const crval1 = h.getNumber('CRVAL1');
  const crval2 = h.getNumber('CRVAL2');
  const crpix1 = h.getNumber('CRPIX1');
  const crpix2 = h.getNumber('CRPIX2');
  if ([crval1, crval2, crpix1, crpix2].some((v) => v === undefined)) return undefined;
  let cd11 = h.getNumber('CD1_1');
  let cd12 = h.getNumber('CD1_2') ?? 0;
  let cd21 = h.getNumber('CD2_1') ?? 0;
  let cd22 = h.getNumber('CD2_2');
  if (cd11 === undefined || cd22 === undefined) {
    const c1 = h.getNumber('CDELT1');
    const c2 = h.getNumber('CDELT2');
    if (c1 === undefined || c2 === undefined) return undefined;
    const pc11 = h.getNumber('PC1_1') ?? 1;
    const pc12 = h.getNumber('PC1_2') ?? 0;
    const pc21 = h.getNumber('PC2_1') ?? 0;
    const pc22 = h.getNumber('PC2_2') ?? 1;
    cd11 = c1 * pc11;
    cd12 = c1 * pc12;
    cd21 = c2 * pc21;
    cd22 = c2 * pc22;
  }
  const ra0 = (crval1 as number) * DEG;
  const dec0 = (crval2 as number) * DEG;
  const sinDec0 = Math.sin(dec0);
  const cosDec0 = Math.cos(dec0);
  const px = (crpix1 as number) - 1;
  const py = (crpix2 as number) - 1;
  const a = cd11;
  const b = cd12;
  const c = cd21;
  const d = cd22;
  return (x, y) => {
    const dx = x - px;
    const dy = y - py;
    const xi = (a * dx + b * dy) * DEG;
    const eta = (c * dx + d * dy) * DEG;
    const denom = cosDec0 - eta * sinDec0;
    const ra = ra0 + Math.atan2(xi, denom);
    const dec = Math.atan2(sinDec0 + eta * cosDec0, Math.hypot(xi, denom));
    let raDeg = (ra / DEG) % 360;
    if (raDeg < 0) raDeg += 360;
    return [raDeg, dec / DEG];
  };
}
