import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { DetrendKey } from '../../../src-workers/core/timeseries/index.js';
import { Catalog } from '../../node/catalog/index.js';
import { formatCsv } from '../../node/catalog/export.js';
import { formatAavso, writeLightCurveFits } from '../../node/catalog/light-curve-export.js';
import { lightCurveRows, objectLightCurve, pixelLightCurve } from '../../node/catalog/light-curves.js';
import { withCalibratedLightCurve } from '../../node/solve/calibrated-rows.js';
import { UsageError } from '../cli-errors.js';
import { telescopeOption } from '../telescope-option.js';
import { sqliteOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb lightcurve --db DB (--object ID | --ra DEG --dec DEG [--radius-arcsec R] | --x PX --y PY [--filter F])
                      --out FILE [options]

Ensemble differential light curve of one catalog object: comparison stars near its brightness, unsaturated
and isolated, variable ones rejected; one row per frame (outliers kept, flagged 1 and rejected=1).
--x/--y: frames without a WCS, stars matched by pixel position within one pointing (matching=pixel; the
comparison ids are then source ids of the reference frame, the one with most sources).

  --comps auto|ID,...        comparison objects [the ones picked in the viewer for this object, else auto]
  --detrend KEY,...          linear detrending by airmass, fwhm, sky, and x, y (pixel drift; --x/--y mode) [none]
  --aperture-m D --altitude-m H   telescope aperture and site altitude: adds Young scintillation noise
  --outlier-sigma N          running-median outlier threshold [5; 0 = off]
  --format csv|json|fits|aavso [csv]   fits: table with units; aavso: AAVSO Extended Format
  --aavso-obscode CODE --aavso-starid NAME [--aavso-filter F]   required for --format aavso

Columns: bjdTdb (mid-exposure BJD_TDB, JD; empty for frames ingested without a sky position or site), mjd
(mid-exposure UTC), mag (differential), magErr, magInst, flux (relative), flags (1 outlier, 2 saturated,
4 missing, 8 no zero point), frame, rejected, magRaw, zeroPoint, airmass, filter, timeSystem (BJD_TDB when
every frame has it, else MJD_UTC: the time the curve was analysed in), matching, hjdUtc (mid-exposure HJD,
UTC-based, JD; empty where bjdTdb is), magCal and magCalErr (the
target's flux under its frame's plate-solve zero point, Tycho-2 V_T; empty for unsolved frames), zpSource.
AAVSO files give the JD (UTC).
Negative numbers need '=': --dec=-12.5
`;

const DETREND_KEYS: readonly DetrendKey[] = ['airmass', 'fwhm', 'sky', 'x', 'y'];

export const command: CliCommand = {
  name: 'lightcurve',
  summary: 'ensemble differential light curve of one object (CSV, FITS, AAVSO Extended Format)',
  usage,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'lightcurve',
      argv,
      {
        db: { type: 'string' },
        object: { type: 'string' },
        ra: { type: 'string' },
        dec: { type: 'string' },
        'radius-arcsec': { type: 'string' },
        x: { type: 'string' },
        y: { type: 'string' },
        filter: { type: 'string' },
        comps: { type: 'string' },
        detrend: { type: 'string' },
        'aperture-m': { type: 'string' },
        'altitude-m': { type: 'string' },
        'outlier-sigma': { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'aavso-obscode': { type: 'string' },
        'aavso-starid': { type: 'string' },
        'aavso-filter': { type: 'string' },
      },
      false,
    );
    const db = sqliteOption('lightcurve', values.db);
    if (!db) throw new UsageError('lightcurve: --db DB is required');
    if (!existsSync(db)) throw new UsageError(`lightcurve: ${db}: no such catalog database`);
    if (!values.out) throw new UsageError('lightcurve: --out FILE is required');
    const format = values.format ?? 'csv';
    if (!['csv', 'json', 'fits', 'aavso'].includes(format))
      throw new UsageError(`lightcurve: --format must be csv, json, fits or aavso, got '${format}'`);
    const detrend = values.detrend ? values.detrend.split(',') : [];
    for (const k of detrend) {
      if (!DETREND_KEYS.includes(k as DetrendKey))
        throw new UsageError(`lightcurve: --detrend takes ${DETREND_KEYS.join(', ')}, got '${k}'`);
    }
    let compObjects: number[] | undefined;
    if (values.comps && values.comps !== 'auto') {
      compObjects = values.comps.split(',').map((s) => {
        const v = Number(s);
        if (!Number.isInteger(v) || v <= 0) throw new UsageError(`lightcurve: --comps takes object ids, got '${s}'`);
        return v;
      });
    }
    const telescope = telescopeOption('lightcurve', values);
    const catalog = Catalog.open(db);
    try {
      let objectId = 0;
      const ensembleOptions = {
        detrend: detrend as DetrendKey[],
        telescope,
        outlierSigma: numberOption('outlier-sigma', values['outlier-sigma'], 5),
      };
      let lc;
      if (values.x !== undefined || values.y !== undefined) {
        if (values.x === undefined || values.y === undefined)
          throw new UsageError('lightcurve: --x and --y go together');
        lc = pixelLightCurve(catalog.db, numberOption('x', values.x, 0), numberOption('y', values.y, 0), {
          ...ensembleOptions,
          filter: values.filter,
          comps: undefined,
        });
        objectId = lc.field.objectIds[lc.target];
      } else if (values.object !== undefined) {
        objectId = Number(values.object);
        if (!Number.isInteger(objectId) || objectId <= 0)
          throw new UsageError(`lightcurve: --object must be a positive integer, got '${values.object}'`);
      } else {
        if (values.ra === undefined || values.dec === undefined)
          throw new UsageError('lightcurve: give --object ID or --ra DEG --dec DEG');
        const radius = numberOption('radius-arcsec', values['radius-arcsec'], 2);
        let hits;
        try {
          hits = catalog.cone(numberOption('ra', values.ra, 0), numberOption('dec', values.dec, 0), radius);
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(`lightcurve: ${error.message}`);
          throw error;
        }
        if (!hits.length) throw new UsageError(`lightcurve: no catalog object within ${radius}″ of that position`);
        objectId = hits[0].id;
      }
      lc ??= objectLightCurve(catalog.db, objectId, {
        ...ensembleOptions,
        compObjects,
        storedComps: values.comps !== 'auto',
      });
      const rows = withCalibratedLightCurve(catalog.db, lc, lightCurveRows(lc));
      if (format === 'fits') {
        await writeLightCurveFits(values.out, rows, {
          objectId,
          compObjects: lc.compObjects,
          timeSystem: lc.field.timeSystem,
        });
      } else if (format === 'aavso') {
        await writeFile(
          values.out,
          formatAavso(rows, {
            starId: values['aavso-starid'] ?? '',
            obsCode: values['aavso-obscode'] ?? '',
            filter: values['aavso-filter'],
          }),
        );
      } else {
        await writeFile(values.out, format === 'json' ? `${JSON.stringify(rows)}\n` : formatCsv(rows));
      }
      const rejected = lc.rejectedObjects.map((r) => `${r.objectId} (χ²ν ${r.reducedChi2.toFixed(1)})`).join(', ');
      ctx.stderr.write(
        `owb lightcurve: ${lc.field.matching === 'pixel' ? `reference source ${objectId} (pixel matching within one pointing)` : `object ${objectId}`}, ${rows.length} frames, filter '${lc.field.filter}', comparisons ${lc.compObjects.join(',')}` +
          `${rejected ? `; rejected as variable ${rejected}` : ''}; times ${lc.field.timeSystem}${lc.field.timeSystem === 'BJD_TDB' ? '' : ` (${lc.field.bjdTdb.filter((b) => b === null).length} of ${rows.length} frames without BJD_TDB)`}` +
          `${telescope ? '' : '; no scintillation term (give --aperture-m and --altitude-m)'}\n`,
      );
      return 0;
    } finally {
      catalog.close();
    }
  },
};
