/**
 * What a calibration pipeline needs to know about a frame, read from its FITS header with the
 * tolerance real cameras demand: IMAGETYP / FRAME / OBSTYPE with values such as "Bias Frame",
 * "DARK", "Flat Field", "Light Frame", "object", "zero"; EXPTIME or EXPOSURE; FILTER; binning;
 * gain; CCD temperature; DATE-OBS.
 */
import { InputError } from '../errors.js';

/** Calibration role of a frame. */
export type FrameType = 'bias' | 'dark' | 'flat' | 'light' | 'unknown';

/** The minimal header interface this module reads (satisfied by `FitsHeader`). */
export interface HeaderLike {
  get(key: string): string | number | boolean | null | undefined;
}

/** Header facts of one frame; absent values are `undefined`. */
export interface FrameInfo {
  type: FrameType;
  /** Exposure in seconds (EXPTIME, else EXPOSURE, else EXPOSURE_TIME / ITIME). */
  exposureSec?: number;
  /** Filter name trimmed (FILTER, FILTER1, FILTNAME), `undefined` when absent or blank. */
  filter?: string;
  /** XBINNING × YBINNING [1 × 1]. */
  binX: number;
  binY: number;
  /** Detector gain in e-/ADU (GAIN, EGAIN). */
  gainEPerAdu?: number;
  /** Sensor temperature in °C (CCD-TEMP, CCD_TEMP, CCDTEMP, SET-TEMP). */
  ccdTempC?: number;
  /** DATE-OBS as written. */
  dateObs?: string;
}

const TYPE_KEYS = ['IMAGETYP', 'FRAME', 'FRAMETYP', 'OBSTYPE', 'IMGTYPE'];

/**
 * Classifies a frame-type value: bias/zero/offset → bias; dark → dark; flat/sky flat/dome → flat;
 * light/object/science → light; anything else → unknown. Case and punctuation are ignored.
 */
export function classifyFrameType(raw: string): FrameType {
  const v = raw
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();
  if (/\b(bias|zero|offset)\b/.test(v)) return 'bias';
  if (/\bdark\b/.test(v)) return 'dark';
  if (/flat|dome/.test(v)) return 'flat';
  if (/\b(light|object|science|sci)\b/.test(v)) return 'light';
  return 'unknown';
}

function num(h: HeaderLike, keys: string[]): number | undefined {
  for (const k of keys) {
    const v = h.get(k);
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

function str(h: HeaderLike, keys: string[]): string | undefined {
  for (const k of keys) {
    const v = h.get(k);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/** Reads the frame facts from a header (see module doc for the keywords tried). */
export function frameInfo(header: HeaderLike): FrameInfo {
  const typeText = str(header, TYPE_KEYS);
  return {
    type: typeText ? classifyFrameType(typeText) : 'unknown',
    exposureSec: num(header, ['EXPTIME', 'EXPOSURE', 'EXPOSURE_TIME', 'ITIME']),
    filter: str(header, ['FILTER', 'FILTER1', 'FILTNAME']),
    binX: num(header, ['XBINNING', 'BINX', 'CCDXBIN']) ?? 1,
    binY: num(header, ['YBINNING', 'BINY', 'CCDYBIN']) ?? 1,
    gainEPerAdu: num(header, ['GAIN', 'EGAIN']),
    ccdTempC: num(header, ['CCD-TEMP', 'CCD_TEMP', 'CCDTEMP', 'SET-TEMP']),
    dateObs: str(header, ['DATE-OBS']),
  };
}

/** A frame's geometry for compatibility checks. */
export interface FrameGeometry {
  name: string;
  width: number;
  height: number;
  binX: number;
  binY: number;
}

/**
 * Throws `InputError('FRAME_MISMATCH')` naming the first frame whose size or binning differs from
 * `reference`; used to refuse mixing incompatible frames in a master or a calibration.
 */
export function requireCompatible(reference: FrameGeometry, frame: FrameGeometry): void {
  if (frame.width !== reference.width || frame.height !== reference.height) {
    throw new InputError(
      'FRAME_MISMATCH',
      `${frame.name}: size ${frame.width}×${frame.height} does not match ${reference.name} (${reference.width}×${reference.height})`,
    );
  }
  if (frame.binX !== reference.binX || frame.binY !== reference.binY) {
    throw new InputError(
      'FRAME_MISMATCH',
      `${frame.name}: binning ${frame.binX}×${frame.binY} does not match ${reference.name} (${reference.binX}×${reference.binY})`,
    );
  }
}
