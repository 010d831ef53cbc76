import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { writeFileAtomic } from '../../../src-workers/io/atomic-write.js';
import { UsageError } from '../cli-errors.js';
import { sqliteOption } from '../db-option.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import type { DifferenceRun } from '../../node/diff/run-difference.js';

const usage = `
Usage: owb diff SCIENCE --ref REFERENCE --out DIFF.fits [options]

Finds transients by image differencing: registers REFERENCE onto SCIENCE (stars, else phase correlation),
resamples it (Lanczos-3), matches the seeing with a Gaussian, fits the flux scale on common stars,
subtracts, and lists positive (new/brightening) and negative (fading) residuals.

  --ref FILE            reference frame (an earlier epoch or a stack)
  --out FILE            difference image (FITS, with the science frame's WCS)
  --aligned-ref FILE    also write the reference resampled onto the science grid
  --candidates FILE     candidate list, .csv or .json
  --regions FILE        DS9 regions (green: brighter, red: fainter)
  --thresh S            detection threshold on the difference, in sigma [5]
  --minarea N           minimum connected pixels [5]
  --gain G              gain in e-/ADU for the Poisson part of flux errors [none]
  --aligned             the frames are already on the same pixel grid: skip registration
  --db FILE             record candidates in the catalog for curation (science frame must be ingested)
  --hdu N               HDU of the science frame [first image]
`;

export const command: CliCommand = {
  name: 'diff',
  summary: 'find transients by differencing a frame against a reference',
  usage,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('diff', argv, {
      ref: { type: 'string' },
      out: { type: 'string' },
      'aligned-ref': { type: 'string' },
      candidates: { type: 'string' },
      regions: { type: 'string' },
      thresh: { type: 'string' },
      minarea: { type: 'string' },
      gain: { type: 'string' },
      aligned: { type: 'boolean' },
      db: { type: 'string' },
      hdu: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('diff: give exactly one science frame');
    if (!values.ref) throw new UsageError('diff: --ref REFERENCE is required');
    if (!values.out) throw new UsageError('diff: --out DIFF.fits is required');
    if (values.candidates && !['.csv', '.json'].includes(extname(values.candidates).toLowerCase())) {
      throw new UsageError(`--candidates must end in .csv or .json, got '${values.candidates}'`);
    }
    for (const file of [positionals[0], values.ref])
      if (!existsSync(file)) throw new UsageError(`diff: ${file}: no such file`);
    // Only an explicit --db records candidates (OWB_DB alone must not add rows to a catalog as a side effect).
    const db = values.db === undefined ? undefined : sqliteOption('diff', values.db);
    const { runDifference } = await import('../../node/diff/run-difference.js');
    const { WorkerPool } = await import('../../node/pool/worker-pool.js');
    const pool = new WorkerPool({ threads: 1 });
    let run: DifferenceRun;
    try {
      run = await runDifference(pool, {
        sciencePath: positionals[0],
        referencePath: values.ref,
        differencePath: values.out,
        alignedReferencePath: values['aligned-ref'],
        threshSigma: numberOption('thresh', values.thresh, 5),
        minAreaPx: numberOption('minarea', values.minarea, 5),
        gainEPerAdu: values.gain === undefined ? undefined : numberOption('gain', values.gain, 1),
        assumeAligned: values.aligned,
        hdu: values.hdu === undefined ? undefined : numberOption('hdu', values.hdu, 0),
      });
    } finally {
      await pool.destroy();
    }
    if (values.candidates)
      await writeFileAtomic(values.candidates, formatCandidates(run, extname(values.candidates).toLowerCase()));
    if (values.regions) await writeFileAtomic(values.regions, formatRegions(run));
    let recorded = '';
    if (db) {
      const { Catalog } = await import('../../node/catalog/index.js');
      const { recordTransientCandidates } = await import('../../node/diff/record-candidates.js');
      const catalog = Catalog.open(db);
      try {
        const { added, frameId } = await recordTransientCandidates(catalog, run);
        recorded = added
          ? `; ${added} recorded as candidates of frame ${frameId}`
          : `; already recorded for frame ${frameId}`;
      } finally {
        catalog.close();
      }
    }
    const r = run;
    const brighter = run.candidates.filter((c) => c.sign > 0).length;
    ctx.stdout.write(
      `${run.candidates.length} candidates (${brighter} brighter, ${run.candidates.length - brighter} fainter) above ` +
        `${numberOption('thresh', values.thresh, 5)} sigma${recorded}\n` +
        `registered by ${run.registration.method} on ${run.registration.matched} stars (rms ${run.registration.rmsPx.toFixed(3)} px); ` +
        `seeing ${r.scienceFwhmPx.toFixed(2)} vs ${r.referenceFwhmPx.toFixed(2)} px; flux scale ${r.fluxScale.toFixed(3)}; ` +
        `aperture noise ${r.apertureNoise.toFixed(1)} ADU\n`,
    );
    for (const c of run.candidates.slice(0, 10)) {
      ctx.stdout.write(
        `  ${c.sign > 0 ? '+' : '-'} x=${c.x.toFixed(2)} y=${c.y.toFixed(2)}` +
          (c.ra !== undefined ? ` ra=${c.ra.toFixed(6)} dec=${c.dec!.toFixed(6)}` : '') +
          ` flux=${c.flux.toFixed(1)}±${c.fluxErr.toFixed(1)} snr=${c.snr.toFixed(1)}${c.dipole ? ' dipole' : ''}\n`,
      );
    }
    return 0;
  },
};

const COLUMNS = [
  'id',
  'x',
  'y',
  'ra',
  'dec',
  'sign',
  'flux',
  'flux_err',
  'snr',
  'fwhm',
  'reference_flux',
  'dipole',
  'flags',
] as const;

function formatCandidates(run: DifferenceRun, ext: string): string {
  const rows = run.candidates.map((c, i) => ({
    id: i + 1,
    x: c.x,
    y: c.y,
    ra: c.ra ?? null,
    dec: c.dec ?? null,
    sign: c.sign,
    flux: c.flux,
    flux_err: c.fluxErr,
    snr: c.snr,
    fwhm: c.fwhm,
    reference_flux: c.referenceFlux,
    dipole: c.dipole ? 1 : 0,
    flags: c.flags,
  }));
  if (ext === '.json')
    return `${JSON.stringify({ science: run.sciencePath, reference: run.referencePath, candidates: rows }, null, 1)}\n`;
  const lines = rows.map((r) => COLUMNS.map((k) => (r[k] === null ? '' : String(r[k]))).join(','));
  return `${COLUMNS.join(',')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

function formatRegions(run: DifferenceRun): string {
  const radius = run.apertureRadiusPx;
  const lines = ['# Region file format: DS9 version 4.1', 'global width=1 font="helvetica 9 normal roman"', 'image'];
  for (const c of run.candidates) {
    // DS9 image coordinates are 1-based.
    lines.push(
      `circle(${(c.x + 1).toFixed(3)},${(c.y + 1).toFixed(3)},${radius.toFixed(2)}) # color=${c.sign > 0 ? 'green' : 'red'} text={${c.snr.toFixed(1)}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
