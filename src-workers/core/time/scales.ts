/**
 * Time scales: calendar → MJD (ERFA cal2jd), TAI − UTC from the IERS leap-second table (with the
 * 1961–1971 rubber-second drift terms, as ERFA's dat; 0 before 1960 as ERFA), TT = TAI + 32.184 s,
 * and TDB − TT from the leading terms of Fairhead & Bretagnon (1990) (USNO Circular 179 eq. 2.6,
 * ~10 µs). MJD values are days; UTC MJDs count SI days between leap seconds.
 */

/** MJD of 0h on the Gregorian calendar date (ERFA cal2jd); NaN for an impossible date. */
export function mjdFromCalendar(year: number, month: number, day: number): number {
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && Number.isInteger(year))) return Number.NaN;
  const dim = [
    31,
    (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (day > dim[month - 1]) return Number.NaN;
  const my = Math.trunc((month - 14) / 12);
  const iypmy = year + my;
  return (
    Math.trunc((1461 * (iypmy + 4800)) / 4) +
    Math.trunc((367 * (month - 2 - 12 * my)) / 12) -
    Math.trunc((3 * Math.trunc((iypmy + 4900) / 100)) / 4) +
    day -
    2432076
  );
}

/** [MJD of the change (0h UTC), TAI − UTC (s), drift reference MJD, drift (s/day)] (IERS Bulletin C; ERFA dat). */
const LEAPS: [number, number, number, number][] = [
  [36934, 1.417818, 37300, 0.001296],
  [37300, 1.422818, 37300, 0.001296],
  [37512, 1.372818, 37300, 0.001296],
  [37665, 1.845858, 37665, 0.0011232],
  [38334, 1.945858, 37665, 0.0011232],
  [38395, 3.24013, 38761, 0.001296],
  [38486, 3.34013, 38761, 0.001296],
  [38639, 3.44013, 38761, 0.001296],
  [38761, 3.54013, 38761, 0.001296],
  [38820, 3.64013, 38761, 0.001296],
  [38942, 3.74013, 38761, 0.001296],
  [39004, 3.84013, 38761, 0.001296],
  [39126, 4.31317, 39126, 0.002592],
  [39887, 4.21317, 39126, 0.002592],
  [41317, 10, 0, 0],
  [41499, 11, 0, 0],
  [41683, 12, 0, 0],
  [42048, 13, 0, 0],
  [42413, 14, 0, 0],
  [42778, 15, 0, 0],
  [43144, 16, 0, 0],
  [43509, 17, 0, 0],
  [43874, 18, 0, 0],
  [44239, 19, 0, 0],
  [44786, 20, 0, 0],
  [45151, 21, 0, 0],
  [45516, 22, 0, 0],
  [46247, 23, 0, 0],
  [47161, 24, 0, 0],
  [47892, 25, 0, 0],
  [48257, 26, 0, 0],
  [48804, 27, 0, 0],
  [49169, 28, 0, 0],
  [49534, 29, 0, 0],
  [50083, 30, 0, 0],
  [50630, 31, 0, 0],
  [51179, 32, 0, 0],
  [53736, 33, 0, 0],
  [54832, 34, 0, 0],
  [56109, 35, 0, 0],
  [57204, 36, 0, 0],
  [57754, 37, 0, 0],
];

/** TAI − UTC in seconds at UTC MJD `mjdUtc` (0 before 1960, as ERFA dat). */
export function taiMinusUtc(mjdUtc: number): number {
  let entry: [number, number, number, number] | undefined;
  for (const e of LEAPS) if (mjdUtc >= e[0]) entry = e;
  if (!entry) return 0;
  return entry[1] + (mjdUtc - entry[2]) * entry[3];
}

/**
 * TAI MJD of a UTC MJD with ERFA's utctai convention: the UTC day fraction is scaled so that a leap
 * second (or a pre-1972 step) on a day and the pre-1972 drift are spread over that day.
 */
export function utcToTai(mjdUtc: number): number {
  const day = Math.floor(mjdUtc);
  let fd = mjdUtc - day;
  const dat0 = taiMinusUtc(day);
  const dat12 = taiMinusUtc(day + 0.5);
  const dat24 = taiMinusUtc(day + 1);
  const dlod = 2 * (dat12 - dat0);
  const dleap = dat24 - (dat0 + dlod);
  fd *= (86400 + dleap) / 86400;
  fd *= (86400 + dlod) / 86400;
  return day + fd + dat0 / 86400;
}

/** TT MJD of UTC MJD (TT = TAI + 32.184 s). */
export function utcToTt(mjdUtc: number): number {
  return utcToTai(mjdUtc) + 32.184 / 86400;
}

/** UTC MJD of TAI MJD (inverting the table; two fixed-point steps suffice). */
export function taiToUtc(mjdTai: number): number {
  let u = mjdTai;
  for (let i = 0; i < 3; i++) u = mjdTai - taiMinusUtc(u) / 86400;
  return u;
}

/** TDB − TT in seconds at TT MJD `mjdTt` (Fairhead & Bretagnon 1990 leading terms, ~10 µs). */
export function tdbMinusTt(mjdTt: number): number {
  const t = (mjdTt - 51544.5) / 36525;
  return (
    0.001657 * Math.sin(628.3076 * t + 6.2401) +
    0.000022 * Math.sin(575.3385 * t + 4.297) +
    0.000014 * Math.sin(1256.6152 * t + 6.1969) +
    0.000005 * Math.sin(606.9777 * t + 4.0212) +
    0.000005 * Math.sin(52.9691 * t + 0.4444) +
    0.000002 * Math.sin(21.3299 * t + 5.5431) +
    0.00001 * t * Math.sin(628.3076 * t + 4.249)
  );
}
