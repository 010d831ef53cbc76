/** `owb detect --method dao`: DAOFIND on the background-subtracted frame, written as DAOStarFinder's table. */
import { basename } from 'node:path';
import { createBackgroundEvaluator, estimateBackground } from '../../../src-workers/core/background/index.js';
import { daoFind, type DaoCatalog } from '../../../src-workers/core/detect/index.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import type { Image } from '../../../src-workers/core/image/index.js';
import { forcedPhotometry } from '../../../src-workers/core/photometry/index.js';
import { positionColumns } from '../../node/detect/calibration.js';
import { writeColumns } from '../../node/detect/write-catalog.js';

/** Settings of a DAOFIND run from the command line. */
export interface DaoRunSettings {
  /** Threshold in units of the frame's global background RMS. */
  threshSigma: number;
  fwhmPx: number;
  backSizePx: number;
  backFilter: number;
  maxSources?: number;
  magSystem?: string;
  /** Also measure flux_aper, flux_aper_err in circles of this radius (exact overlap), px [none]. */
  apertureRadiusPx?: number;
  /** Local background annulus for flux_aper, px [the background map]. */
  annulusPx?: [number, number];
  gainEPerAdu?: number;
  /** Hears why the table has no ra/dec (the header has no usable WCS) [silent]. */
  warn?: (message: string) => void;
}

/**
 * Subtracts the SExtractor-style background map, runs DAOFIND with threshold `threshSigma` × the global
 * RMS, and writes id, x, y, sharpness, roundness1, roundness2, npix, sky, peak, flux, mag (and ra, dec
 * with a WCS), and with `apertureRadiusPx` the aperture flux_aper, flux_aper_err (ADU) as photutils'
 * aperture_photometry after DAOStarFinder. Returns the catalog and the threshold used, in ADU.
 */
export async function runDaoDetect(
  file: string,
  out: string,
  image: Image,
  header: FitsHeader,
  s: DaoRunSettings,
): Promise<{ catalog: DaoCatalog; thresholdAdu: number }> {
  const bkg = estimateBackground(image, { meshSizePx: s.backSizePx, filterSize: s.backFilter });
  const data = Float32Array.from(image.data, (v, i) => v - bkg.background.data[i]);
  const thresholdAdu = s.threshSigma * bkg.globalRms;
  const catalog = daoFind(
    { width: image.width, height: image.height, data },
    { threshold: thresholdAdu, fwhmPx: s.fwhmPx, brightest: s.maxSources },
  );
  const cols = positionColumns(header, catalog.x, catalog.y, basename(file), s.warn);
  cols.push(
    { name: 'sharpness', unit: '', data: catalog.sharpness },
    { name: 'roundness1', unit: '', data: catalog.roundness1 },
    { name: 'roundness2', unit: '', data: catalog.roundness2 },
    { name: 'npix', unit: 'pix', data: catalog.npix },
    { name: 'sky', unit: 'adu', data: catalog.sky },
    { name: 'peak', unit: 'adu', data: catalog.peak },
    { name: 'flux', unit: '', data: catalog.flux },
    { name: 'mag', unit: 'mag', data: catalog.mag },
  );
  if (s.apertureRadiusPx !== undefined) {
    const phot = forcedPhotometry(image, catalog.x, catalog.y, {
      radiusPx: s.apertureRadiusPx,
      annulusPx: s.annulusPx,
      background: createBackgroundEvaluator(bkg.model),
      gainEPerAdu: s.gainEPerAdu,
    });
    cols.push(
      { name: 'flux_aper', unit: 'adu', data: phot.flux },
      { name: 'flux_aper_err', unit: 'adu', data: phot.fluxErr },
      { name: 'flags', unit: '', data: phot.flags },
    );
  }
  await writeColumns(out, cols, catalog.count, {
    SOURCE: basename(file).slice(0, 68),
    DETECT: 'DAOFIND',
    THRESH: thresholdAdu,
    FWHM: s.fwhmPx,
    // DAOFIND's flux is in units of the threshold, so its magnitudes are instrumental by construction.
    MAGSYS: s.magSystem ?? 'instrumental',
  });
  return { catalog, thresholdAdu };
}
