import { frameConverter, type CelestialFrameSpec } from '../../../../src-workers/core/wcs/index.js';
import type { Cell, RefColumn, RefTable } from './table.js';

/** What a reference list is used for: positions, and optionally an id and a magnitude with its error. */
export interface ReferenceList {
  file: string;
  rows: number;
  /** ICRS degrees. */
  ra: Float64Array;
  dec: Float64Array;
  id?: Cell[];
  mag?: Float64Array;
  magErr?: Float64Array;
  /** How each role was found, for the user: `ra ← RAJ2000 (UCD pos.eq.ra;meta.main, h → deg)`. */
  found: string[];
}

/** Column names the user chose; any role left out is detected. */
export interface ReferenceChoice {
  ra?: string;
  dec?: string;
  id?: string;
  mag?: string;
  magErr?: string;
  /** Frame of the positions when the file does not say [ICRS]. */
  frame?: CelestialFrameSpec;
}

const NAMES = {
  ra: ['ra', 'raj2000', '_raj2000', 'ra_icrs', 'radeg', 'ra_deg', 'ra2000', 'alpha_j2000', 'alpha'],
  dec: [
    'dec',
    'dej2000',
    'decj2000',
    '_dej2000',
    'de_icrs',
    'dec_icrs',
    'dedeg',
    'decdeg',
    'dec_deg',
    'de2000',
    'delta_j2000',
    'delta',
  ],
  id: ['id', 'source_id', 'name', 'star', 'designation', 'objid'],
  mag: ['mag', 'vmag', 'v', 'gmag', 'rmag', 'phot_g_mean_mag', 'mag_v', 'magnitude'],
  magErr: ['e_mag', 'mag_err', 'magerr', 'e_vmag', 'err_mag', 'sigma_mag', 'e_gmag', 'e_rmag'],
} as const;

type Role = keyof typeof NAMES;

/** The UCD test of each role: primary words only (a `stat.error;phot.mag` is not a magnitude). */
const UCD: Record<Role, (ucd: string) => boolean> = {
  ra: (u) => u.startsWith('pos.eq.ra'),
  dec: (u) => u.startsWith('pos.eq.dec'),
  id: (u) => u.startsWith('meta.id'),
  mag: (u) => u.startsWith('phot.mag'),
  magErr: (u) => u.startsWith('stat.error') && u.includes('phot.mag'),
};

/** The column for `role`: the user's choice, else by UCD (`meta.main` first), else by name (case-insensitive). */
function pick(table: RefTable, role: Role, chosen: string | undefined): { column: RefColumn; how: string } | undefined {
  if (chosen !== undefined) {
    const column =
      table.columns.find((c) => c.name === chosen) ??
      table.columns.find((c) => c.name.toLowerCase() === chosen.toLowerCase());
    if (!column)
      throw new RangeError(
        `${table.file}: no column '${chosen}' (it has ${table.columns.map((c) => c.name).join(', ')})`,
      );
    return { column, how: 'chosen' };
  }
  const byUcd = table.columns.filter((c) => c.ucd && UCD[role](c.ucd.toLowerCase()));
  const main = byUcd.find((c) => /meta\.main/i.test(c.ucd ?? '')) ?? byUcd[0];
  if (main) return { column: main, how: `UCD ${main.ucd}` };
  for (const n of NAMES[role]) {
    const column = table.columns.find((c) => c.name.toLowerCase() === n);
    if (column) return { column, how: 'by name' };
  }
  return undefined;
}

/**
 * Finds RA, Dec, id and magnitude columns in `table` and converts positions to ICRS degrees: numeric
 * columns in deg (default), rad or h/hourangle (RA); sexagesimal text (`hh:mm:ss.s`, `±dd mm ss`). A cell
 * that is not a position, or one out of range, is a RangeError naming file, row and column.
 */
export function referenceList(table: RefTable, choice: ReferenceChoice = {}): ReferenceList {
  const found: string[] = [];
  const get = (role: Role): RefColumn | undefined => {
    const p = pick(table, role, choice[role]);
    if (p) found.push(`${role} ← ${p.column.name} (${p.how}${p.column.unit ? `, unit ${p.column.unit}` : ''})`);
    return p?.column;
  };
  const raCol = get('ra');
  const decCol = get('dec');
  if (!raCol || !decCol)
    throw new RangeError(
      `${table.file}: no ${raCol ? 'Dec' : 'RA'} column found by UCD (pos.eq.ra/pos.eq.dec) or name; name it with --ra-col/--dec-col (columns: ${table.columns.map((c) => c.name).join(', ')})`,
    );
  const ra = angles(table.file, raCol, true);
  const dec = angles(table.file, decCol, false);
  const frame = choice.frame ?? table.frame;
  const convert = frame && frame.system !== 'ICRS' ? frameConverter(frame) : undefined;
  for (let i = 0; i < table.rows; i++) {
    if (!(dec[i] >= -90 && dec[i] <= 90) || !Number.isFinite(ra[i]))
      throw new RangeError(
        `${table.file}: row ${i + 1}: (${raCol.values[i]}, ${decCol.values[i]}) is not a sky position`,
      );
    ra[i] = ((ra[i] % 360) + 360) % 360;
    if (convert) [ra[i], dec[i]] = convert.toIcrs(ra[i], dec[i]);
  }
  if (convert) found.push(`positions ${frame?.system}${frame?.equinox ? ` ${frame.equinox}` : ''} → ICRS`);
  const idCol = get('id');
  const magCol = get('mag');
  const errCol = get('magErr');
  return {
    file: table.file,
    rows: table.rows,
    ra,
    dec,
    id: idCol?.values,
    mag: magCol ? numbers(magCol) : undefined,
    magErr: errCol ? numbers(errCol) : undefined,
    found,
  };
}

function numbers(c: RefColumn): Float64Array {
  return Float64Array.from(c.values, (v) => (typeof v === 'number' ? v : Number.NaN));
}

/** Degrees from a numeric column with its unit, or from sexagesimal text. */
function angles(file: string, c: RefColumn, isRa: boolean): Float64Array {
  const unit = (c.unit ?? '').trim().toLowerCase();
  const scale =
    unit === '' || unit === 'deg' || unit === 'degree' || unit === 'degrees' || unit === 'd'
      ? 1
      : unit === 'rad'
        ? 180 / Math.PI
        : isRa && (unit === 'h' || unit === 'hourangle' || unit === 'hour' || unit === 'hr')
          ? 15
          : unit === 'arcsec'
            ? 1 / 3600
            : Number.NaN;
  // VizieR spells sexagesimal units 'h:m:s' and 'd:m:s'; RA text is hours unless the unit says degrees.
  const hoursText = isRa && !unit.startsWith('d');
  const out = new Float64Array(c.values.length);
  c.values.forEach((v, i) => {
    if (typeof v === 'number') {
      if (Number.isNaN(scale))
        throw new RangeError(`${file}: column '${c.name}' has unit '${c.unit}', which is not an angle`);
      out[i] = v * scale;
    } else if (typeof v === 'string') {
      const s = sexagesimal(v);
      if (s === undefined) throw new RangeError(`${file}: row ${i + 1}: '${v}' in column '${c.name}' is not an angle`);
      out[i] = hoursText ? s * 15 : s;
    } else throw new RangeError(`${file}: row ${i + 1}: column '${c.name}' is empty`);
  });
  return out;
}

/** `±dd:mm:ss.s`, `dd mm ss`, `12h34m56s`, `-12d34m56s` → the value in the first field's unit. */
export function sexagesimal(text: string): number | undefined {
  const m =
    /^\s*([+-])?\s*(\d+(?:\.\d*)?)[\s:hd°]+(\d+(?:\.\d*)?)\s*(?:[m']\s*)?(?:[\s:]*(\d+(?:\.\d*)?)\s*(?:s|")?)?\s*$/i.exec(
      text,
    );
  if (!m) return undefined;
  const mins = Number(m[3]);
  const secs = m[4] === undefined ? 0 : Number(m[4]);
  if (mins >= 60 || secs >= 60) return undefined;
  const v = Number(m[2]) + mins / 60 + secs / 3600;
  return m[1] === '-' ? -v : v;
}
