import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseConvKernel } from '../../../src-workers/core/detect/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { detectFrame } from '../../node/detect/detect-frame.js';
import { readFrame } from '../../node/detect/read-frame.js';
import { addSkyPositions, frameWcs, zeroPointFromReference } from '../../node/detect/calibration.js';
import { catalogFormat, writeCatalog, writeRegions } from '../../node/detect/write-catalog.js';
import { addMagnitudes } from '../../../src-workers/core/photometry/index.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, pairOption, parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';

export const command: CliCommand = {
  name: 'detect',
  summary: 'detect and measure sources (SExtractor-class) and write a catalog',
  usage: `
Usage: owb detect FILE --out CAT.(csv|json|fits) [options]

Background mesh model, Gaussian matched filter, threshold in RMS units, 8-connected labelling,
multi-threshold deblending; windowed centroids, moments, Kron/AUTO and aperture fluxes, flags.
x, y are 0-based pixel centres (FITS output also has 1-based X_IMAGE, Y_IMAGE).

Options:
  --hdu N               HDU to read   [first image HDU]
  --out CAT             catalog: .csv, .json or .fits (BINTABLE)
  --regions REG         also write a DS9 region file
  --thresh S            detection threshold in sigma   [1.5]
  --minarea N           minimum pixels above threshold   [5]
  --filter-fwhm F       matched-filter Gaussian FWHM, px   [3]
  --filter-kernel FILE  matched-filter kernel from a SExtractor .conv file (CONV NORM|NONORM)
  --deblend-nthresh N   deblending levels   [32]
  --deblend-cont C      deblending minimum contrast   [0.005]
  --back-size N         background mesh, px   [64]
  --back-filter N       background median filter, meshes   [3]
  --phot-r R            aperture radius for flux, px   [2 × median FWHM]
  --annulus RIN,ROUT    local background annulus for flux, px   [background map]
  --saturation S        saturation level, ADU   [SATURATE keyword]
  --mask BPM.fits       bad-pixel map (non-zero or NaN = bad), same size as the frame
  --gain G              e-/ADU for Poisson errors   [GAIN keyword]
  --zeropoint Z|REF.csv add mag, mag_err: Z − 2.5 log10(flux / exptime); a CSV of ra,dec,mag
                        fits Z from reference stars matched through the WCS (3σ clipping)
  --exptime T           exposure, s   [EXPTIME keyword, else 1]
  --psf                 PSF photometry: ePSF from isolated bright stars, grouped fits;
                        adds flux_psf, flux_psf_err, psf_chi2
  --workers N           worker threads (strips of the frame; same catalog for any N; frames under
                        8 Mpx stay in one thread, where start-up would cost more)   [1]
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('detect', argv, {
      hdu: { type: 'string' },
      out: { type: 'string' },
      regions: { type: 'string' },
      thresh: { type: 'string' },
      minarea: { type: 'string' },
      'filter-fwhm': { type: 'string' },
      'filter-kernel': { type: 'string' },
      'deblend-nthresh': { type: 'string' },
      'deblend-cont': { type: 'string' },
      'back-size': { type: 'string' },
      'back-filter': { type: 'string' },
      'phot-r': { type: 'string' },
      annulus: { type: 'string' },
      saturation: { type: 'string' },
      gain: { type: 'string' },
      zeropoint: { type: 'string' },
      exptime: { type: 'string' },
      psf: { type: 'boolean' },
      workers: { type: 'string' },
      mask: { type: 'string' },
    });
    const v = args.values;
    if (args.positionals.length !== 1) throw new UsageError('detect: give exactly one input FILE');
    if (!v.out) throw new UsageError('detect: --out CAT.(csv|json|fits) is required');
    catalogFormat(v.out);
    const file = args.positionals[0];
    const hdu = v.hdu === undefined ? undefined : numberOption('hdu', v.hdu, 0);
    const workers = numberOption('workers', v.workers, 1);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256)
      throw new UsageError(`--workers must be an integer in [1, 256], got '${v.workers}'`);
    const { image, header } = await readFrame(file, hdu, workers > 1);
    const gain =
      v.gain !== undefined
        ? numberOption('gain', v.gain, 0)
        : positiveOrUndefined(header.getNumber('GAIN') ?? header.getNumber('EGAIN'));
    const saturation =
      v.saturation !== undefined
        ? numberOption('saturation', v.saturation, 0)
        : positiveOrUndefined(header.getNumber('SATURATE'));
    const zeroPointRef = v.zeropoint !== undefined && !Number.isFinite(Number(v.zeropoint)) ? v.zeropoint : undefined;
    const zeroPoint = v.zeropoint === undefined || zeroPointRef ? undefined : numberOption('zeropoint', v.zeropoint, 0);
    const exptime =
      v.exptime !== undefined
        ? numberOption('exptime', v.exptime, 1)
        : positiveOrUndefined(header.getNumber('EXPTIME') ?? header.getNumber('EXPOSURE'));
    const annulus = pairOption('annulus', v.annulus);
    let mask: Uint8Array | undefined;
    if (v.mask) {
      const bpm = (await readFitsImage(v.mask)).image;
      if (bpm.width !== image.width || bpm.height !== image.height) {
        throw new InputError(
          'BAD_MASK',
          `${v.mask}: mask is ${bpm.width}×${bpm.height}, ${basename(file)} is ${image.width}×${image.height}`,
        );
      }
      mask = new Uint8Array(bpm.data.length);
      for (let i = 0; i < mask.length; i++) mask[i] = bpm.data[i] !== 0 || Number.isNaN(bpm.data[i]) ? 1 : 0;
    }
    const progress = createProgress(ctx.stderr, ctx.interactive, `detect ${basename(file)}`);
    const { catalog, psfStars, psfNote } = await detectFrame(image, {
      threshSigma: numberOption('thresh', v.thresh, 1.5),
      minAreaPx: numberOption('minarea', v.minarea, 5),
      filterFwhmPx: numberOption('filter-fwhm', v['filter-fwhm'], 3),
      filterKernel: v['filter-kernel']
        ? parseConvKernel(await readFile(v['filter-kernel'], 'utf8'), basename(v['filter-kernel']))
        : undefined,
      deblendNthresh: numberOption('deblend-nthresh', v['deblend-nthresh'], 32),
      deblendCont: numberOption('deblend-cont', v['deblend-cont'], 0.005),
      backSizePx: numberOption('back-size', v['back-size'], 64),
      backFilter: numberOption('back-filter', v['back-filter'], 3),
      apertureRadiusPx: v['phot-r'] === undefined ? undefined : numberOption('phot-r', v['phot-r'], 0),
      annulusPx: annulus,
      saturationLevel: saturation,
      mask,
      gainEPerAdu: gain,
      zeroPointMag: zeroPoint,
      exposureSec: exptime,
      workers,
      psf: v.psf,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    const wcs = frameWcs(header, basename(file), (m) => ctx.stderr.write(`owb: warning: ${m}\n`));
    if (wcs) addSkyPositions(catalog, wcs);
    if (zeroPointRef) {
      const fit = await zeroPointFromReference(catalog, wcs, zeroPointRef, exptime ?? 1);
      addMagnitudes(catalog, fit.zeroPointMag, exptime ?? 1);
      ctx.stdout.write(
        `zero point ${fit.zeroPointMag.toFixed(4)} ± ${fit.zeroPointErrMag.toFixed(4)} mag from ${fit.used} stars ` +
          `(${fit.rejected} rejected, rms ${fit.rmsMag.toFixed(3)})\n`,
      );
    }
    await writeCatalog(v.out, catalog, { SOURCE: basename(file).slice(0, 68) });
    if (v.regions) await writeRegions(v.regions, catalog);
    const psfText = v.psf ? (psfNote ? ` (no PSF: ${psfNote})` : ` (PSF from ${psfStars} stars)`) : '';
    ctx.stdout.write(`${catalog.count} sources in ${basename(file)} → ${v.out}${psfText}\n`);
  },
};

function positiveOrUndefined(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}
