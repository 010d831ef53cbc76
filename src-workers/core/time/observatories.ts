/**
 * Observatories known by name, for headers that name their site (OBSERVAT, or a TELESCOP equal to a site
 * name) but give no coordinates. Geodetic WGS84 positions, east-positive longitudes in degrees, heights in
 * metres, from the observatories' published positions (as in IRAF's noao$lib/obsdb.dat and the
 * observatories' own pages), rounded to ~0.1′. A 200 m error in the site moves BJD_TDB by < 1 µs and the
 * airmass by far less than its own model error, so this precision is ample.
 */
import { geodeticToItrs, type ObservatorySite } from './site.js';
import type { TimeKeywordSource } from './fits-time.js';

/** One known site: names it goes by (compared without case, blanks or punctuation) and its position. */
export interface KnownObservatory {
  names: readonly string[];
  /** Degrees east of Greenwich. */
  longitudeDeg: number;
  latitudeDeg: number;
  heightM: number;
}

const dms = (d: number, m: number, s = 0): number => Math.sign(d || 1) * (Math.abs(d) + m / 60 + s / 3600);

/** The table, most common professional sites first. */
export const KNOWN_OBSERVATORIES: readonly KnownObservatory[] = [
  {
    names: ['KPNO', 'Kitt Peak', 'Kitt Peak National Observatory', 'NOAO/KPNO', 'WIYN'],
    longitudeDeg: -dms(111, 36.0),
    latitudeDeg: dms(31, 57.8),
    heightM: 2120,
  },
  {
    names: ['CTIO', 'Cerro Tololo', 'Cerro Tololo Interamerican Observatory', 'NOAO/CTIO'],
    longitudeDeg: -dms(70, 48.9),
    latitudeDeg: -dms(30, 9.9),
    heightM: 2215,
  },
  {
    names: ['Gemini-South', 'Cerro Pachon', 'SOAR'],
    longitudeDeg: -dms(70, 44, 12.1),
    latitudeDeg: -dms(30, 14, 26.7),
    heightM: 2722,
  },
  {
    names: ['Gemini-North'],
    longitudeDeg: -dms(155, 28, 8.6),
    latitudeDeg: dms(19, 49, 25.7),
    heightM: 4213,
  },
  {
    names: ['Keck', 'W. M. Keck Observatory', 'Mauna Kea', 'MKO', 'CFHT', 'Subaru', 'IRTF', 'UKIRT'],
    longitudeDeg: -dms(155, 28.5),
    latitudeDeg: dms(19, 49.6),
    heightM: 4160,
  },
  {
    names: ['SAAO', 'South African Astronomical Observatory', 'Sutherland', 'SALT'],
    longitudeDeg: dms(20, 48.7),
    latitudeDeg: -dms(32, 22.7),
    heightM: 1798,
  },
  {
    names: [
      'La Palma',
      'ORM',
      'Roque de los Muchachos',
      'Observatorio del Roque de los Muchachos',
      'INT',
      'WHT',
      'NOT',
      'TNG',
      'GTC',
    ],
    longitudeDeg: -dms(17, 52.8),
    latitudeDeg: dms(28, 45.5),
    heightM: 2327,
  },
  {
    names: ['Teide', 'Observatorio del Teide', 'IAC80'],
    longitudeDeg: -dms(16, 30.6),
    latitudeDeg: dms(28, 18.0),
    heightM: 2390,
  },
  {
    names: ['La Silla', 'ESO La Silla', 'LSO'],
    longitudeDeg: -dms(70, 43.8),
    latitudeDeg: -dms(29, 15.4),
    heightM: 2347,
  },
  {
    names: ['Paranal', 'ESO Paranal', 'Cerro Paranal', 'VLT'],
    longitudeDeg: -dms(70, 24, 15),
    latitudeDeg: -dms(24, 37, 38),
    heightM: 2635,
  },
  {
    names: ['LCO', 'Las Campanas', 'Las Campanas Observatory', 'Magellan'],
    longitudeDeg: -dms(70, 42.1),
    latitudeDeg: -dms(29, 0.2),
    heightM: 2282,
  },
  {
    names: ['Palomar', 'Palomar Observatory', 'Mount Palomar', 'P200'],
    longitudeDeg: -dms(116, 51.8),
    latitudeDeg: dms(33, 21.4),
    heightM: 1706,
  },
  {
    names: ['Lick', 'Lick Observatory', 'Mount Hamilton'],
    longitudeDeg: -dms(121, 38.2),
    latitudeDeg: dms(37, 20.6),
    heightM: 1290,
  },
  {
    names: ['McDonald', 'McDonald Observatory', 'HET', 'Mount Locke'],
    longitudeDeg: -dms(104, 1.3),
    latitudeDeg: dms(30, 40.3),
    heightM: 2075,
  },
  {
    names: ['APO', 'Apache Point', 'Apache Point Observatory', 'SDSS'],
    longitudeDeg: -dms(105, 49.2),
    latitudeDeg: dms(32, 46.8),
    heightM: 2798,
  },
  {
    names: ['MMT', 'MMTO', 'Whipple', 'Fred Lawrence Whipple Observatory', 'FLWO', 'Mount Hopkins'],
    longitudeDeg: -dms(110, 53.1),
    latitudeDeg: dms(31, 41.3),
    heightM: 2608,
  },
  { names: ['MDM', 'MDM Observatory'], longitudeDeg: -dms(111, 37.0), latitudeDeg: dms(31, 57.0), heightM: 1938 },
  {
    names: ['Lowell', 'Lowell Observatory', 'Anderson Mesa'],
    longitudeDeg: -dms(111, 32.1),
    latitudeDeg: dms(35, 5.8),
    heightM: 2198,
  },
  {
    names: ['SSO', 'Siding Spring', 'Siding Spring Observatory', 'AAO', 'AAT', 'Anglo-Australian Observatory'],
    longitudeDeg: dms(149, 4.0),
    latitudeDeg: -dms(31, 16.6),
    heightM: 1149,
  },
  {
    names: ['Calar Alto', 'CAHA', 'Calar Alto Observatory'],
    longitudeDeg: -dms(2, 32.8),
    latitudeDeg: dms(37, 13.4),
    heightM: 2168,
  },
  {
    names: ['SPM', 'San Pedro Martir', 'OAN-SPM'],
    longitudeDeg: -dms(115, 29.2),
    latitudeDeg: dms(31, 1.7),
    heightM: 2830,
  },
];

const norm = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

const BY_NAME = new Map<string, KnownObservatory>();
for (const o of KNOWN_OBSERVATORIES) for (const n of o.names) BY_NAME.set(norm(n), o);

/** The known observatory called `name` (case, blanks and punctuation ignored), or undefined. */
export function knownObservatory(name: string): KnownObservatory | undefined {
  const key = norm(name);
  return key ? BY_NAME.get(key) : undefined;
}

/**
 * The site a header names without coordinates: OBSERVAT, else a TELESCOP that is itself a site name
 * (e.g. 'Gemini-South'); undefined when neither is in the table. Only whole names match: 'SAAO 1.0m' is
 * not SAAO, since a telescope name is not a place.
 */
export function siteFromObservatoryName(h: TimeKeywordSource): ObservatorySite | undefined {
  for (const key of ['OBSERVAT', 'TELESCOP']) {
    const v = h.get(key);
    if (typeof v !== 'string') continue;
    const o = knownObservatory(v);
    if (o)
      return {
        itrsM: geodeticToItrs(o.longitudeDeg, o.latitudeDeg, o.heightM),
        source: `${key} '${v.trim()}' (known observatory)`,
      };
  }
  return undefined;
}
