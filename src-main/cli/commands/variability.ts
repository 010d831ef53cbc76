import { existsSync } from 'node:fs';
import { Catalog } from '../../node/catalog/index.js';
import { emitRows, type RowFormat } from '../../node/catalog/export.js';
import { computeVariability } from '../../node/catalog/light-curves.js';
import { UsageError } from '../cli-errors.js';
import { telescopeOption } from '../telescope-option.js';
import { sqliteOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';

const usage = `
Usage: owb variability --db DB --out FILE [--format csv|ecsv|votable|json|fits] [--min-obs N] [--candidate-fap P]
                       [--aperture-m D --altitude-m H]

Variability statistics of every catalog object, per filter, from its light curve against one field-wide
ensemble: reduced χ² against a constant with its false-alarm probability (chi2Fap), weighted mean and σ,
MAD, IQR, von Neumann η, Stetson J and K, amplitude. One row per object, most variable first. The rows are
stored in the catalog (object_variability) and objects with chi2Fap < P [1e-3] enter the curation queue as
'variable' candidates. Times are BJD_TDB where every frame of the filter has it, else MJD (UTC); the
timeSystem column says which. CSV starts with '#' lines giving each column's unit and description.
`;

export const command: CliCommand = {
  name: 'variability',
  summary: 'variability statistics of every object, most variable first; queues variable candidates',
  usage,
  async run(argv, ctx) {
    const { values } = parseCommandArgs(
      'variability',
      argv,
      {
        db: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        'min-obs': { type: 'string' },
        'candidate-fap': { type: 'string' },
        'aperture-m': { type: 'string' },
        'altitude-m': { type: 'string' },
      },
      false,
    );
    const db = sqliteOption('variability', values.db);
    if (!db) throw new UsageError('variability: --db DB is required');
    if (!existsSync(db)) throw new UsageError(`variability: ${db}: no such catalog database`);
    if (!values.out) throw new UsageError('variability: --out FILE is required');
    const format = (values.format ?? 'csv') as RowFormat;
    if (!['csv', 'ecsv', 'votable', 'json', 'fits'].includes(format))
      throw new UsageError(`variability: --format must be csv, ecsv, votable, json or fits, got '${format}'`);
    const minObs = numberOption('min-obs', values['min-obs'], 5);
    if (!Number.isInteger(minObs) || minObs < 2) throw new UsageError('variability: --min-obs must be an integer ≥ 2');
    const candidateFap = numberOption('candidate-fap', values['candidate-fap'], 1e-3);
    if (!(candidateFap >= 0 && candidateFap <= 1))
      throw new UsageError('variability: --candidate-fap must be in [0, 1]');
    const telescope = telescopeOption('variability', values);
    const catalog = Catalog.open(db);
    try {
      const rows = computeVariability(catalog.db, { minObs, candidateFap, telescope });
      await emitRows(rows as never, format, { out: values.out, extname: 'VARIABILITY' });
      const flagged = rows.filter((r) => r.chi2Fap < candidateFap).length;
      ctx.stderr.write(`owb variability: ${rows.length} objects, ${flagged} with chi2Fap < ${candidateFap}\n`);
      return 0;
    } finally {
      catalog.close();
    }
  },
};
