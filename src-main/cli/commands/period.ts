import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../../../src-workers/core/errors.js';
import { blsSearch, lombScargleSearch, MAG_PER_RELATIVE_FLUX } from '../../../src-workers/core/timeseries/index.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb period LC.csv... --method ls|bls [--min-period D --max-period D] --out OUT.json [options]

Period search of light curves. Each CSV has a header row with the columns time (days), mag and err (others
are ignored), or is an 'owb lightcurve' CSV: then the time is bjdTdb (BJD_TDB) when every usable row has it,
else mjd (UTC), err is magErr, and rows with non-zero flags are left out; each result says its timeColumn. OUT is a JSON array, one object per input: file, bestPeriod (days), periodErr, power, fap.
  ls:  generalised Lomb–Scargle (floating mean), Baluev (2008) FAP; adds amplitude (mag)
  bls: Box Least Squares on relative flux 10^(-0.4(mag - median)); adds depth (fraction), depthErr,
       duration (days), t0, depthSnr, sde; fap from --bootstrap N permutations [0: fap null]
  --samples-per-peak N [10]  --durations D,... (bls, days) [0.04,0.06,0.09,0.13,0.2]  --seed S [1]
`;

/**
 * Reads `time`, `mag`, `err` columns of a CSV light curve (RFC 4180 without quoted commas in those columns),
 * or an `owb lightcurve` CSV (bjdTdb when every kept row has it, else mjd; magErr; flagged rows left out).
 */
async function readLightCurveCsv(
  path: string,
): Promise<{ t: number[]; mag: number[]; err: number[]; timeColumn: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`period: ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new InputError('LC_CSV', `${path}: no data rows`);
  const header = lines[0].split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new InputError('LC_CSV', `${path}: missing column '${name}' (header: ${header.join(',')})`);
    return i;
  };
  const owbCurve = !header.includes('time') && header.includes('mjd') && header.includes('magErr');
  const iFlags = owbCurve ? header.indexOf('flags') : -1;
  const rows = lines.slice(1).map((l) => l.split(','));
  const kept = rows.filter((cells) => iFlags < 0 || Number(cells[iFlags]) === 0);
  let timeColumn = 'time';
  if (owbCurve) {
    const ib = header.indexOf('bjdTdb');
    const usable = kept.filter((c) => c[col('mag')]?.trim() !== '');
    timeColumn = ib >= 0 && usable.length && usable.every((c) => c[ib]?.trim() !== '') ? 'bjdTdb' : 'mjd';
  }
  const [it, im, ie] = [col(timeColumn), col('mag'), col(owbCurve ? 'magErr' : 'err')];
  const t: number[] = [];
  const mag: number[] = [];
  const err: number[] = [];
  for (const cells of kept) {
    const [tv, mv, ev] = [Number(cells[it]), Number(cells[im]), Number(cells[ie])];
    if (cells[im]?.trim() === '' || cells[it]?.trim() === '') continue; // flagged rows may leave mag empty
    if (!Number.isFinite(tv) || !Number.isFinite(mv) || !(ev > 0)) {
      throw new InputError(
        'LC_CSV',
        `${path}: row ${rows.indexOf(cells) + 2}: ${timeColumn}, mag must be numbers and err positive`,
      );
    }
    t.push(tv);
    mag.push(mv);
    err.push(ev);
  }
  return { t, mag, err, timeColumn };
}

export const command: CliCommand = {
  name: 'period',
  summary: 'period search of CSV light curves: Lomb–Scargle or BLS with period error and FAP',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('period', argv, {
      method: { type: 'string' },
      'min-period': { type: 'string' },
      'max-period': { type: 'string' },
      'samples-per-peak': { type: 'string' },
      durations: { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    });
    if (!positionals.length) throw new UsageError('period: give at least one LC.csv');
    if (!values.out) throw new UsageError('period: --out OUT.json is required');
    const method = values.method ?? 'ls';
    if (method !== 'ls' && method !== 'bls')
      throw new UsageError(`period: --method must be ls or bls, got '${method}'`);
    const range = {
      minPeriod: values['min-period'] === undefined ? undefined : numberOption('min-period', values['min-period'], 0),
      maxPeriod: values['max-period'] === undefined ? undefined : numberOption('max-period', values['max-period'], 0),
      samplesPerPeak: numberOption('samples-per-peak', values['samples-per-peak'], 10),
    };
    const durations = values.durations?.split(',').map((d) => numberOption('durations', d, 0));
    const bootstrap = numberOption('bootstrap', values.bootstrap, 0);
    const results: Array<Record<string, unknown>> = [];
    for (const file of positionals) {
      const { t, mag, err, timeColumn } = await readLightCurveCsv(file);
      try {
        if (method === 'ls') {
          const r = lombScargleSearch(t, mag, err, range);
          results.push({ file, method, timeUnit: 'd', timeColumn, ...r });
        } else {
          const sorted = [...mag].sort((a, b) => a - b);
          const median = sorted[sorted.length >> 1];
          const flux = mag.map((m) => 10 ** (-0.4 * (m - median)));
          const fluxErr = err.map((e, i) => (flux[i] * e) / MAG_PER_RELATIVE_FLUX);
          const r = blsSearch(t, flux, fluxErr, {
            ...range,
            durations,
            bootstrap,
            seed: numberOption('seed', values.seed, 1),
          });
          results.push({ file, method, timeUnit: 'd', timeColumn, ...r });
        }
      } catch (error) {
        if (error instanceof InputError) throw new InputError(error.code, `${basename(file)}: ${error.message}`);
        throw error;
      }
    }
    await writeFile(values.out, `${JSON.stringify(results, null, 1)}\n`);
    ctx.stderr.write(`owb period: ${results.length} light curve(s), method ${method}\n`);
    return 0;
  },
};
