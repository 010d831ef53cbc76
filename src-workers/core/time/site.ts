/**
 * The observatory's position from header keywords: OBSGEO-X/Y/Z (metres, ITRS), OBSGEO-L/B/H (deg east,
 * deg, m), LAT-OBS/LONG-OBS/ALT-OBS or SITELAT/SITELONG/SITEELEV (degrees or sexagesimal strings).
 * Longitudes are east-positive (FITS time paper §4.1.3, OBSGEO-L), so Palomar's SITELONG is −116.86°.
 * Geodetic coordinates are on the WGS84 ellipsoid.
 */
import type { TimeKeywordSource } from './fits-time.js';

/** A site: geocentric ITRS position in metres. */
export interface ObservatorySite {
  itrsM: [number, number, number];
  /** Keywords used. */
  source: string;
}

/** ITRS metres of geodetic (east longitude, latitude) in degrees and height in metres (WGS84). */
export function geodeticToItrs(lonDeg: number, latDeg: number, heightM: number): [number, number, number] {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const e2 = f * (2 - f);
  const lat = (latDeg * Math.PI) / 180;
  const lon = (lonDeg * Math.PI) / 180;
  const n = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return [
    (n + heightM) * Math.cos(lat) * Math.cos(lon),
    (n + heightM) * Math.cos(lat) * Math.sin(lon),
    (n * (1 - e2) + heightM) * Math.sin(lat),
  ];
}

/** Degrees of a number or a sexagesimal string '±dd:mm:ss.s' / '±dd mm ss'. */
export function parseDegrees(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([+-]?)(\d+(?:\.\d*)?)(?:[:\s]+(\d+(?:\.\d*)?)(?:[:\s]+(\d+(?:\.\d*)?))?)?\s*$/.exec(v);
  if (!m) return undefined;
  const d = Number(m[2]) + Number(m[3] ?? 0) / 60 + Number(m[4] ?? 0) / 3600;
  return m[1] === '-' ? -d : d;
}

/** The site the header describes, or undefined. */
export function readSite(h: TimeKeywordSource): ObservatorySite | undefined {
  const n = (k: string): number | undefined => {
    const v = h.get(k);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const x = n('OBSGEO-X');
  const y = n('OBSGEO-Y');
  const z = n('OBSGEO-Z');
  if (x !== undefined && y !== undefined && z !== undefined) return { itrsM: [x, y, z], source: 'OBSGEO-X/Y/Z' };
  const pairs: [string, string, string][] = [
    ['OBSGEO-L', 'OBSGEO-B', 'OBSGEO-H'],
    ['LONG-OBS', 'LAT-OBS', 'ALT-OBS'],
    ['SITELONG', 'SITELAT', 'SITEELEV'],
  ];
  for (const [kl, kb, kh] of pairs) {
    const lon = parseDegrees(h.get(kl));
    const lat = parseDegrees(h.get(kb));
    if (lon === undefined || lat === undefined || Math.abs(lat) > 90) continue;
    return { itrsM: geodeticToItrs(lon, lat, n(kh) ?? 0), source: `${kl}/${kb}` };
  }
  return undefined;
}
