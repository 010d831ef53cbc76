import { basename } from 'node:path';
import type { DifferenceTaskInput, DifferenceTaskOutput } from '../../src-main/common/tasks/difference.js';
import type { Result } from '../../src-main/common/result.js';
import { differenceImages } from '../core/diff/index.js';
import { InputError } from '../core/errors.js';
import type { FitsHeader } from '../core/fits/index.js';
import { findStars, registerFrame, resampleAffine, summariseAffine, type Affine } from '../core/register/index.js';
import { parseCelestialWcs } from '../core/wcs/index.js';
import { readFitsImage, writeFitsImage } from '../io/fits-file.js';

/**
 * Differences a science frame against a reference: registers the reference onto the science grid (stars,
 * else phase correlation), resamples it with Lanczos-3, runs `differenceImages`, writes the difference
 * image (science WCS, HISTORY of what was done) and optionally the aligned reference.
 */
export default async function difference(input: DifferenceTaskInput): Promise<Result<DifferenceTaskOutput>> {
  try {
    return { ok: true, value: await run(input) };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return {
      ok: false,
      error: {
        code: typeof e.code === 'string' ? e.code : 'DIFFERENCE_FAILED',
        message: typeof e.message === 'string' ? e.message : String(error),
      },
    };
  }
}

async function run(input: DifferenceTaskInput): Promise<DifferenceTaskOutput> {
  const science = await readFitsImage(input.sciencePath, { hdu: input.hdu });
  const reference = await readFitsImage(input.referencePath, { hdu: input.referenceHdu });
  const scienceName = basename(input.sciencePath);
  const referenceName = basename(input.referencePath);
  let transform: Affine = { a: 1, b: 0, tx: 0, c: 0, d: 1, ty: 0 };
  let registration = { method: 'none', matched: 0, rmsPx: 0 };
  let aligned = reference.image;
  if (!input.assumeAligned) {
    if (science.image.width !== reference.image.width || science.image.height !== reference.image.height) {
      throw new InputError(
        'SIZE_MISMATCH',
        `${referenceName} is ${reference.image.width}×${reference.image.height} but ${scienceName} is ${science.image.width}×${science.image.height}`,
      );
    }
    const reg = registerFrame(
      { image: science.image, stars: findStars(science.image) },
      { image: reference.image, stars: findStars(reference.image) },
    );
    if (!reg.ok)
      throw new InputError(
        'REGISTRATION_FAILED',
        `${referenceName} cannot be registered onto ${scienceName}: ${reg.reason}`,
      );
    transform = reg.transform;
    registration = { method: reg.method, matched: reg.matched, rmsPx: reg.rmsPx };
    aligned = resampleAffine(reference.image, transform, { method: 'lanczos3' });
  }
  const result = differenceImages(science.image, aligned, {
    threshSigma: input.threshSigma,
    minAreaPx: input.minAreaPx,
    gainEPerAdu: input.gainEPerAdu,
  });
  const wcs = parseCelestialWcs(science.header);
  const candidates = result.candidates.map((c) => {
    if (!('wcs' in wcs)) return { ...c };
    const [ra, dec] = wcs.wcs.pixelToSky(c.x, c.y);
    return { ...c, ra, dec };
  });
  const summary = summariseAffine(transform);
  await writeFitsImage(input.differencePath, result.difference, {
    header: {
      ...wcsCards(science.header),
      DIFFRMS: round(result.differenceRms),
      FLXSCALE: round(result.fluxScale),
      NCANDID: candidates.length,
    },
    history: [
      `owb diff: science ${scienceName} minus reference ${referenceName}`,
      `reference registered by ${registration.method} (${registration.matched} stars, rms ${registration.rmsPx.toFixed(3)} px),`,
      `shift ${summary.dx.toFixed(2)},${summary.dy.toFixed(2)} px, rotation ${summary.rotationDeg.toFixed(3)} deg, Lanczos-3`,
      `seeing ${result.scienceFwhmPx.toFixed(2)} px (science) vs ${result.referenceFwhmPx.toFixed(2)} px (reference);`,
      `${result.blurred} blurred by sigma ${result.blurSigmaPx.toFixed(3)} px; flux scale ${result.fluxScale.toFixed(4)}`,
    ],
  });
  if (input.alignedReferencePath) {
    await writeFitsImage(input.alignedReferencePath, aligned, {
      header: wcsCards(science.header),
      history: [`owb diff: ${referenceName} resampled onto the grid of ${scienceName} (Lanczos-3)`],
    });
  }
  return {
    matrix: [
      [transform.a, transform.b, transform.tx],
      [transform.c, transform.d, transform.ty],
    ],
    registration,
    scienceFwhmPx: result.scienceFwhmPx,
    referenceFwhmPx: result.referenceFwhmPx,
    blurred: result.blurred,
    blurSigmaPx: result.blurSigmaPx,
    fluxScale: result.fluxScale,
    differenceRms: result.differenceRms,
    apertureNoise: result.apertureNoise,
    apertureRadiusPx: result.apertureRadiusPx,
    candidates,
  };
}

const WCS_KEYS = [
  'CTYPE1',
  'CTYPE2',
  'CRPIX1',
  'CRPIX2',
  'CRVAL1',
  'CRVAL2',
  'CD1_1',
  'CD1_2',
  'CD2_1',
  'CD2_2',
  'CDELT1',
  'CDELT2',
  'CROTA2',
  'PC1_1',
  'PC1_2',
  'PC2_1',
  'PC2_2',
  'RADESYS',
  'RADECSYS',
  'EQUINOX',
  'CUNIT1',
  'CUNIT2',
  'LONPOLE',
  'LATPOLE',
  'DATE-OBS',
  'EXPTIME',
  'FILTER',
];

function wcsCards(header: FitsHeader): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const key of WCS_KEYS) {
    const value = header.get(key);
    if (value !== undefined && value !== null) out[key] = value;
  }
  // Projection parameters, SIP/TPV distortion and DSS plate-solution cards travel too, or the copy would
  // silently describe a different sky.
  for (const [key, value] of Object.entries(header.toRecord()))
    if (
      /^(PV\d_\d+|A_ORDER|B_ORDER|AP_ORDER|BP_ORDER|AP?_\d_\d|BP?_\d_\d|AMD[XY]\d+|PLT(RA[HMS]|DEC(SN|[DMS]))|PPO\d|[XY]PIXELSZ|CNPIX[12])$/.test(
        key,
      ) &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    )
      out[key] = value;
  return out;
}

function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(8)) : 0;
}
