/**
 * The target's position from pointing keywords, for BJD_TDB when a frame has no celestial WCS: RA/DEC,
 * OBJCTRA/OBJCTDEC or RA_OBJ/DEC_OBJ. A number is degrees; a string is sexagesimal, hours for right
 * ascension ('12:34:56.7', '12 34 56.7') and degrees for declination. The frame follows FITS WCS
 * Paper II §3.1: RADESYS (or RADECSYS) when given, else FK4 for EQUINOX (or EPOCH) < 1984, FK5 for a
 * later equinox, ICRS without one (an EQUINOX/EPOCH outside 1800–2200, such as IRAF's EPOCH = 0, counts
 * as none); the position is returned in ICRS degrees.
 */
import { frameConverter } from '../wcs/frames.js';
import type { CelestialSystem } from '../wcs/header.js';
import type { TimeKeywordSource } from './fits-time.js';
import { parseDegrees } from './site.js';

/** An ICRS position in degrees and the keywords it came from. */
export interface TargetPosition {
  raDeg: number;
  decDeg: number;
  /** e.g. 'OBJCTRA/OBJCTDEC (FK5 J2000)'. */
  source: string;
}

const PAIRS: [string, string][] = [
  ['RA', 'DEC'],
  ['OBJCTRA', 'OBJCTDEC'],
  ['RA_OBJ', 'DEC_OBJ'],
];

/** Right ascension in degrees: a number as degrees, a string as sexagesimal hours. */
function raDegrees(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 && v < 360 ? v : undefined;
  const h = parseDegrees(v);
  return h !== undefined && h >= 0 && h < 24 ? h * 15 : undefined;
}

/** The ICRS position the pointing keywords give, or undefined (missing, unparseable or out of range). */
export function readTargetPosition(h: TimeKeywordSource): TargetPosition | undefined {
  for (const [kr, kd] of PAIRS) {
    const ra = raDegrees(h.get(kr));
    const dec = parseDegrees(h.get(kd));
    if (ra === undefined || dec === undefined || Math.abs(dec) > 90) continue;
    const eqRaw = h.get('EQUINOX') ?? h.get('EPOCH');
    // EPOCH = 0 (IRAF's "unknown") and other nonsense are no equinox.
    const equinox = typeof eqRaw === 'number' && eqRaw >= 1800 && eqRaw <= 2200 ? eqRaw : undefined;
    const sysRaw = h.get('RADESYS') ?? h.get('RADECSYS');
    let system = (typeof sysRaw === 'string' ? sysRaw.trim().toUpperCase() : '') as CelestialSystem | '';
    if (!['ICRS', 'FK5', 'FK4', 'FK4-NO-E'].includes(system))
      system = equinox === undefined ? 'ICRS' : equinox < 1984 ? 'FK4' : 'FK5';
    const frame = { system: system as CelestialSystem, equinox: system === 'ICRS' ? undefined : equinox };
    const [raIcrs, decIcrs] = frameConverter(frame).toIcrs(ra, dec);
    const label =
      system === 'ICRS'
        ? 'ICRS'
        : `${system} ${system === 'FK5' ? 'J' : 'B'}${frame.equinox ?? (system === 'FK5' ? 2000 : 1950)}`;
    return { raDeg: raIcrs, decDeg: decIcrs, source: `${kr}/${kd} (${label})` };
  }
  return undefined;
}
