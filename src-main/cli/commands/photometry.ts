import { basename } from 'node:path';
import { buildBackgroundModel, createBackgroundEvaluator } from '../../../src-workers/core/background/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { detectSources } from '../../../src-workers/core/detect/index.js';
import {
  addPsfPhotometry,
  fitPsfPhotometry,
  fluxToMagnitude,
  forcedPhotometry,
} from '../../../src-workers/core/photometry/index.js';
import { readFrame } from '../../node/detect/read-frame.js';
import { frameWcs, noSkyReason, positionColumns, readNumericCsv } from '../../node/detect/calibration.js';
import { catalogFormat, writeColumns } from '../../node/detect/write-catalog.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, pairOption, parseCommandArgs, type CliCommand } from '../command.js';
import { describeDryRun, rasterTransferOption } from './measure-options.js';

export const command: CliCommand = {
  name: 'photometry',
  summary: 'forced aperture photometry at given positions (exact pixel overlap, annulus background)',
  usage: `
Usage: owb photometry FILE (--xy X,Y ... | --positions POS.csv) --out CAT.(csv|json|fits) [options]

Circular apertures with exact pixel-overlap weights (as photutils' method='exact'), local background
from a sigma-clipped annulus median (or the frame's background map), errors from background noise and
Poisson noise (gain). Positions are 0-based pixel centres; POS.csv has columns x,y (or ra,dec with a WCS).
FILE is FITS or PNG/JPEG/TIFF (measured as its linear luminance, as in owb detect; row 0 at the bottom).

Options:
  --hdu N             HDU to read   [first image HDU]
  --xy X,Y            a position (repeatable)
  --positions FILE    CSV with x,y or ra,dec columns
  --r R               aperture radius, px   [5]
  --annulus RIN,ROUT  background annulus radii, px   [background map]
  --gain G            e-/ADU   [GAIN keyword]
  --zeropoint Z       add mag, mag_err: Z − 2.5 log10(flux / exptime)
  --exptime T         exposure, s   [EXPTIME keyword, else 1]
  --mag-system NAME   label of the magnitudes' system (MAGSYS / mag_system)   [instrumental]
  --raster-transfer T srgb | linear: how PNG/JPEG/TIFF values map to light   [srgb 8-bit, linear 16-bit]
  --dry-run           check the input, positions and options, say what would be done, write nothing
  --psf               also fit an ePSF built from the frame's isolated stars at each position
                      (adds flux_psf, flux_psf_err, psf_chi2)
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('photometry', argv, {
      hdu: { type: 'string' },
      xy: { type: 'string', multiple: true },
      positions: { type: 'string' },
      r: { type: 'string' },
      annulus: { type: 'string' },
      gain: { type: 'string' },
      zeropoint: { type: 'string' },
      exptime: { type: 'string' },
      psf: { type: 'boolean' },
      out: { type: 'string' },
      'mag-system': { type: 'string' },
      'raster-transfer': { type: 'string' },
      'dry-run': { type: 'boolean' },
    });
    const v = args.values;
    if (args.positionals.length !== 1) throw new UsageError('photometry: give exactly one input FILE');
    if (!v.out) throw new UsageError('photometry: --out CAT.(csv|json|fits) is required');
    if (!v.xy && !v.positions) throw new UsageError('photometry: give --xy X,Y or --positions FILE.csv');
    catalogFormat(v.out);
    const file = args.positionals[0];
    const radius = numberOption('r', v.r, 5);
    const annulus = pairOption('annulus', v.annulus);
    const hdu = v.hdu === undefined ? undefined : numberOption('hdu', v.hdu, 0);
    const transfer = rasterTransferOption(v['raster-transfer']);
    if (v['dry-run']) {
      for (const raw of v.xy ?? []) pairOption('xy', raw);
      if (v.positions) await readNumericCsv(v.positions);
      ctx.stdout.write(await describeDryRun(file, hdu, `measure ${radius} px apertures, write ${v.out}`));
      return 0;
    }
    const { image, header, rasterNote } = await readFrame(file, hdu, false, transfer);
    if (rasterNote) ctx.stderr.write(`owb: ${basename(file)}: measuring the ${rasterNote}\n`);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const raw of v.xy ?? []) {
      const p = pairOption('xy', raw)!;
      xs.push(p[0]);
      ys.push(p[1]);
    }
    if (v.positions) {
      const csv = await readNumericCsv(v.positions);
      const cx = csv.columns.get('x');
      const cy = csv.columns.get('y');
      if (cx && cy) {
        xs.push(...cx);
        ys.push(...cy);
      } else if (csv.columns.has('ra') && csv.columns.has('dec')) {
        const wcs = frameWcs(header, basename(file));
        if (!wcs)
          throw new InputError(
            'WCS_UNSUPPORTED',
            `${v.positions}: ra/dec positions but ${basename(file)} has no usable WCS (${noSkyReason(header)})`,
          );
        const p = wcs.skyToPixels(csv.columns.get('ra')!, csv.columns.get('dec')!);
        xs.push(...p.x);
        ys.push(...p.y);
      } else {
        throw new InputError('CSV_COLUMNS', `${v.positions}: needs columns x,y or ra,dec`);
      }
    }
    const gainRaw = v.gain !== undefined ? numberOption('gain', v.gain, 0) : header.getNumber('GAIN');
    const gain = gainRaw !== undefined && gainRaw > 0 ? gainRaw : undefined;
    const model = buildBackgroundModel(image);
    const background = annulus ? undefined : createBackgroundEvaluator(model);
    const res = forcedPhotometry(image, xs, ys, {
      radiusPx: radius,
      annulusPx: annulus,
      background,
      gainEPerAdu: gain,
    });
    const cols = positionColumns(header, res.x, res.y, basename(file), (m) => ctx.stderr.write(`owb: warning: ${m}\n`));
    cols.push(
      { name: 'flux', unit: 'adu', data: res.flux },
      { name: 'flux_err', unit: 'adu', data: res.fluxErr },
      { name: 'background', unit: 'adu', data: res.background },
      { name: 'area', unit: 'pix2', data: res.area },
    );
    if (v.zeropoint !== undefined) {
      const z = numberOption('zeropoint', v.zeropoint, 0);
      const exptimeRaw = v.exptime !== undefined ? numberOption('exptime', v.exptime, 1) : header.getNumber('EXPTIME');
      const t = exptimeRaw !== undefined && exptimeRaw > 0 ? exptimeRaw : 1;
      const mag = new Float64Array(res.count);
      const magErr = new Float64Array(res.count);
      for (let i = 0; i < res.count; i++)
        ({ mag: mag[i], magErr: magErr[i] } = fluxToMagnitude(res.flux[i], res.fluxErr[i], z, t));
      cols.push({ name: 'mag', unit: 'mag', data: mag }, { name: 'mag_err', unit: 'mag', data: magErr });
    }
    if (v.psf) {
      const detected = detectSources(image, { gainEPerAdu: gain, background: model });
      const built = addPsfPhotometry(image, detected, createBackgroundEvaluator(model), gain);
      if (!built.psf) throw new InputError('PSF_NO_STARS', `${basename(file)}: cannot build a PSF: ${built.reason}`);
      const evaluator = createBackgroundEvaluator(model);
      const rms = Float64Array.from(res.x, (x, i) => evaluator.at(x, res.y[i]).rms);
      const fwhm = built.fwhmPx ?? 3;
      const fit = fitPsfPhotometry(image, built.psf, res.x, res.y, res.background, {
        rmsAdu: rms,
        gainEPerAdu: gain,
        fitRadiusPx: Math.max(2.5, 1.3 * fwhm),
      });
      cols.push(
        { name: 'flux_psf', unit: 'adu', data: fit.flux },
        { name: 'flux_psf_err', unit: 'adu', data: fit.fluxErr },
        { name: 'psf_chi2', unit: '', data: fit.chi2 },
      );
      for (let i = 0; i < res.count; i++) res.flags[i] |= fit.flags[i];
    }
    cols.push({ name: 'flags', unit: '', data: res.flags });
    const meta: Record<string, string | number> = { APERRAD: radius, SOURCE: basename(file).slice(0, 68) };
    if (v.zeropoint !== undefined) meta.MAGSYS = v['mag-system'] ?? 'instrumental';
    await writeColumns(v.out, cols, res.count, meta);
    ctx.stdout.write(`${res.count} positions measured in ${basename(file)} → ${v.out}\n`);
  },
};
