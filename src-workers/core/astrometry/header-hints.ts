/**
 * Pointing and scale hints from a frame's header, so that `owb solve` needs no options for most frames:
 * RA/DEC (degrees or sexagesimal), OBJCTRA/OBJCTDEC (sexagesimal), an existing WCS (CRVAL and CD/CDELT),
 * DSS plate centres (PLTRAH…; the plate is 6.5° wide, so the radius is wide), and the pixel scale from the
 * pixel size and focal length (206.265 × µm / mm) or a plate scale (PLTSCALE ″/mm × pixel size).
 */

/** What a header tells about where and how finely the frame looks. */
export interface HeaderHints {
  raDeg?: number;
  decDeg?: number;
  /** How far the hint may be from the frame centre, degrees. */
  radiusDeg?: number;
  /** Estimated pixel scale, arcsec/px. */
  scaleArcsec?: number;
  /** Which cards the hints came from, for the report. */
  source: string[];
}

/** Anything with `get(key)` (a `FitsHeader`). */
export interface HintSource {
  get(key: string): string | number | boolean | null | undefined;
}

/** Parses "08 51 18.0", "08:51:18", or a number; `hours` multiplies by 15. Returns NaN when unreadable. */
export function parseAngle(value: unknown, hours: boolean): number {
  if (typeof value === 'number') return value * (hours ? 15 : 1);
  if (typeof value !== 'string') return NaN;
  const s = value.trim();
  if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$/.test(s)) return Number(s) * (hours ? 15 : 1);
  const m = /^([+-]?)\s*(\d+)[\s:hd]+(\d+)(?:[\s:m']+(\d+(?:\.\d*)?))?\s*[s"]?$/.exec(s);
  if (!m) return NaN;
  const v = Number(m[2]) + Number(m[3]) / 60 + Number(m[4] ?? 0) / 3600;
  return (m[1] === '-' ? -v : v) * (hours ? 15 : 1);
}

function num(h: HintSource, key: string): number | undefined {
  const v = h.get(key);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Reads the hints a header offers (see the module comment); missing pieces stay undefined. */
export function headerHints(h: HintSource): HeaderHints {
  const out: HeaderHints = { source: [] };
  const crval1 = num(h, 'CRVAL1');
  const crval2 = num(h, 'CRVAL2');
  const ctype1 = String(h.get('CTYPE1') ?? '');
  if (crval1 !== undefined && crval2 !== undefined && /^RA--/.test(ctype1)) {
    out.raDeg = crval1;
    out.decDeg = crval2;
    out.radiusDeg = 1;
    out.source.push('CRVAL1/2');
    const cd11 = num(h, 'CD1_1') ?? num(h, 'CDELT1');
    const cd21 = num(h, 'CD2_1') ?? 0;
    if (cd11 !== undefined) out.scaleArcsec = Math.hypot(cd11, cd21) * 3600;
  } else {
    for (const [rk, dk] of [
      ['OBJCTRA', 'OBJCTDEC'],
      ['RA', 'DEC'],
      ['RA_OBJ', 'DEC_OBJ'],
      ['TELRA', 'TELDEC'],
    ] as const) {
      const rawRa = h.get(rk);
      const rawDec = h.get(dk);
      if (rawRa === undefined || rawDec === undefined || rawRa === null || rawDec === null) continue;
      // RA written sexagesimal is in hours; RA written as a number is in degrees (the common convention).
      const ra = parseAngle(rawRa, typeof rawRa === 'string' && /[\s:]/.test(rawRa.trim()));
      const dec = parseAngle(rawDec, false);
      if (Number.isFinite(ra) && Number.isFinite(dec) && Math.abs(dec) <= 90) {
        out.raDeg = ((ra % 360) + 360) % 360;
        out.decDeg = dec;
        out.radiusDeg = 2;
        out.source.push(`${rk}/${dk}`);
        break;
      }
    }
    const rah = num(h, 'PLTRAH');
    if (out.raDeg === undefined && rah !== undefined) {
      const ra = (rah + (num(h, 'PLTRAM') ?? 0) / 60 + (num(h, 'PLTRAS') ?? 0) / 3600) * 15;
      const sign = String(h.get('PLTDECSN') ?? '+').trim() === '-' ? -1 : 1;
      const dec = sign * ((num(h, 'PLTDECD') ?? 0) + (num(h, 'PLTDECM') ?? 0) / 60 + (num(h, 'PLTDECS') ?? 0) / 3600);
      out.raDeg = ra;
      out.decDeg = dec;
      out.radiusDeg = 5;
      out.source.push('PLTRAH... (DSS plate centre)');
    }
  }
  if (out.scaleArcsec === undefined) {
    const pixUm = num(h, 'XPIXSZ') ?? num(h, 'PIXSIZE1') ?? num(h, 'PIXSZ') ?? num(h, 'XPIXELSZ');
    const focalMm = num(h, 'FOCALLEN');
    const plateScale = num(h, 'PLTSCALE');
    if (pixUm && focalMm && focalMm > 0) {
      // XPIXSZ (MaxIm DL) already includes binning; PIXSIZE1 usually does too.
      out.scaleArcsec = (206.264806 * pixUm) / focalMm;
      out.source.push('pixel size / FOCALLEN');
    } else if (pixUm && plateScale) {
      out.scaleArcsec = (plateScale * pixUm) / 1000;
      out.source.push('PLTSCALE x pixel size');
    }
  }
  return out;
}
