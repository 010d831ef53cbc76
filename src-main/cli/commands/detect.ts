import { availableParallelism } from 'node:os';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseConvKernel } from '../../../src-workers/core/detect/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import { readFitsImage } from '../../../src-workers/io/fits-file.js';
import { StageProfiler } from '../../node/profile.js';
import { detectFrame, startDetectPool } from '../../node/detect/detect-frame.js';
import { readFrame } from '../../node/detect/read-frame.js';
import { addSkyPositions, frameWcs, zeroPointFromReference } from '../../node/detect/calibration.js';
import { catalogFormat, writeCatalog, writeRegions } from '../../node/detect/write-catalog.js';
import { addMagnitudes } from '../../../src-workers/core/photometry/index.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, pairOption, parseCommandArgs, type CliCommand } from '../command.js';
import { createProgress } from '../progress.js';
import { brightest, describeDryRun, maxSourcesOption, rasterTransferOption } from './measure-options.js';

export const command: CliCommand = {
  name: 'detect',
  summary: 'detect and measure sources (SExtractor-class) and write a catalog',
  usage: `
Usage: owb detect FILE --out CAT.(csv|json|fits) [options]

Background mesh model, Gaussian matched filter, threshold in RMS units, 8-connected labelling,
multi-threshold deblending; windowed centroids, moments, Kron/AUTO and aperture fluxes, flags.
x, y are 0-based pixel centres (FITS output also has 1-based X_IMAGE, Y_IMAGE).
FILE is FITS (plain, gzip, tile-compressed) or PNG/JPEG/TIFF: a raster is measured as its linear
luminance (sRGB-decoded for 8-bit, taken as linear for 16-bit, see --raster-transfer; Rec. 709 weights
for colour), row 0 at the bottom as in FITS.

Options:
  --hdu N               HDU to read   [first image HDU]
  --out CAT             catalog: .csv, .json or .fits (BINTABLE)
  --regions REG         also write a DS9 region file
  --thresh S            detection threshold in sigma   [1.5]
  --thresh-rms global|map  sigma of the threshold: the frame's global background RMS (SExtractor
                        without a weight map) or the background mesh RMS map   [global]
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
  --mask-region REG     DS9 or CRTF region file: pixels inside its regions (less its '-' regions) are
                        masked; sky regions go through the frame's WCS
  --gain G              e-/ADU for Poisson errors   [GAIN keyword]
  --zeropoint Z|REF.csv add mag, mag_err: Z − 2.5 log10(flux / exptime); a CSV of ra,dec,mag
                        fits Z from reference stars matched through the WCS (3σ clipping)
  --exptime T           exposure, s   [EXPTIME keyword, else 1]
  --psf                 PSF photometry: ePSF from isolated bright stars, grouped fits;
                        adds flux_psf, flux_psf_err, psf_chi2
  --method M            sextractor | dao: DAOFIND (photutils DAOStarFinder's definitions) on the
                        background-subtracted frame, threshold --thresh × global RMS [5 for dao],
                        kernel FWHM --filter-fwhm; writes sharpness, roundness1, roundness2, peak,
                        flux (in threshold units) and mag; with --phot-r also flux_aper,
                        flux_aper_err (--annulus or the background map)   [sextractor]
  --max-sources N       keep the N sources of largest flux (in detection order)   [all]
  --mag-system NAME     label of the magnitudes' system (MAGSYS / mag_system)
                        [instrumental for a numeric --zeropoint, catalog:REF.csv for a fitted one]
  --raster-transfer T   srgb | linear: how PNG/JPEG/TIFF values map to light   [srgb 8-bit, linear 16-bit]
  --bundle ZIP          also write a ZIP: the catalog, an aperture preview per source, radial
                        profile and curve-of-growth plots (PNG) and their numbers (CSV)
  --bundle-sources N    sources in the bundle, the brightest   [10]
  --dry-run             check the input and options, say what would be done, write nothing
  --workers N           worker threads (strips of the frame; same catalog for any N; frames under
                        8 Mpx stay in one thread, where start-up would cost more)   [all cores]
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('detect', argv, {
      hdu: { type: 'string' },
      out: { type: 'string' },
      regions: { type: 'string' },
      thresh: { type: 'string' },
      'thresh-rms': { type: 'string' },
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
      'mask-region': { type: 'string' },
      'max-sources': { type: 'string' },
      'mag-system': { type: 'string' },
      'raster-transfer': { type: 'string' },
      'dry-run': { type: 'boolean' },
      method: { type: 'string' },
      bundle: { type: 'string' },
      'bundle-sources': { type: 'string' },
    });
    const v = args.values;
    if (args.positionals.length !== 1) throw new UsageError('detect: give exactly one input FILE');
    if (!v.out) throw new UsageError('detect: --out CAT.(csv|json|fits) is required');
    catalogFormat(v.out);
    const file = args.positionals[0];
    const hdu = v.hdu === undefined ? undefined : numberOption('hdu', v.hdu, 0);
    const workers = numberOption('workers', v.workers, availableParallelism());
    if (!Number.isInteger(workers) || workers < 1 || workers > 256)
      throw new UsageError(`--workers must be an integer in [1, 256], got '${v.workers}'`);
    const maxSources = maxSourcesOption(v['max-sources']);
    const annulus = pairOption('annulus', v.annulus);
    const transfer = rasterTransferOption(v['raster-transfer']);
    const bundleSources = maxSourcesOption(v['bundle-sources'], 'bundle-sources') ?? 10;
    if (v.bundle && !v.bundle.toLowerCase().endsWith('.zip'))
      throw new UsageError(`--bundle must name a .zip file, got '${v.bundle}'`);
    const method = (v.method ?? 'sextractor').toLowerCase();
    if (method !== 'sextractor' && method !== 'dao')
      throw new UsageError(`--method must be sextractor or dao, got '${v.method}'`);
    if (v['dry-run']) {
      ctx.stdout.write(await describeDryRun(file, hdu, `detect sources (${method}), write ${v.out}`));
      return 0;
    }
    const profile = new StageProfiler();
    // A large frame's worker threads boot while it is read.
    const warmPool = method === 'sextractor' ? startDetectPool(await fileBytes(file), workers) : undefined;
    const { image, header, rasterNote } = await profile
      .time('read', () => readFrame(file, hdu, workers > 1, transfer))
      .catch(async (e: unknown) => {
        await warmPool?.destroy();
        throw e;
      });
    const bundle = async (
      zip: string,
      catalogPath: string,
      sources: Array<{ id: number; x: number; y: number; flux: number }>,
      fwhmPx: number | undefined,
      apertureRadiusPx: number,
    ): Promise<void> => {
      const { writeBundle } = await import('../../node/export/bundle.js');
      const r = await writeBundle(zip, {
        image,
        imageName: basename(file),
        catalogPath,
        sources,
        maxSources: bundleSources,
        apertureRadiusPx,
        annulusPx: annulus,
        fwhmPx,
        manifest: { tool: 'owb detect', method },
      });
      ctx.stdout.write(`bundle → ${zip}: ${r.files.length} files, ${r.shown.length} sources\n`);
    };
    if (rasterNote) ctx.stderr.write(`owb: ${basename(file)}: measuring the ${rasterNote}\n`);
    const gain =
      v.gain !== undefined
        ? numberOption('gain', v.gain, 0)
        : positiveOrUndefined(header.getNumber('GAIN') ?? header.getNumber('EGAIN'));
    if (method === 'dao' && v['mask-region']) throw new UsageError('--mask-region works with --method sextractor');
    if (method === 'dao') {
      const { runDaoDetect } = await import('./detect-dao.js');
      const { catalog, thresholdAdu } = await runDaoDetect(file, v.out, image, header, {
        threshSigma: numberOption('thresh', v.thresh, 5),
        fwhmPx: numberOption('filter-fwhm', v['filter-fwhm'], 3),
        backSizePx: numberOption('back-size', v['back-size'], 64),
        backFilter: numberOption('back-filter', v['back-filter'], 3),
        maxSources,
        magSystem: v['mag-system'],
        apertureRadiusPx: v['phot-r'] === undefined ? undefined : numberOption('phot-r', v['phot-r'], 0),
        annulusPx: annulus,
        gainEPerAdu: gain,
        warn: (m) => ctx.stderr.write(`owb: warning: ${m}\n`),
      });
      ctx.stdout.write(
        `${catalog.count} sources (DAOFIND, threshold ${thresholdAdu.toPrecision(4)} ADU) in ${basename(file)} → ${v.out}\n`,
      );
      if (v.bundle) {
        const fwhm = numberOption('filter-fwhm', v['filter-fwhm'], 3);
        const sources = Array.from(catalog.x, (x, i) => ({ id: i + 1, x, y: catalog.y[i], flux: catalog.flux[i] }));
        await bundle(v.bundle, v.out, sources, fwhm, v['phot-r'] ? numberOption('phot-r', v['phot-r'], 0) : 2 * fwhm);
      }
      return 0;
    }
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
    if (v['mask-region']) {
      const { regionMask } = await import('../../node/catalog/regions/mask.js');
      const masked = await regionMask(v['mask-region'], image.width, image.height, header, mask);
      mask = masked.mask;
      ctx.stderr.write(`owb: ${v['mask-region']}: ${masked.maskedPx} pixels masked\n`);
    }
    const progress = createProgress(ctx.stderr, ctx.interactive, `detect ${basename(file)}`);
    const { catalog, psfStars, psfNote } = await detectFrame(image, {
      threshSigma: numberOption('thresh', v.thresh, 1.5),
      threshRms: threshRmsOption(v['thresh-rms']),
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
      warmPool,
      psf: v.psf,
      onProgress: (done, total) => progress.update(done, total),
      profile,
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
    const kept = maxSources !== undefined ? brightest(catalog, maxSources) : catalog;
    const meta: Record<string, string | number> = { SOURCE: basename(file).slice(0, 68) };
    if (kept.mag)
      meta.MAGSYS = v['mag-system'] ?? (zeroPointRef ? `catalog:${basename(zeroPointRef)}` : 'instrumental');
    await profile.time('write catalog', () => writeCatalog(v.out!, kept, meta));
    if (v.regions) await writeRegions(v.regions, kept);
    const psfText = v.psf ? (psfNote ? ` (no PSF: ${psfNote})` : ` (PSF from ${psfStars} stars)`) : '';
    if (v.bundle) {
      const fwhms = Array.from(kept.fwhm)
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      const sources = Array.from(kept.x, (x, i) => ({ id: i + 1, x, y: kept.y[i], flux: kept.fluxAuto[i] }));
      await bundle(v.bundle, v.out, sources, fwhms[fwhms.length >> 1], kept.apertureRadiusPx);
    }
    const cut = kept.count < catalog.count ? ` (the ${kept.count} brightest of ${catalog.count})` : '';
    ctx.stdout.write(`${kept.count} sources in ${basename(file)} → ${v.out}${psfText}${cut}\n`);
    ctx.stderr.write(profile.format(`detect ${basename(file)} (${workers} workers)`));
  },
};

function positiveOrUndefined(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

function threshRmsOption(value: string | undefined): 'global' | 'map' {
  if (value === undefined || value === 'global' || value === 'map') return value ?? 'global';
  throw new UsageError(`--thresh-rms must be 'global' or 'map', got '${value}'`);
}

/** The file's size in bytes, 0 when it cannot be read (the read then reports the problem). */
async function fileBytes(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}
