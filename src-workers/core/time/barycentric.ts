/**
 * Barycentric Julian Date in TDB at mid-exposure (Eastman, Siverd & Gaudi 2010, PASP 122, 935):
 * BJD_TDB = JD_TDB + (r_obs · n̂)/c, the Rømer delay of the observer's barycentric position r_obs along the
 * unit vector n̂ to the target (ICRS), as astropy's Time.light_travel_time(kind='barycentric'); Shapiro and
 * Einstein terms (< 0.1 ms) are left out, also as astropy. r_obs = Earth's barycentric position (from the
 * `earthBarycentricAu` the caller supplies, ICRS axes) + the site's GCRS offset (ITRS rotated by GMST
 * (IAU 2006, UT1 ≈ UTC) and the IAU 2006 bias-precession; nutation and polar motion neglected, < 2 µs).
 */
import { applyMat3, biasPrecession06, transpose } from '../wcs/frames.js';
import { tdbMinusTt, utcToTt } from './scales.js';

/** Speed of light, m/s. */
const C = 299792458;
/** Astronomical unit, m (IAU 2012). */
const AU = 149597870700;

/** Earth's barycentric position in AU (ICRS axes) at a TDB MJD. */
export type EarthEphemeris = (mjdTdb: number) => [number, number, number];

/** TDB MJD of a UTC MJD. */
export function utcToTdb(mjdUtc: number): number {
  const tt = utcToTt(mjdUtc);
  return tt + tdbMinusTt(tt) / 86400;
}

/** GCRS position (m) of an ITRS site at a UTC MJD. */
export function siteGcrsM(itrsM: [number, number, number], mjdUtc: number): [number, number, number] {
  const du = mjdUtc - 51544.5;
  const era = 2 * Math.PI * ((0.779057273264 + 0.00273781191135448 * du + du) % 1);
  const t = (utcToTt(mjdUtc) - 51544.5) / 36525;
  const gmst =
    era +
    ((0.014506 + (4612.156534 + (1.3915817 + (-0.00000044 - 0.000029956 * t) * t) * t) * t) / 3600) * (Math.PI / 180);
  const c = Math.cos(gmst);
  const s = Math.sin(gmst);
  const mean: [number, number, number] = [c * itrsM[0] - s * itrsM[1], s * itrsM[0] + c * itrsM[1], itrsM[2]];
  return applyMat3(transpose(biasPrecession06(t)), mean);
}

/** Result of `barycentricTime`: TDB and BJD_TDB as MJD and JD, and the light-time correction applied. */
export interface BarycentricTime {
  mjdTdb: number;
  bjdTdb: number;
  /** BJD_TDB as an MJD (JD − 2400000.5). */
  bmjdTdb: number;
  lightTimeS: number;
}

/**
 * BJD_TDB of a UTC MJD for a target at ICRS (raDeg, decDeg), from the geocentre or from `siteItrsM`.
 */
export function barycentricTime(
  mjdUtc: number,
  raDeg: number,
  decDeg: number,
  earth: EarthEphemeris,
  siteItrsM?: [number, number, number],
): BarycentricTime {
  const mjdTdb = utcToTdb(mjdUtc);
  const e = earth(mjdTdb);
  const pos: [number, number, number] = [e[0] * AU, e[1] * AU, e[2] * AU];
  if (siteItrsM) {
    const g = siteGcrsM(siteItrsM, mjdUtc);
    pos[0] += g[0];
    pos[1] += g[1];
    pos[2] += g[2];
  }
  const a = (raDeg * Math.PI) / 180;
  const d = (decDeg * Math.PI) / 180;
  const n = [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
  const lightTimeS = (pos[0] * n[0] + pos[1] * n[1] + pos[2] * n[2]) / C;
  const bmjdTdb = mjdTdb + lightTimeS / 86400;
  return { mjdTdb, bjdTdb: bmjdTdb + 2400000.5, bmjdTdb, lightTimeS };
}

/** Result of `heliocentricTime`: HJD (UTC) as JD and MJD, and the heliocentric light-time applied. */
export interface HeliocentricTime {
  /** Heliocentric Julian Date in UTC (the traditional HJD), e.g. 2456869.70137. */
  hjdUtc: number;
  /** HJD (UTC) as an MJD (JD − 2400000.5). */
  hmjdUtc: number;
  lightTimeS: number;
}

/**
 * HJD of a UTC MJD for a target at ICRS (raDeg, decDeg): JD(UTC) + (r_obs · n̂)/c with r_obs the observer's
 * position relative to the Sun's centre (`earthHelio` gives the Earth's, ICRS axes, AU, at a TDB MJD; plus the
 * site's GCRS offset). As astropy's `t.utc + t.light_travel_time(c, kind='heliocentric')`: HJD stays in UTC,
 * the traditional convention (Eastman et al. 2010 §2 explain why BJD_TDB is preferred).
 */
export function heliocentricTime(
  mjdUtc: number,
  raDeg: number,
  decDeg: number,
  earthHelio: EarthEphemeris,
  siteItrsM?: [number, number, number],
): HeliocentricTime {
  const e = earthHelio(utcToTdb(mjdUtc));
  const pos: [number, number, number] = [e[0] * AU, e[1] * AU, e[2] * AU];
  if (siteItrsM) {
    const g = siteGcrsM(siteItrsM, mjdUtc);
    pos[0] += g[0];
    pos[1] += g[1];
    pos[2] += g[2];
  }
  const a = (raDeg * Math.PI) / 180;
  const d = (decDeg * Math.PI) / 180;
  const lightTimeS =
    (pos[0] * Math.cos(d) * Math.cos(a) + pos[1] * Math.cos(d) * Math.sin(a) + pos[2] * Math.sin(d)) / C;
  const hmjdUtc = mjdUtc + lightTimeS / 86400;
  return { hjdUtc: hmjdUtc + 2400000.5, hmjdUtc, lightTimeS };
}
