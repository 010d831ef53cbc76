import { classifyFrameType as classifyCore, type FrameType } from '../../../src-workers/core/calibrate/index.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import { parseCelestialWcs, recordSource } from '../../../src-workers/core/wcs/index.js';
import type { FrameMeta } from '../catalog/index.js';

export type { FrameType } from '../../../src-workers/core/calibrate/index.js';

/**
 * Frame role from IMAGETYP / FRAME / OBSTYPE values as cameras write them ("Bias Frame", "zero", "DARK",
 * "Flat Field", "Light Frame", "object"): the calibration engine's classification.
 */
export function classifyFrameType(raw: string | undefined): FrameType {
  return raw ? classifyCore(raw) : 'unknown';
}

/** Modified Julian Date of an ISO-8601 DATE-OBS (UTC), or undefined. */
export function mjdFromDateObs(dateObs: string | undefined): number | undefined {
  if (!dateObs) return undefined;
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(dateObs) ? dateObs : `${dateObs}Z`;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms / 86_400_000 + 40_587 : undefined;
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
 * or FK4), else the header's RA/DEC in degrees; the reason when there are no sky coordinates.
 */
function skyCentre(
  header: Record<string, unknown>,
  getNum: (keys: string[]) => number | undefined,
): { raCenter?: number; decCenter?: number } {
  const parsed = parseCelestialWcs(recordSource(header));
  if ('wcs' in parsed) {
    const [ra, dec] = parsed.wcs.centreSky();
    if (Number.isFinite(ra) && Number.isFinite(dec)) return { raCenter: ra, decCenter: dec };
  }
  return { raCenter: getNum(['RA']), decCenter: getNum(['DEC']) };
}

/** What the catalog keeps from a frame's header. `image` is the HDU holding the pixels (may differ from primary). */
export function frameMetaFromHeader(primary: FitsHeader, image: FitsHeader = primary): FrameMeta {
  const get = (keys: string[]): string | undefined => firstString(image, keys) ?? firstString(primary, keys);
  const getNum = (keys: string[]): number | undefined => firstNumber(image, keys) ?? firstNumber(primary, keys);
  const dateObs = get(['DATE-OBS', 'DATE_OBS']);
  const header: Record<string, unknown> = { ...primary.toRecord(), ...(image === primary ? {} : image.toRecord()) };
  return {
    header,
    frameType: classifyFrameType(get(['IMAGETYP', 'FRAME', 'FRAMETYP', 'OBSTYPE', 'IMGTYPE'])),
    filter: get(['FILTER', 'FILTER1', 'FILTNAME']),
    exposureSec: getNum(['EXPTIME', 'EXPOSURE', 'EXPOSURE_TIME', 'ITIME']),
    dateObs,
    mjd: getNum(['MJD-OBS', 'MJD_OBS']) ?? mjdFromDateObs(dateObs),
    width: getNum(['ZNAXIS1']) ?? getNum(['NAXIS1']),
    height: getNum(['ZNAXIS2']) ?? getNum(['NAXIS2']),
    ...skyCentre(header, getNum),
  };
}
