import { classifyFrameType as classifyCore, type FrameType } from '../../../src-workers/core/calibrate/index.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import {
  geodeticToItrs,
  parseFitsDate,
  readTargetPosition,
  type ObservatorySite,
} from '../../../src-workers/core/time/index.js';
import { parseCelestialWcs, recordSource, summarizeWcs } from '../../../src-workers/core/wcs/index.js';
import type { FrameMeta } from '../catalog/index.js';
import type { Profile } from './profile.js';
import { frameTimes, layeredSource, recordTimeSource } from './frame-time.js';

export type { FrameType } from '../../../src-workers/core/calibrate/index.js';

/**
 * Frame role from IMAGETYP / FRAME / OBSTYPE values as cameras write them ("Bias Frame", "zero", "DARK",
 * "Flat Field", "Light Frame", "object"): the calibration engine's classification.
 */
export function classifyFrameType(raw: string | undefined): FrameType {
  return raw ? classifyCore(raw) : 'unknown';
}

/**
 * MJD (UTC) of a FITS date value (ISO with or without the time, or the old DD/MM/YY as 19YY), through
 * core/time's parser, or undefined. A whole header's time (TIME-OBS, UT, TIMESYS, mid-exposure) is
 * `frameTimes`' job; this reads one value.
 */
export function mjdFromDateObs(dateObs: string | undefined): number | undefined {
  return dateObs ? parseFitsDate(dateObs)?.mjd : undefined;
}

function firstString(h: FitsHeader, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = h.get(k);
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}

function firstNumber(h: FitsHeader, keys: string[]): number | undefined {
  for (const k of keys) {
    const v = h.get(k);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/**
 * ICRS position of the image centre from the WCS (CRVAL can lie far outside the image and may be galactic
 * or FK4), else the pointing keywords (RA/DEC, OBJCTRA/OBJCTDEC: degrees or sexagesimal hours, to ICRS); the reason when there are no sky coordinates.
 */
function skyCentre(header: Record<string, unknown>): {
  raCenter?: number;
  decCenter?: number;
  wcs?: Record<string, unknown>;
  fromWcs: boolean;
} {
  const parsed = parseCelestialWcs(recordSource(header));
  if ('wcs' in parsed) {
    const s = summarizeWcs(parsed.wcs);
    const { ra, dec } = s.centre;
    // The footprint polygon (outer pixel edges, ICRS), scale, rotation and parity go to frames.wcs_json.
    const wcs = {
      projection: s.projection,
      frame: s.frame,
      distortion: s.distortion,
      // The centre in the header's own frame (e.g. galactic l, b) beside the ICRS raCenter/decCenter.
      ...(s.centreNative ? { centreNative: [s.centreNative.lon, s.centreNative.lat] } : {}),
      footprint: s.corners.map((c) => [c.ra, c.dec]),
      pixelScaleArcsec: s.pixelScaleArcsec,
      rotationDeg: s.rotationDeg,
      parity: s.parity,
    };
    if (Number.isFinite(ra) && Number.isFinite(dec)) return { raCenter: ra, decCenter: dec, wcs, fromWcs: true };
  }
  const pointing = readTargetPosition(recordTimeSource(header));
  return { raCenter: pointing?.raDeg, decCenter: pointing?.decDeg, fromWcs: false };
}

/** The observatory a profile's `site` describes, for frames whose headers name none. */
export function profileSite(site: Profile['site']): ObservatorySite | undefined {
  return site
    ? { itrsM: geodeticToItrs(site.longitudeDeg, site.latitudeDeg, site.heightM), source: 'profile site' }
    : undefined;
}

/**
 * What the catalog keeps from a frame's header. `image` is the HDU holding the pixels (may differ from
 * primary). Times come from core/time: `mjd` is mid-exposure UTC, `bjdTdb` needs a sky position and a site.
 */
export function frameMetaFromHeader(
  primary: FitsHeader,
  image: FitsHeader = primary,
  options: { site?: ObservatorySite } = {},
): FrameMeta {
  const get = (keys: string[]): string | undefined => firstString(image, keys) ?? firstString(primary, keys);
  const getNum = (keys: string[]): number | undefined => firstNumber(image, keys) ?? firstNumber(primary, keys);
  const dateObs = get(['DATE-OBS', 'DATE_OBS']);
  const header: Record<string, unknown> = { ...primary.toRecord(), ...(image === primary ? {} : image.toRecord()) };
  const { fromWcs, ...centre } = skyCentre(header);
  const sky = fromWcs ? { raDeg: centre.raCenter as number, decDeg: centre.decCenter as number } : undefined;
  const times = frameTimes(layeredSource(image, primary), sky, options.site);
  return {
    header,
    frameType: classifyFrameType(get(['IMAGETYP', 'FRAME', 'FRAMETYP', 'OBSTYPE', 'IMGTYPE'])),
    filter: get(['FILTER', 'FILTER1', 'FILTNAME']),
    exposureSec: times.exposureSec ?? getNum(['EXPTIME', 'EXPOSURE', 'EXPOSURE_TIME', 'ITIME']),
    dateObs,
    mjd: times.mjd,
    mjdStart: times.mjdStart,
    bjdTdb: times.bjdTdb,
    hjdUtc: times.hjdUtc,
    timeSource: times.timeSource,
    timeNote: times.timeNote,
    airmass: times.airmass,
    width: getNum(['ZNAXIS1']) ?? getNum(['NAXIS1']),
    height: getNum(['ZNAXIS2']) ?? getNum(['NAXIS2']),
    ...centre,
  };
}
