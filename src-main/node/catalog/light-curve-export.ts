/**
 * Light-curve files: a FITS binary table with units and time keywords, and the AAVSO Extended Format
 * (https://www.aavso.org/aavso-extended-file-format, v1.2: six `#` parameters, then STARID, DATE, MAGNITUDE,
 * MAGERR, FILTER, TRANS, MTYPE, CNAME, CMAG, KNAME, KMAG, AMASS, GROUP, CHART, NOTES with `na` for missing).
 */
import type { TableColumnInput } from '../../../src-workers/core/fits/table.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { writeFitsTable } from '../../../src-workers/io/fits-file.js';

type Row = Record<string, number | string | null>;

/** Column units of light-curve rows (FITS TUNITn; dimensionless columns have none). */
export const LIGHT_CURVE_UNITS: Record<string, string> = {
  bjdTdb: 'd',
  hjdUtc: 'd',
  mjd: 'd',
  mag: 'mag',
  magErr: 'mag',
  magInst: 'mag',
  magRaw: 'mag',
  zeroPoint: 'mag',
  magCal: 'mag',
  magCalErr: 'mag',
};

/** Writes light-curve rows as a FITS BINTABLE `LIGHTCURVE` with units, TIMESYS and the comparison stars. */
export async function writeLightCurveFits(
  path: string,
  rows: readonly Row[],
  meta: { objectId: number; compObjects: number[]; timeSystem: string },
): Promise<void> {
  const names = Object.keys(rows[0] ?? {});
  const columns: TableColumnInput[] = names.map((name) => {
    const values = rows.map((r) => r[name]);
    const unit = LIGHT_CURVE_UNITS[name];
    if (values.every((v) => typeof v === 'string')) return { name: name.toUpperCase(), data: values as string[] };
    if (name === 'flags' || name === 'frame' || name === 'rejected') {
      return { name: name.toUpperCase(), data: Int32Array.from(values as number[]) };
    }
    const data = Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN));
    return unit ? { name: name.toUpperCase(), data, unit } : { name: name.toUpperCase(), data };
  });
  await writeFitsTable(path, columns, {
    extname: 'LIGHTCURVE',
    header: [
      { key: 'OBJECT', value: `owb object ${meta.objectId}`, comment: 'catalog object id' },
      // The MJD and HJDUTC columns are UTC whatever the curve was analysed in; BJDTDB is TDB at the barycentre.
      { key: 'TIMESYS', value: 'UTC', comment: 'time scale of MJD and HJDUTC (BJDTDB is TDB)' },
      { key: 'TIMEUSED', value: meta.timeSystem, comment: 'time the light curve was analysed in' },
      { key: 'MJDREF', value: 0, comment: 'MJD column is absolute' },
      { key: 'TIMEUNIT', value: 'd' },
      { key: 'COMPS', value: meta.compObjects.join(',').slice(0, 68), comment: 'ensemble comparison objects' },
    ],
  });
}

/** AAVSO filter codes accepted in the FILTER field. */
const AAVSO_FILTERS = new Set(
  'U B V R I J H K TG TB TR CV CR SZ SU SG SR SI STU STV STB STY STHBW STHBN MA MB MI ZS Y HA HB O'.split(' '),
);

/** Options of {@link formatAavso}. */
export interface AavsoOptions {
  starId: string;
  obsCode: string;
  /** AAVSO filter code [the catalog filter, upper-cased, when it is a valid code]. */
  filter?: string;
  software?: string;
  chart?: string;
}

/**
 * Formats a light curve in the AAVSO Extended Format: DATE is the JD (UTC) mid-exposure, MTYPE `DIF`
 * (ensemble differential, not transformed), CNAME `ENSEMBLE` with CMAG `na`; points flagged for any reason
 * (outliers, saturation, missing) are left out, as a submission holds only valid observations.
 */
export function formatAavso(rows: readonly Row[], options: AavsoOptions): string {
  const filter = (options.filter ?? String(rows[0]?.filter ?? '')).toUpperCase();
  if (!AAVSO_FILTERS.has(filter)) {
    throw new InputError(
      'AAVSO_FILTER',
      `filter '${filter}' is not an AAVSO filter code; give one with --aavso-filter`,
    );
  }
  if (!options.starId || /[,#]/.test(options.starId) || options.starId.length > 30) {
    throw new InputError('AAVSO_STARID', 'the AAVSO star id must be 1–30 characters without commas or #');
  }
  if (!options.obsCode || /[,#\s]/.test(options.obsCode)) {
    throw new InputError('AAVSO_OBSCODE', 'the AAVSO observer code must be non-empty without commas, # or spaces');
  }
  const lines = [
    '#TYPE=EXTENDED',
    `#OBSCODE=${options.obsCode}`,
    `#SOFTWARE=${options.software ?? 'Observatory Workbench owb lightcurve'}`,
    '#DELIM=,',
    '#DATE=JD',
    '#OBSTYPE=CCD',
    '#STARID,DATE,MAGNITUDE,MAGERR,FILTER,TRANS,MTYPE,CNAME,CMAG,KNAME,KMAG,AMASS,GROUP,CHART,NOTES',
  ];
  for (const r of rows) {
    if (r.flags !== 0 || typeof r.mag !== 'number' || typeof r.mjd !== 'number') continue;
    const airmass = typeof r.airmass === 'number' ? r.airmass.toFixed(4) : 'na';
    const err = typeof r.magErr === 'number' ? r.magErr.toFixed(4) : 'na';
    lines.push(
      [
        options.starId,
        (r.mjd + 2400000.5).toFixed(6),
        r.mag.toFixed(4),
        err,
        filter,
        'NO',
        'DIF',
        'ENSEMBLE',
        'na',
        'na',
        'na',
        airmass,
        'na',
        options.chart ?? 'na',
        `owb frame ${r.frame}`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
