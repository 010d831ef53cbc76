/**
 * Observation times from FITS headers (FITS 4.0 §9; Rots et al. 2015, "Representations of time
 * coordinates in FITS"): start from DATE-BEG, DATE-OBS (ISO with or without time; the old DD/MM/YY form
 * read as 19YY, FITS 4.0 §4.4.2.1) with TIME-OBS/UT/UTSTART/UTC-OBS, MJD-BEG, MJD-OBS or JD; end from
 * DATE-END/MJD-END; exposure from EXPTIME, EXPOSURE, ITIME or TELAPSE (seconds; minutes when the card's
 * comment says so, as DSS headers do). TIMESYS UTC [default], TT, TAI or GPS is converted to UTC.
 */
import { mjdFromCalendar, taiToUtc, utcToTt } from './scales.js';

/** Keyword values, optionally with comments (`FitsHeader` has both). */
export interface TimeKeywordSource {
  get(key: string): string | number | boolean | null | undefined;
  getComment?(key: string): string | undefined;
}

/** The times of one exposure: MJD (UTC) at start and mid-exposure, the exposure, and which keywords gave them. */
export interface ObservationTime {
  mjdStartUtc: number;
  mjdMidUtc: number;
  exposureS?: number;
  /** Keywords used, e.g. 'DATE-OBS+UT, EXPOSURE'. */
  source: string;
}

/** Parsed date (and time when present) of a DATE-style value: UTC-like MJD and whether it had a time. */
export function parseFitsDate(text: string): { mjd: number; hasTime: boolean } | undefined {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?\s*Z?$/i.exec(s);
  if (m) {
    const day = mjdFromCalendar(Number(m[1]), Number(m[2]), Number(m[3]));
    if (Number.isNaN(day)) return undefined;
    if (m[4] === undefined) return { mjd: day, hasTime: false };
    const frac = clock(Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6]));
    return frac === undefined ? undefined : { mjd: day + frac, hasTime: true };
  }
  // Old form DD/MM/YY, always 19YY (FITS 4.0 §4.4.2.1): '05/04/87' is 5 April 1987.
  m = /^(\d{2})\/(\d{2})\/(\d{2})$/.exec(s);
  if (m) {
    const day = mjdFromCalendar(1900 + Number(m[3]), Number(m[2]), Number(m[1]));
    return Number.isNaN(day) ? undefined : { mjd: day, hasTime: false };
  }
  return undefined;
}

function clock(h: number, mi: number, sec: number): number | undefined {
  if (!(h >= 0 && h < 24 && mi >= 0 && mi < 60 && sec >= 0 && sec < 61)) return undefined;
  return (h * 3600 + mi * 60 + sec) / 86400;
}

/** Day fraction of a time-of-day value 'hh:mm[:ss.s]', or undefined. */
export function parseClock(text: string): number | undefined {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{1,2}(?:\.\d*)?))?\s*$/.exec(text);
  if (!m) return undefined;
  return clock(Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3]));
}

const str = (h: TimeKeywordSource, k: string): string | undefined => {
  const v = h.get(k);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};
const num = (h: TimeKeywordSource, k: string): number | undefined => {
  const v = h.get(k);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/**
 * The observation time of a header, or undefined with warnings saying why (an unparseable DATE-OBS
 * still lets the file read). `warn` collects one line per problem.
 */
export function readObservationTime(
  h: TimeKeywordSource,
  warn: (message: string) => void = () => {},
): ObservationTime | undefined {
  const timesys = (str(h, 'TIMESYS') ?? 'UTC').toUpperCase();
  const toUtc = (mjd: number): number => {
    if (timesys === 'TT' || timesys === 'TDT' || timesys === 'ET') return taiToUtc(mjd - 32.184 / 86400);
    if (timesys === 'TAI') return taiToUtc(mjd);
    if (timesys === 'GPS') return taiToUtc(mjd + 19 / 86400);
    return mjd;
  };
  if (!['UTC', 'UT', 'TT', 'TDT', 'ET', 'TAI', 'GPS'].includes(timesys)) {
    warn(`TIMESYS '${timesys}' is not supported (UTC, TT, TAI, GPS); no time`);
    return undefined;
  }
  const sources: string[] = [];
  let start: number | undefined;
  for (const key of ['DATE-BEG', 'DATE-OBS', 'DATE_OBS']) {
    const text = str(h, key);
    if (!text) continue;
    const d = parseFitsDate(text);
    if (!d) {
      warn(`${key} '${text}' is not a FITS date; ignored`);
      continue;
    }
    if (d.hasTime) {
      start = d.mjd;
      sources.push(key);
      break;
    }
    for (const tk of ['TIME-OBS', 'UT', 'UTSTART', 'UTC-OBS', 'TIME_OBS']) {
      const t = str(h, tk);
      if (!t) continue;
      const full = parseFitsDate(t);
      const frac = full?.hasTime ? full.mjd - Math.floor(full.mjd) : parseClock(t);
      if (frac === undefined) {
        warn(`${tk} '${t}' is not a time of day; ignored`);
        continue;
      }
      start = d.mjd + frac;
      sources.push(`${key}+${tk}`);
      break;
    }
    if (start === undefined && num(h, 'MJD-OBS') === undefined && num(h, 'MJD-BEG') === undefined) {
      start = d.mjd;
      sources.push(`${key} (date only)`);
    }
    if (start !== undefined) break;
  }
  if (start === undefined)
    for (const key of ['MJD-BEG', 'MJD-OBS', 'MJD_OBS']) {
      const v = num(h, key);
      if (v !== undefined) {
        start = v;
        sources.push(key);
        break;
      }
    }
  if (start === undefined) {
    const jd = num(h, 'JD') ?? num(h, 'JD-OBS');
    if (jd !== undefined) {
      start = jd - 2400000.5;
      sources.push('JD');
    }
  }
  if (start === undefined) return undefined;
  start = toUtc(start);

  let exposureS: number | undefined;
  for (const key of ['EXPTIME', 'EXPOSURE', 'ITIME', 'TELAPSE']) {
    const v = num(h, key);
    if (v === undefined) continue;
    if (v < 0) {
      warn(`${key} = ${v} is negative; ignored`);
      continue;
    }
    const minutes = /\bmin(ute)?s?\b/i.test(h.getComment?.(key) ?? '');
    exposureS = minutes ? v * 60 : v;
    sources.push(minutes ? `${key} (minutes)` : key);
    break;
  }
  let end: number | undefined;
  const dEnd = str(h, 'DATE-END');
  const pEnd = dEnd ? parseFitsDate(dEnd) : undefined;
  if (pEnd?.hasTime) {
    end = toUtc(pEnd.mjd);
    sources.push('DATE-END');
  } else if (num(h, 'MJD-END') !== undefined) {
    end = toUtc(num(h, 'MJD-END') as number);
    sources.push('MJD-END');
  }
  let mid = start;
  if (end !== undefined && end >= start) mid = (start + end) / 2;
  else if (exposureS !== undefined) mid = start + exposureS / 2 / 86400;
  return { mjdStartUtc: start, mjdMidUtc: mid, exposureS, source: sources.join(', ') };
}

/** TT MJD of a UTC MJD (re-exported for callers that need both). */
export { utcToTt };
