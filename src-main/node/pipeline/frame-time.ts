/**
 * A frame's times as the catalog stores them, from core/time (the one FITS time parser): MJD (UTC) at
 * start and mid-exposure, the exposure, and BJD_TDB at mid-exposure for the frame's sky position (the WCS
 * image centre, else the pointing keywords) seen from the observatory in the header (coordinates, else a
 * known OBSERVAT name, else the profile's site). Without a position or
 * a site there is no BJD_TDB and `timeNote` says why: a geocentric value would be up to 21 ms off, and the
 * catalog never holds a silently wrong time.
 */
import {
  airmassSecZ,
  barycentricTime,
  heliocentricTime,
  readObservationTime,
  readSite,
  readTargetPosition,
  siteFromObservatoryName,
  type ObservatorySite,
  type TimeKeywordSource,
} from '../../../src-workers/core/time/index.js';
import { earthBarycentricAu, earthHeliocentricAu } from '../time/earth-ephemeris.js';

/** Times of one frame (all optional: a header without a usable time leaves them empty with a note). */
export interface FrameTimes {
  /** Mid-exposure MJD (UTC). */
  mjd?: number;
  /** Start of the exposure, MJD (UTC). */
  mjdStart?: number;
  exposureSec?: number;
  /** Mid-exposure BJD_TDB as a Julian date (e.g. 2456869.70137). */
  bjdTdb?: number;
  /** Mid-exposure HJD (UTC) as a Julian date, beside BJD_TDB (same position and site); not stored in the catalog. */
  hjdUtc?: number;
  /** sec z at mid-exposure (core/time/airmass.ts); absent below the horizon or without site and target. */
  airmass?: number;
  /** Keywords used: time, exposure, position and site, e.g. 'DATE-OBS+UT, EXPOSURE (minutes); WCS centre; OBSGEO-X/Y/Z'. */
  timeSource?: string;
  /** Why a time or BJD_TDB is missing, and header problems met on the way ('; '-separated). */
  timeNote?: string;
}

/**
 * Reads the times of a header. `sky` is the ICRS image centre from the WCS when there is one; without it the
 * pointing keywords (RA/DEC, OBJCTRA/OBJCTDEC) are used. `fallbackSite` (a profile's) serves headers that
 * name no observatory.
 */
export function frameTimes(
  h: TimeKeywordSource,
  sky?: { raDeg: number; decDeg: number },
  fallbackSite?: ObservatorySite,
): FrameTimes {
  const notes: string[] = [];
  const time = readObservationTime(h, (m) => notes.push(m));
  if (!time) {
    notes.push('no observation time (DATE-OBS, DATE-BEG, MJD-OBS, MJD-BEG or JD)');
    return { timeNote: notes.join('; ') };
  }
  const out: FrameTimes = {
    mjd: time.mjdMidUtc,
    mjdStart: time.mjdStartUtc,
    exposureSec: time.exposureS,
  };
  const sources = [time.source];
  if (time.exposureS === undefined && time.mjdMidUtc === time.mjdStartUtc)
    notes.push('no exposure time (EXPTIME, EXPOSURE, ITIME, TELAPSE, DATE-END): mid-exposure taken as the start');
  const target = sky ? { raDeg: sky.raDeg, decDeg: sky.decDeg, source: 'WCS image centre' } : readTargetPosition(h);
  // Coordinates in the header, else a site it names (OBSERVAT), else the profile's.
  const site = readSite(h) ?? siteFromObservatoryName(h) ?? fallbackSite;
  if (!target) notes.push('no BJD_TDB: no sky position (no celestial WCS, RA/DEC or OBJCTRA/OBJCTDEC)');
  if (!site)
    notes.push(
      'no BJD_TDB: no observatory position (OBSGEO-X/Y/Z, OBSGEO-L/B/H, LAT-OBS/LONG-OBS, SITELAT/SITELONG, a known OBSERVAT, or a profile site)',
    );
  if (target && site) {
    out.airmass = airmassSecZ(time.mjdMidUtc, target.raDeg, target.decDeg, site.itrsM);
    out.bjdTdb = barycentricTime(time.mjdMidUtc, target.raDeg, target.decDeg, earthBarycentricAu, site.itrsM).bjdTdb;
    out.hjdUtc = heliocentricTime(time.mjdMidUtc, target.raDeg, target.decDeg, earthHeliocentricAu, site.itrsM).hjdUtc;
    sources.push(target.source, site.source);
  }
  out.timeSource = sources.join('; ');
  if (notes.length) out.timeNote = notes.join('; ');
  return out;
}

/** A keyword source over the image HDU's header with the primary's as fallback (an inherited DATE-OBS). */
export function layeredSource(image: TimeKeywordSource, primary: TimeKeywordSource): TimeKeywordSource {
  if (image === primary) return image;
  const pick = (key: string): TimeKeywordSource => {
    const v = image.get(key);
    return v !== undefined && v !== null && v !== '' ? image : primary;
  };
  return {
    get: (key) => pick(key).get(key),
    getComment: (key) => pick(key).getComment?.(key),
  };
}

/** A keyword source over a stored header record (no comments: exposure units from comments are not known). */
export function recordTimeSource(record: Record<string, unknown>): TimeKeywordSource {
  return {
    get(key) {
      const v = record[key];
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : undefined;
    },
  };
}
