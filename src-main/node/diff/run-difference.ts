import { basename } from 'node:path';
import { differenceImages, type DifferenceOptions, type DifferenceResult, type TransientCandidate } from '../../../src-workers/core/diff/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import { findStars, registerFrame, resampleAffine, summariseAffine, type Affine } from '../../../src-workers/core/register/index.js';
import { parseTanWcs } from '../../../src-workers/core/wcs/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';

export interface DifferenceRun {
  sciencePath: string;
  referencePath: string;
  differencePath: string;
  /** Where the reference resampled onto the science grid was written (for stamps), if asked. */
  alignedReferencePath?: string;
  result: DifferenceResult;
  /** Science-pixel → reference-pixel transform used to align the reference. */
  transform: Affine;
  registration: { method: string; matched: number; rmsPx: number };
  /** Candidates with sky positions when the science frame has a TAN WCS. */
  candidates: Array<TransientCandidate & { ra?: number; dec?: number }>;
}

export interface DifferenceRunOptions extends DifferenceOptions {
  hdu?: number;
  referenceHdu?: number;
  alignedReferencePath?: string;
  /** Skip registration: the frames are already on the same grid. */
  assumeAligned?: boolean;
}

/**
 * Reads a science frame and a reference, registers the reference onto the science grid (stars, else
 * phase correlation), resamples it with Lanczos-3, runs `differenceImages`, and writes the difference
 * image with the science frame's WCS and a HISTORY of what was done. Throws `InputError` naming the
 * file when a frame cannot be read or registered.
 */
export async function runDifference(
  sciencePath: string,
  referencePath: string,
  differencePath: string,
  options: DifferenceRunOptions = {},
): Promise<DifferenceRun> {
  const science = await readFitsImage(sciencePath, { hdu: options.hdu });
  const reference = await readFitsImage(referencePath, { hdu: options.referenceHdu });
  let transform: Affine = { a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 };
  let registration = { method: 'none', matched: 0, rmsPx: 0 };
  let aligned = reference.image;
  if (!options.assumeAligned) {
    if (science.image.width !== reference.image.width || science.image.height !== reference.image.height) {
      throw new InputError(
        'SIZE_MISMATCH',
        `${basename(referencePath)} is ${reference.image.width}×${reference.image.height} but ${basename(sciencePath)} is ${science.image.width}×${science.image.height}`,
      );
    }
    const reg = registerFrame(
      { image: science.image, stars: findStars(science.image) },
      { image: reference.image, stars: findStars(reference.image) },
    );
    if (!reg.ok) throw new InputError('REGISTRATION_FAILED', `${basename(referencePath)} cannot be registered onto ${basename(sciencePath)}: ${reg.reason}`);
    transform = reg.transform;
    registration = { method: reg.method, matched: reg.matched, rmsPx: reg.rmsPx };
    aligned = resampleAffine(reference.image, transform, { method: 'lanczos3' });
  }
  const result = differenceImages(science.image, aligned, options);
  const wcs = parseTanWcs(science.header);
  const candidates = result.candidates.map((c) => {
    if (!('wcs' in wcs)) return c;
    const [ra, dec] = wcs.wcs.pixelToSky(c.x, c.y);
    return { ...c, ra, dec };
  });
  const summary = summariseAffine(transform);
  const history = [
    `owb diff: science ${basename(sciencePath)} minus reference ${basename(referencePath)}`,
    `reference registered by ${registration.method} (${registration.matched} stars, rms ${registration.rmsPx.toFixed(3)} px),`,
    `shift ${summary.dx.toFixed(2)},${summary.dy.toFixed(2)} px, rotation ${summary.rotationDeg.toFixed(3)} deg, Lanczos-3`,
    `seeing ${result.scienceFwhmPx.toFixed(2)} px (science) vs ${result.referenceFwhmPx.toFixed(2)} px (reference);`,
    `${result.blurred} blurred by sigma ${result.blurSigmaPx.toFixed(3)} px; flux scale ${result.fluxScale.toFixed(4)}`,
  ];
  await writeFitsImage(differencePath, result.difference, {
    header: { ...wcsCards(science.header), DIFFRMS: round(result.differenceRms), FLXSCALE: round(result.fluxScale), NCANDID: candidates.length },
    history,
  });
  if (options.alignedReferencePath) {
    await writeFitsImage(options.alignedReferencePath, aligned, {
      header: wcsCards(science.header),
      history: [`owb diff: ${basename(referencePath)} resampled onto the grid of ${basename(sciencePath)} (Lanczos-3)`],
    });
  }
  return {
    sciencePath,
    referencePath,
    differencePath,
    alignedReferencePath: options.alignedReferencePath,
    result,
    transform,
    registration,
    candidates,
  };
}

const WCS_KEYS = ['CTYPE1', 'CTYPE2', 'CRPIX1', 'CRPIX2', 'CRVAL1', 'CRVAL2', 'CD1_1', 'CD1_2', 'CD2_1', 'CD2_2', 'CDELT1', 'CDELT2', 'CROTA2', 'PC1_1', 'PC1_2', 'PC2_1', 'PC2_2', 'RADESYS', 'EQUINOX', 'DATE-OBS', 'EXPTIME', 'FILTER'];

function wcsCards(header: FitsHeader): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const key of WCS_KEYS) {
    const value = header.get(key);
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(8)) : 0;
}
